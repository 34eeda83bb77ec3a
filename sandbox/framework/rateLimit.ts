/**
 * "At most `limit` calls in any window of `windowMs`": the way vendors word their limits
 * ("25 calls in 5 seconds", "5 calls per second"). A sliding log, so no burst at a window
 * edge slips through the way it would with fixed windows.
 */
export class SlidingWindowLimiter {
	private readonly starts: number[] = [];

	constructor(
		public limit: number,
		public windowMs: number,
	) {}

	/** Records the call and returns true when it fits; returns false (and records nothing) otherwise. */
	tryAcquire(now = Date.now()): boolean {
		this.evict(now);
		if (this.starts.length >= this.limit) return false;
		this.starts.push(now);
		return true;
	}

	/** Milliseconds until the next call would fit. */
	retryAfterMs(now = Date.now()): number {
		this.evict(now);
		if (this.starts.length < this.limit) return 0;
		return this.starts[0] + this.windowMs - now;
	}

	reset(): void {
		this.starts.length = 0;
	}

	private evict(now: number): void {
		while (this.starts.length > 0 && this.starts[0] <= now - this.windowMs) this.starts.shift();
	}
}

/** Counts requests in flight, for vendors that limit concurrency (Zoho). */
export class ConcurrencyGauge {
	inFlight = 0;
	peak = 0;

	constructor(public limit: number) {}

	tryEnter(): boolean {
		if (this.inFlight >= this.limit) return false;
		this.inFlight++;
		this.peak = Math.max(this.peak, this.inFlight);
		return true;
	}

	leave(): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
	}
}
