import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { classifyFailure } from './errors';
import { markTokenIntent, tokenIntentState, type TokenIntent } from './tokenCache';

/**
 * Getting tokens for every n8n process at once (queue mode: a main and its workers).
 *
 * n8n runs a credential's preAuthentication when the stored token is empty or a request answers
 * 401, and never before expiry; each worker on its own, with no lock a community node can reach.
 * So when a token expires, every worker's next request fails and every worker mints a token.
 * Instead, each process refreshes ahead of expiry, at a point of the token's last 10 to 25 %
 * picked at random per process, and first stores a claim in the credential: the process that claims
 * first refreshes, the others keep the still valid token and read the new one from the database
 * (n8n reads the credential from there for every request). A token refused before its time
 * (revoked, or expired early) takes the same claim, so one process mints and the others wait.
 */

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** Names this process in refresh claims. */
const PROCESS_ID = Math.random().toString(36).slice(2, 10);
/** This process refreshes once this share of the token's lifetime is left (10 to 25 %). */
const REFRESH_AT_REMAINING = 0.1 + Math.random() * 0.15;
/** A claim older than this was left by a process that stopped: another may claim. */
const CLAIM_LEASE_MS = 30_000;
/** How long a claim stands before its owner mints: longer than a claim takes to reach the database. */
const CLAIM_SETTLE_MS = 500;
/** Spread over which processes refused at the same moment look for a claim. */
const REFUSED_JITTER_MS = 500;
const POLL_MS = 250;
/** How long a request waits for another process's new token before it claims one itself. */
const WAIT_LIMIT_MS = CLAIM_LEASE_MS + 10_000;

/** A request refused with a token handed to it (another request's, then its own) gives up. */
const MAX_MINTS = 2;
/** Per credential, the request of this process that is getting the next token, done when it is. */
const fetching = new Map<string, Promise<void>>();
/**
 * How long a token request that failed for a reason that may pass (the token endpoint down or
 * busy) answers for the other requests of this process that need a token: they fail with it at
 * once instead of each asking again in turn (12 leads waiting made 24 token requests).
 */
const TOKEN_DOWN_MS = 2_000;
/** Per credential, such a failure, when it happened, and what the request was made from. */
const tokenDown = new Map<string, { error: NodeApiError | NodeOperationError; at: number; inputs: string }>();

/** What a token request is made from: once the credential changes (a secret fixed), it asks again. */
function mintInputs(stored: ICredentialDataDecryptedObject): string {
	const token = new Set(['accessToken', 'tokenIssuedAt', 'tokenExpiresAt', 'tokenRefreshClaim']);
	return JSON.stringify(Object.entries(stored).filter(([name]) => !token.has(name)));
}
/** Per credential, when this process last failed to renew a still valid token. */
const renewFailedAt = new Map<string, number>();
/** Tokens the CRM refused in this process, per credential: never sent again. */
const refusedTokens = new Map<string, Set<string>>();

function refused(key: string): Set<string> {
	let tokens = refusedTokens.get(key);
	if (!tokens) refusedTokens.set(key, (tokens = new Set()));
	return tokens;
}

function time(value: unknown): number | undefined {
	const parsed = Date.parse(String(value ?? ''));
	return Number.isNaN(parsed) ? undefined : parsed;
}

interface Claim {
	mine: boolean;
	ageMs: number;
}

/** The claim stored in the credential, when it is still within its lease. */
function liveClaim(credentials: ICredentialDataDecryptedObject, now: number): Claim | undefined {
	const [owner, at] = String(credentials.tokenRefreshClaim ?? '').split(' ');
	const since = time(at);
	if (!owner || since === undefined) return undefined;
	const mine = owner === PROCESS_ID;
	// Another process's clock may be ahead of ours: a claim from the future is fresh, not older.
	const ageMs = Math.max(0, now - since);
	return ageMs < CLAIM_LEASE_MS ? { mine, ageMs } : undefined;
}

/** Whether this process should renew the stored token now, ahead of its expiry. */
function refreshDue(credentials: ICredentialDataDecryptedObject, now: number): boolean {
	const issued = time(credentials.tokenIssuedAt);
	const expires = time(credentials.tokenExpiresAt);
	if (issued === undefined || expires === undefined || expires <= issued) return false;
	return now >= expires - (expires - issued) * REFRESH_AT_REMAINING;
}

function expired(credentials: ICredentialDataDecryptedObject, now: number): boolean {
	const expires = time(credentials.tokenExpiresAt);
	return expires !== undefined && expires <= now;
}

/** n8n's errors as they are (wrapping a NodeApiError again hands it back unchanged). */
function asNodeError(ctx: Context, error: unknown): NodeApiError | NodeOperationError {
	return error instanceof NodeOperationError ? error : new NodeApiError(ctx.getNode(), error as JsonObject);
}

/**
 * Empties the refresh claim in the credential: a claim-only request (n8n stores what
 * preAuthentication answers, and the request itself is held back, see stopIfClaimOnly).
 */
async function releaseClaim(ctx: Context, credentialType: string, options: IHttpRequestOptions, credential: { id: string; name: string }, stored: ICredentialDataDecryptedObject): Promise<void> {
	const copy: ICredentialDataDecryptedObject = { ...stored, accessToken: '' };
	markTokenIntent(copy, { kind: 'claim', token: String(stored.accessToken ?? ''), claim: '', thenSend: false });
	try {
		await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, { ...options }, { credentialsDecrypted: { ...credential, type: credentialType, data: copy } });
	} catch {
		// Held back as intended; a claim that could not be emptied ends with its lease.
	}
}

/** Each request throws its own copy of a shared failure, as the engine may add to an error it handles. */
function copyOf<T extends Error>(error: T): T {
	return Object.defineProperties(Object.create(Object.getPrototypeOf(error)), Object.getOwnPropertyDescriptors(error)) as T;
}

