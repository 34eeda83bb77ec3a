import { sleep } from 'n8n-workflow';

import { classifyCallError, type Classification } from './errors';
import type { Pacer } from './pacing';
import type { RetrySettings } from './types';

export const DEFAULT_RETRY: RetrySettings = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30000 };

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffMs(attempt: number, settings: RetrySettings): number {
	const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Waits before the next try: the CRM's Retry-After when it sent one (and every caller of the
 * same quota waits with us), else backoff.
 */
export async function waitBeforeRetry(
	attempt: number,
	classification: Classification,
	settings: RetrySettings,
	pacer?: Pacer,
): Promise<void> {
	if (classification.retryAfterMs !== undefined) {
		pacer?.pause(classification.retryAfterMs);
		await sleep(classification.retryAfterMs + Math.random() * settings.baseDelayMs * 0.2);
		return;
	}
	await sleep(backoffMs(attempt, settings));
}

/**
 * A read the whole run depends on (the CRM's fields or a list's columns), tried like any call:
 * a failure that may pass is retried with backoff up to `maxRetries` times; the last one is handed
 * back for the node to report.
 */
export async function readWithRetries<T>(read: () => Promise<T>, maxRetries: number, pacer?: Pacer): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	for (let attempt = 0; ; attempt++) {
		try {
			return { ok: true, value: await read() };
		} catch (error) {
			const classification = classifyCallError(error);
			if (!classification.retryable || attempt >= maxRetries) return { ok: false, error };
			await waitBeforeRetry(attempt, classification, DEFAULT_RETRY, pacer);
		}
	}
}

export { classifyCallError };
