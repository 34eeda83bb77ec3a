import { SlidingWindowLimiter } from '../framework';

/**
 * The shared sliding-window limiter, plus what `X-RateLimit-*` headers need: how many calls the
 * window holds and when its oldest call leaves it.
 */
export class MeteredLimiter extends SlidingWindowLimiter {
	private readonly accepted: number[] = [];

	tryAcquire(now = Date.now()): boolean {
		const ok = super.tryAcquire(now);
		if (ok) this.accepted.push(now);
		return ok;
	}

	reset(): void {
		super.reset();
		this.accepted.length = 0;
	}

	/**
	 * Header names follow the Act! Web API (surface B), which publishes them without values or
	 * a throttled status; Act! 365 publishes no limit at all. `X-RateLimit-Reset` is the Unix time
	 * (seconds) at which the oldest call in the window expires — an assumption.
	 */
	headers(now = Date.now()): Record<string, string> {
		while (this.accepted.length > 0 && this.accepted[0] <= now - this.windowMs) this.accepted.shift();
		const resetAt = (this.accepted[0] ?? now) + this.windowMs;
		return {
			'X-RateLimit-Limit': String(this.limit),
			'X-RateLimit-Remaining': String(Math.max(0, this.limit - this.accepted.length)),
			'X-RateLimit-Reset': String(Math.ceil(resetAt / 1000)),
		};
	}
}
