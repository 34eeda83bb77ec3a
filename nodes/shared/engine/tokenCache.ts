import type { ICredentialDataDecryptedObject, INodeProperties } from 'n8n-workflow';

export interface MintedToken {
	/** The fields preAuthentication hands back to n8n to store in the credential. */
	fields: ICredentialDataDecryptedObject;
	token: string;
	expiresAt: number;
	/** When the CRM issued it (epoch ms); stamped by shareTokenRequest when the mint leaves it out. */
	issuedAt?: number;
}

/**
 * Hidden credential field holding when the stored token was issued. In queue mode every worker
 * reads the credential from the database per request, so it may hold a token newer than any this
 * process minted: the issue time says which of two tokens is the newer one.
 */
export const TOKEN_ISSUED_AT_FIELD: INodeProperties = {
	displayName: 'Access Token Issued At',
	name: 'tokenIssuedAt',
	type: 'hidden',
	default: '',
};

/** When the stored token expires (ISO 8601): every process reads it to refresh before then. */
export const TOKEN_EXPIRES_AT_FIELD: INodeProperties = {
	displayName: 'Access Token Expires At',
	name: 'tokenExpiresAt',
	type: 'hidden',
	default: '',
};

/**
 * Which n8n process is about to get the next token, and since when ("<process> <ISO time>").
 * n8n gives a community node no lock shared by its workers; the credential row in n8n's database
 * is the one thing they all read, and preAuthentication's answer is the one thing n8n writes there.
 */
export const TOKEN_REFRESH_CLAIM_FIELD: INodeProperties = {
	displayName: 'Token Refresh Claimed By',
	name: 'tokenRefreshClaim',
	type: 'hidden',
	default: '',
};

/** The hidden fields every token credential of the package keeps next to its token. */
export const TOKEN_LIFETIME_FIELDS: INodeProperties[] = [TOKEN_ISSUED_AT_FIELD, TOKEN_EXPIRES_AT_FIELD, TOKEN_REFRESH_CLAIM_FIELD];

/**
 * What the node means by the credential copy it hands n8n's request helper (see tokenRefresh.ts).
 * Kept beside the copy, not in it, so n8n never stores it with the credential.
 * - send: the stored token as it is; n8n runs preAuthentication on it only after a 401.
 * - claim: store this process's refresh claim next to the unchanged token.
 * - mint: get a new token now (this process holds a settled claim, or nobody can).
 */
export type TokenIntent =
	| { kind: 'send'; token: string }
	| { kind: 'claim'; token: string; claim: string; thenSend: boolean }
	| { kind: 'mint'; token: string; refused: ReadonlySet<string> };

interface IntentState {
	intent: TokenIntent;
	/** preAuthentication acted on the intent once; a second call on the same copy is a 401. */
	used: boolean;
	/** A 401 reached preAuthentication and it left the refresh to the node. */
	deferred: boolean;
}

const intents = new WeakMap<object, IntentState>();

export function markTokenIntent(credentials: ICredentialDataDecryptedObject, intent: TokenIntent): void {
	intents.set(credentials, { intent, used: false, deferred: false });
}

export function tokenIntentState(credentials: ICredentialDataDecryptedObject): Readonly<IntentState> | undefined {
	return intents.get(credentials);
}

/** Thrown inside n8n's request helper when the node, not n8n, decides how to get a new token. */
export class TokenRefreshDeferred extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'TokenRefreshDeferred';
	}
}

/**
 * Called first in a credential's `authenticate`: a copy that only writes a refresh claim for a
 * token the CRM already refused is not sent (n8n stored the claim before calling authenticate).
 */
export function stopIfClaimOnly(credentials: ICredentialDataDecryptedObject): void {
	const state = intents.get(credentials);
	if (state?.intent.kind === 'claim' && !state.intent.thenSend && state.used) {
		throw new TokenRefreshDeferred('Refresh claim stored; the request waits for the new token');
	}
}

const inFlight = new Map<string, Promise<MintedToken & { issuedAt: number }>>();
const latest = new Map<string, MintedToken & { issuedAt: number }>();

/** Margin before expiry under which a sibling's token is not worth reusing. */
const REUSE_MARGIN_MS = 60 * 1000;

function issueTime(value: unknown): number {
	const time = Date.parse(String(value ?? ''));
	return Number.isNaN(time) ? 0 : time;
}

function storedFields(minted: MintedToken & { issuedAt: number }): ICredentialDataDecryptedObject {
	return {
		...minted.fields,
		tokenIssuedAt: new Date(minted.issuedAt).toISOString(),
		tokenExpiresAt: new Date(minted.expiresAt).toISOString(),
		// The new token ends the claim that led to it.
		tokenRefreshClaim: '',
	};
}

/**
 * A credential's preAuthentication goes through here. n8n calls it whenever a request finds the
 * stored token empty or gets a 401, with no lock: parallel items and executions would each mint
 * a token. This makes every caller in the process share one request, and hands a caller that
 * presents a token older than the one this process minted last the newer one instead of minting
 * yet another. A caller presenting a newer token (another worker's, read from the database) is
 * never handed this process's older one: that token is the one the CRM just refused.
 *
 * A copy the package's node marked (tokenRefresh.ts) is handled as the node asked: its claim is
 * stored, or a 401 is handed back to the node, which reads the credential again before minting.
 */
export async function shareTokenRequest(
	key: string,
	credentials: ICredentialDataDecryptedObject,
	mint: () => Promise<MintedToken>,
): Promise<ICredentialDataDecryptedObject> {
	const state = intents.get(credentials);
	let presentedToken: unknown = credentials.accessToken;
	if (state) {
		if (state.used || state.intent.kind === 'send') {
			state.deferred = true;
			throw new TokenRefreshDeferred('The CRM refused the token; the node reads the credential again before asking for a new one');
		}
		state.used = true;
		presentedToken = state.intent.token;
		if (state.intent.kind === 'claim') {
			return { accessToken: state.intent.token, tokenRefreshClaim: state.intent.claim };
		}
	}
	const known = latest.get(key);
	if (
		known &&
		!(state?.intent.kind === 'mint' && state.intent.refused.has(known.token)) &&
		known.token !== presentedToken &&
		known.issuedAt > issueTime(credentials.tokenIssuedAt) &&
		known.expiresAt - REUSE_MARGIN_MS > Date.now()
	) {
		return storedFields(known);
	}
	let pending = inFlight.get(key);
	if (!pending) {
		pending = mint()
			.then((minted) => {
				const stamped = { ...minted, issuedAt: minted.issuedAt ?? Date.now() };
				latest.set(key, stamped);
				return stamped;
			})
			.finally(() => inFlight.delete(key));
		inFlight.set(key, pending);
	}
	return storedFields(await pending);
}

/** For tests and for credentials whose secrets changed: forget what this process minted. */
export function forgetTokens(): void {
	latest.clear();
}
