/**
 * "At most `limit` calls in any `windowMs`" lets the first `limit` calls start at once, the next
 * ones a window later, and so on; the last call then takes one round trip. No client can finish
 * earlier, however many calls it keeps in flight.
 */
export function slidingWindowMs(calls: number, limit: number, windowMs: number, latencyMs: number): number {
	if (calls <= 0) return 0;
	return (Math.ceil(calls / limit) - 1) * windowMs + latencyMs;
}

/** Calls that may be in flight together, each one round trip long. */
export function concurrencyMs(calls: number, concurrency: number, latencyMs: number): number {
	return Math.ceil(calls / concurrency) * latencyMs;
}

export function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
