import type { ICredentialDataDecryptedObject, INodeProperties } from 'n8n-workflow';

export interface MintedToken {
	/** The fields preAuthentication hands back to n8n to store in the credential. */
	fields: ICredentialDataDecryptedObject;
	token: string;
	expiresAt: number;
	/** When the CRM issued it (epoch ms); stamped by shareTokenRequest when the mint leaves it out. */
	issuedAt?: number;
}

/** The token a request presented, as the credential stored in n8n's database held it. */
export interface PresentedToken {
	token: unknown;
	/** The credential's `tokenIssuedAt` (ISO 8601), written next to every token minted here. */
	issuedAt: unknown;
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

const inFlight = new Map<string, Promise<MintedToken>>();
const latest = new Map<string, MintedToken & { issuedAt: number }>();

/** Margin before expiry under which a sibling's token is not worth reusing. */
const REUSE_MARGIN_MS = 60 * 1000;

function issueTime(value: unknown): number {
	const time = Date.parse(String(value ?? ''));
	return Number.isNaN(time) ? 0 : time;
}

/**
 * n8n calls a credential's preAuthentication whenever a request finds the stored token empty
 * or gets a 401, with no lock: parallel items and executions would each mint a token. This
 * makes every caller in the process share one request, and hands a caller that presents a token
 * older than the one this process minted last the newer one instead of minting yet another.
 * A caller presenting a newer token (another worker's, read from the database) is never handed
 * this process's older one: that token is the one the CRM just refused, or will refuse next.
 */
export async function shareTokenRequest(
	key: string,
	presented: PresentedToken,
	mint: () => Promise<MintedToken>,
): Promise<ICredentialDataDecryptedObject> {
	const known = latest.get(key);
	if (
		known &&
		known.token !== presented.token &&
		known.issuedAt > issueTime(presented.issuedAt) &&
		known.expiresAt - REUSE_MARGIN_MS > Date.now()
	) {
		return known.fields;
	}
	let pending = inFlight.get(key);
	if (!pending) {
		pending = mint()
			.then((minted) => {
				const issuedAt = minted.issuedAt ?? Date.now();
				const stamped = { ...minted, issuedAt, fields: { ...minted.fields, tokenIssuedAt: new Date(issuedAt).toISOString() } };
				latest.set(key, stamped);
				return stamped;
			})
			.finally(() => inFlight.delete(key));
		inFlight.set(key, pending);
	}
	return (await pending).fields;
}

/** For tests and for credentials whose secrets changed: forget what this process minted. */
export function forgetTokens(): void {
	latest.clear();
}
