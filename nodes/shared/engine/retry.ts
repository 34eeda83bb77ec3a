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

export { classifyCallError };
