import { FatalCallError } from './errors';
import type { FailureReason } from './types';

/**
 * Some CRMs issue only a few tokens per hour (Act-On: 5 logins; Zoho: 10 per 10 minutes). Once
 * the token endpoint says the allowance is spent, asking again before it resets only burns the
 * next allowance, so the refusal is remembered for the whole process until its reset time.
 */
export class TokenLimitError extends FatalCallError {
	constructor(
		message: string,
		description: string,
		readonly resetsAt: number,
	) {
		// No httpCode: n8n would replace the message with its generic text for that status.
		super(message, description);
		this.name = 'TokenLimitError';
	}

	override get retryLaterReason(): FailureReason {
		return 'token-limit';
	}
}

const refusedUntil = new Map<string, number>();

/** Remembers that the token endpoint refused `key` until `resetsAt` (epoch ms). */
export function rememberTokenLimit(key: string, resetsAt: number): void {
	refusedUntil.set(key, Math.max(resetsAt, refusedUntil.get(key) ?? 0));
}

/** When the remembered refusal for `key` ends, or undefined when token calls are allowed. */
export function tokenLimitResetsAt(key: string): number | undefined {
	const until = refusedUntil.get(key);
	if (until === undefined) return undefined;
	if (until <= Date.now()) {
		refusedUntil.delete(key);
		return undefined;
	}
	return until;
}

/** For tests and for credentials whose limit was lifted: forget remembered refusals. */
export function forgetTokenLimits(): void {
	refusedUntil.clear();
}

/**
 * When a refused token call may be tried again: the Retry-After header, else a "try again in
 * N seconds/minutes" in the body, else `fallbackMs` from now.
 */
export function tokenLimitResetTime(headers: Record<string, string>, body: unknown, fallbackMs: number): number {
	const now = Date.now();
	const header = headers['retry-after'];
	if (header !== undefined) {
		const seconds = Number(header);
		if (Number.isFinite(seconds)) return now + Math.max(0, seconds) * 1000;
		const date = Date.parse(header);
		if (!Number.isNaN(date)) return Math.max(now, date);
	}
	const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
	const match = /(\d+)\s*(second|sec|s\b|minute|min)/i.exec(text);
	if (match) return now + Number(match[1]) * (/^m/i.test(match[2]) ? 60_000 : 1000);
	return now + fallbackMs;
}