function newClaim(): string {
	return `${PROCESS_ID} ${new Date().toISOString()}`;
}

/**
 * One request through n8n's authenticated request helper, with the credential read from n8n (its
 * database in queue mode) and handed over marked with what this process wants done about the
 * token. Answers and errors are n8n's, as from `httpRequestWithAuthentication`.
 */
export async function requestWithSharedToken(ctx: Context, credentialType: string, options: IHttpRequestOptions): Promise<unknown> {
	const details = ctx.getNode().credentials?.[credentialType];
	const key = `${credentialType}|${details?.id ?? details?.name ?? ''}`;
	const started = Date.now();
	let jittered = false;
	let mints = 0;
	/** When this request stored a claim, in case the credential cannot be read back with it. */
	let claimedAt: number | undefined;
	let releaseOthers: (() => void) | undefined;
	try {
		for (;;) {
			const stored = await ctx.getCredentials(credentialType);
			const now = Date.now();
			const token = String(stored.accessToken ?? '');
			const claim = liveClaim(stored, now);
			const usable = token !== '' && !refused(key).has(token) && !expired(stored, now);
			let intent: TokenIntent;
			if (usable) {
				const renewPaused = (renewFailedAt.get(key) ?? -Infinity) > now - CLAIM_LEASE_MS;
				if (!refreshDue(stored, now) || renewPaused || (claim && !claim.mine)) intent = { kind: 'send', token };
				else if (!claim) intent = { kind: 'claim', token, claim: newClaim(), thenSend: true };
				else intent = claim.ageMs >= CLAIM_SETTLE_MS ? { kind: 'mint', token, refused: refused(key) } : { kind: 'send', token };
			} else {
				const down = tokenDown.get(key);
				if (down && now - down.at < TOKEN_DOWN_MS && down.inputs === mintInputs(stored)) throw copyOf(down.error);
				// One request per process looks after the token; the others wait for it, then read again.
				if (!releaseOthers) {
					const current = fetching.get(key);
					if (current) {
						await current;
						continue;
					}
					fetching.set(key, new Promise<void>((resolve) => (releaseOthers = resolve)));
				}
				const waited = Date.now() - started;
				const ownAgeMs = claim?.mine ? claim.ageMs : claimedAt !== undefined && !claim ? now - claimedAt : undefined;
				if (!jittered && token !== '') {
					// Processes refused at the same moment look for a claim at different times.
					jittered = true;
					await sleep(Math.random() * REFUSED_JITTER_MS);
					continue;
				}
				if (claim && !claim.mine && waited < WAIT_LIMIT_MS) {
					// Another process is getting the token: it appears in the credential.
					await sleep(POLL_MS);
					continue;
				}
				if (ownAgeMs !== undefined && ownAgeMs < CLAIM_SETTLE_MS) {
					await sleep(CLAIM_SETTLE_MS - ownAgeMs);
					continue;
				}
				if (ownAgeMs !== undefined || waited >= WAIT_LIMIT_MS) intent = { kind: 'mint', token, refused: refused(key) };
				else intent = { kind: 'claim', token, claim: newClaim(), thenSend: false };
			}

			// The copy carries the intent; an empty token makes n8n run preAuthentication on it.
			const copy: ICredentialDataDecryptedObject = { ...stored, accessToken: intent.kind === 'send' ? token : '' };
			markTokenIntent(copy, intent);
			if (intent.kind === 'claim') claimedAt = Date.now();
			if (intent.kind === 'mint') mints++;
			try {
				const answer = await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, { ...options }, {
					credentialsDecrypted: { id: String(details?.id ?? ''), name: String(details?.name ?? ''), type: credentialType, data: copy },
				});
				tokenDown.delete(key);
				return answer;
			} catch (error) {
				const state = tokenIntentState(copy);
				// The token request itself failed (no token came back) for a reason that may pass (the
				// token endpoint down): it answers for this process's requests for a moment, and the
				// claim is given back, so that no other process, nor this n8n started again, waits out
				// its lease (30 s) for a token that is not coming.
				if (!usable && intent.kind === 'mint' && copy.accessToken === '' && classifyFailure(error).retryLater) {
					tokenDown.set(key, { error: asNodeError(ctx, error), at: Date.now(), inputs: mintInputs(stored) });
					if (claim?.mine || claimedAt !== undefined) {
						await releaseClaim(ctx, credentialType, options, { id: String(details?.id ?? ''), name: String(details?.name ?? '') }, stored);
					}
				}
				// Renewing ahead of expiry failed before anything was sent (n8n never got a new token):
				// the stored token is still good, so this request uses it and the renewal waits a lease.
				if (intent.kind === 'mint' && usable && state?.used && !state.deferred && copy.accessToken === '') {
					renewFailedAt.set(key, Date.now());
					continue;
				}
				// Claim stored, request held back: the token it would have sent is already refused.
				if (intent.kind === 'claim' && !intent.thenSend && state?.used && !state.deferred) continue;
				if (!state?.deferred) throw asNodeError(ctx, error);
				// A 401 on a second token minted for this request: no new token will help.
				if (mints >= MAX_MINTS || Date.now() - started >= WAIT_LIMIT_MS) throw asNodeError(ctx, error);
				refused(key).add(String(copy.accessToken ?? ''));
			}
		}
	} finally {
		if (releaseOthers) {
			fetching.delete(key);
			releaseOthers();
		}
	}
}

/** For tests: forget which tokens this process saw refused or failed to renew. */
export function forgetRefusedTokens(): void {
	refusedTokens.clear();
	renewFailedAt.clear();
	tokenDown.clear();
}
