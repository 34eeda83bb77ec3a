import { describeCredentialProblem } from './credentialErrors';
import { lowerCaseHeaders } from './transport';
import type { FailureReason, LeadFailure, RecordOutcome } from './types';

/** Bad input on one item: names the field and the fix. The other items still go through. */
export class LeadInputError extends Error {
	constructor(
		message: string,
		readonly details: { field?: string; description?: string; code?: string } = {},
	) {
		super(message);
		this.name = 'LeadInputError';
	}

	toFailure(): LeadFailure {
		return { message: this.message, ...this.details };
	}
}

/**
 * The package's own errors, by message. n8n 1.x's NodeApiError drops the error it wraps (its
 * `cause` class field resets what Error set), keeping only the message: an error a credential's
 * preAuthentication threw inside n8n's request helper is recognised again by that message.
 */
const recentErrors = new Map<string, Error>();
const RECENT_ERRORS_KEPT = 200;

function remember(error: Error): void {
	recentErrors.delete(error.message);
	recentErrors.set(error.message, error);
	if (recentErrors.size > RECENT_ERRORS_KEPT) recentErrors.delete(recentErrors.keys().next().value as string);
}

/** A call-level failure the adapter recognised in a body (e.g. a rate limit sent with HTTP 200). */
export class TransientCallError extends Error {
	constructor(
		message: string,
		readonly retryAfterMs?: number,
		/** False when the CRM refused the call before doing anything (rate limits). */
		readonly mayHaveApplied = false,
		/** Why, once retries are spent; by default a refusal (`mayHaveApplied` false) is a rate limit. */
		readonly reason?: FailureReason,
	) {
		super(message);
		this.name = 'TransientCallError';
		remember(this);
	}
}

/**
 * A token or key check answered 5xx or 429: the CRM's auth service is down or busy, which says
 * nothing about the credential. The call is retried, and the lead can wait in an outbox.
 */
export function throwIfAuthServiceDown(statusCode: number, service: string): void {
	if (statusCode >= 500 || statusCode === 429) {
		throw new TransientCallError(`${service} answered HTTP ${statusCode}`, undefined, false, statusCode === 429 ? 'rate-limit' : 'crm-unavailable');
	}
}

/** A failure that no retry will cure (bad credential, hourly token limit): every item gets it. */
export class FatalCallError extends Error {
	constructor(
		message: string,
		readonly description?: string,
		readonly httpCode?: string,
	) {
		super(message);
		this.name = 'FatalCallError';
		remember(this);
	}

	/** Set where the refusal ends by itself (a spent token allowance or call quota): why the lead can wait. */
	get retryLaterReason(): FailureReason | undefined {
		return undefined;
	}
}

/** The account's call quota is spent until it resets (Act-On's daily calls): no call before then, but a lead can wait. */
export class QuotaSpentError extends FatalCallError {
	override get retryLaterReason(): FailureReason {
		return 'rate-limit';
	}
}

/**
 * For adapters that write a batch as several calls (one per record): some records were settled
 * (written, or refused for their own reasons) before `cause` stopped the batch. The engine keeps
 * those outcomes and retries, or fails, only the others, so a written record is never reported
 * as failed.
 */
export class PartialBatchError extends Error {
	constructor(
		/** One entry per record of the batch, in order; undefined = not settled. */
		readonly settled: Array<RecordOutcome | undefined>,
		readonly cause: unknown,
	) {
		super(cause instanceof Error ? cause.message : String(cause));
		this.name = 'PartialBatchError';
	}
}

/** Our own error inside n8n's wrappers (NodeApiError keeps what it wraps as `cause`). */
export function findCause<T extends Error>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
	for (let current = error, depth = 0; current && depth < 5; depth++) {
		if (current instanceof type) return current;
		current = (current as { cause?: unknown }).cause;
	}
	const known = error instanceof Error ? recentErrors.get(error.message) : undefined;
	return known instanceof type ? known : undefined;
}

/**
 * n8n 1.x keeps no network error code on its NodeApiError, only its own text for the code
 * (from n8n-workflow's list of common errors): read the code back from that text.
 */
const NETWORK_CODE_TEXTS: Array<[RegExp, string]> = [
	[/^The connection to the server was closed unexpectedly/, 'ECONNRESET'],
	[/^The connection timed out/, 'ETIMEDOUT'],
	[/^The connection was aborted/, 'ECONNABORTED'],
	[/^The service refused the connection/, 'ECONNREFUSED'],
	[/^The connection cannot be established/, 'ENOTFOUND'],
	[/^The DNS server returned an error/, 'EAI_AGAIN'],
];

function networkCodeFromText(message: unknown): string | undefined {
	return typeof message === 'string' ? NETWORK_CODE_TEXTS.find(([text]) => text.test(message))?.[1] : undefined;
}

export interface HttpErrorInfo {
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
	/** ECONNRESET, ETIMEDOUT, ECONNABORTED… */
	networkCode?: string;
	message: string;
}

/**
 * n8n wraps request failures in NodeApiError; the HTTP answer sits on the original error
 * (`cause`), on the error itself, or only as `httpCode` and `context.data`.
 */
export function inspectHttpError(error: unknown): HttpErrorInfo {
	const outer = error as Record<string, any>;
	const candidates = [outer?.cause, outer, outer?.cause?.cause].filter(Boolean);
	const withResponse = candidates.find((candidate) => candidate.response);
	const response = withResponse?.response;
	const headers = lowerCaseHeaders(response?.headers);
	const statusFromCode = Number(outer?.httpCode);
	const networkCode =
		candidates.map((candidate) => candidate.code).find((code) => typeof code === 'string' && /^E[A-Z_]+$|^ERR_/.test(code)) ??
		(response ? undefined : networkCodeFromText(outer?.message));
	return {
		status: response?.status ?? response?.statusCode ?? (Number.isFinite(statusFromCode) && statusFromCode > 0 ? statusFromCode : undefined),
		body: response?.data ?? response?.body ?? outer?.context?.data,
		headers,
		networkCode,
		message: String(outer?.cause?.message ?? outer?.message ?? error),
	};
}

export interface Classification {
	retryable: boolean;
	/** The CRM may have applied the write before the failure (lost answer, 5xx). */
	mayHaveApplied: boolean;
	retryAfterMs?: number;
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const LOST_ANSWER_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

export function retryAfterMs(headers: Record<string, string>): number | undefined {
	const value = headers['retry-after'];
	if (value === undefined) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function classifyCallError(error: unknown): Classification {
	const transient = findCause(error, TransientCallError);
	if (transient) return { retryable: true, mayHaveApplied: transient.mayHaveApplied, retryAfterMs: transient.retryAfterMs };
	if (findCause(error, FatalCallError) || findCause(error, LeadInputError)) return { retryable: false, mayHaveApplied: false };
	const info = inspectHttpError(error);
	if (info.status === 429) return { retryable: true, mayHaveApplied: false, retryAfterMs: retryAfterMs(info.headers) };
	if (info.status === 408 || (info.status !== undefined && info.status >= 500)) {
		return { retryable: true, mayHaveApplied: true, retryAfterMs: retryAfterMs(info.headers) };
	}
	if (info.status !== undefined) return { retryable: false, mayHaveApplied: false };
	if (info.networkCode && NOT_SENT_CODES.has(info.networkCode)) return { retryable: true, mayHaveApplied: false };
	if ((info.networkCode && LOST_ANSWER_CODES.has(info.networkCode)) || /socket hang up|timeout|aborted/i.test(info.message)) {
		return { retryable: true, mayHaveApplied: true };
	}
	return { retryable: false, mayHaveApplied: false };
}

export interface FailureClass {
	retryLater: boolean;
	reason: FailureReason;
}

/**
 * Whether a lead that failed with `error` (once the node's own retries are spent) can be stored
 * by sending it again later with nothing changed, and why: an outbox retries the first kind and
 * shows the second to a person. Errors the node cannot place count as needing attention, so
 * nothing is retried blindly.
 */
export function classifyFailure(error: unknown): FailureClass {
	if (findCause(error, LeadInputError)) return { retryLater: false, reason: 'invalid-lead' };
	if (describeCredentialProblem(error)) return { retryLater: false, reason: 'setup' };
	const fatal = findCause(error, FatalCallError);
	if (fatal) return fatal.retryLaterReason ? { retryLater: true, reason: fatal.retryLaterReason } : { retryLater: false, reason: 'setup' };
	const transient = findCause(error, TransientCallError);
	if (transient) return { retryLater: true, reason: transient.reason ?? (transient.mayHaveApplied ? 'crm-unavailable' : 'rate-limit') };
	const info = inspectHttpError(error);
	if (info.status === 429) return { retryLater: true, reason: 'rate-limit' };
	if (info.status === 408) return { retryLater: true, reason: 'timeout' };
	if (info.status !== undefined && info.status >= 500) return { retryLater: true, reason: 'crm-unavailable' };
	if (info.status === 401 || info.status === 403) return { retryLater: false, reason: 'setup' };
	if (info.status !== undefined) return { retryLater: false, reason: 'refused' };
	if (info.networkCode && NOT_SENT_CODES.has(info.networkCode)) return { retryLater: true, reason: 'connection' };
	if (classifyCallError(error).retryable) return { retryLater: true, reason: 'timeout' };
	return { retryLater: false, reason: 'setup' };
}
