import { sleep } from 'n8n-workflow';

import type { PacingSettings } from './types';

/** Spare milliseconds per window slot, against timer granularity. */
const SLOT_MARGIN_MS = 5;

/**
 * Keeps a credential's calls within "`limit` calls in any `windowMs`" before the CRM has to
 * refuse. A slot is taken when a call starts and stays taken until `windowMs` after its answer
 * arrived: the CRM counted the call before it answered, so its window can only end earlier
 * than ours, whatever the latency. Also caps calls in flight, and a Retry-After pauses everyone.
 */
export class Pacer {
	/**
	 * How many n8n processes (queue-mode workers) spend this quota at once. n8n gives nodes no
	 * memory shared across processes, so each one keeps to its share of `limit`.
	 */
	public sharedBy = 1;
	private inFlight = 0;
	/** Slots the calls in flight count for (a call may stand for more than one request). */
	private inFlightSlots = 0;
	/** When each finished call's slot frees, ascending. */
	private slotFreeAt: number[] = [];
	private pausedUntil = 0;
	private gate: Promise<void> = Promise.resolve();
	private releaseWaiters: Array<() => void> = [];

	constructor(
		public limit: number,
		public windowMs: number,
		public concurrency: number,
	) {}

	/**
	 * Runs `call` once it fits. `slots` > 1 when the call makes more than one request the CRM
	 * counts (a credential's own check inside it): all of them hold their slot until it answers.
	 */
	async run<T>(call: () => Promise<T>, slots = 1): Promise<T> {
		const counted = Math.max(1, Math.min(slots, this.ownLimit));
		await this.acquire(counted);
		try {
			return await call();
		} finally {
			this.release(counted);
		}
	}

	/**
	 * About how long from now until `calls` more calls could all have started, from the slots
	 * taken at this moment (a call in flight frees its slot a window after it began, at the earliest).
	 */
	estimateMs(calls: number): number {
		const now = Date.now();
		const busy = [...this.slotFreeAt.filter((at) => at > now), ...Array<number>(this.inFlightSlots).fill(now + this.windowMs)].sort((a, b) => a - b);
		const paused = Math.max(0, this.pausedUntil - now);
		const free = Math.max(0, this.ownLimit - busy.length);
		if (calls <= free) return paused;
		const beyond = calls - free;
		if (beyond <= busy.length) return Math.max(paused, busy[beyond - 1] - now);
		const lastFree = busy.length > 0 ? busy[busy.length - 1] - now : 0;
		return Math.max(paused, lastFree + Math.ceil((beyond - busy.length) / this.ownLimit) * this.windowMs);
	}

	/** This process's share of the quota's limit (the whole limit with one process). */
	get ownLimit(): number {
		return Math.max(1, Math.floor(this.limit / Math.max(1, this.sharedBy)));
	}

	/** Stops every caller until `ms` from now (a Retry-After, or a refusal despite pacing). */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}

	private async acquire(slots: number): Promise<void> {
		// First come, first served: each caller waits for the one before it to get its slot.
		const previous = this.gate;
		let pass!: () => void;
		this.gate = new Promise((resolve) => (pass = resolve));
		await previous;
		try {
			for (;;) {
				const now = Date.now();
				while (this.slotFreeAt.length > 0 && this.slotFreeAt[0] <= now) this.slotFreeAt.shift();
				const used = this.inFlightSlots + this.slotFreeAt.length;
				const full = used + slots > this.ownLimit;
				if (now < this.pausedUntil) {
					await sleep(this.pausedUntil - now);
				} else if (this.inFlight >= this.concurrency || (full && this.slotFreeAt.length === 0)) {
					await new Promise<void>((resolve) => this.releaseWaiters.push(resolve));
				} else if (full) {
					await sleep(this.slotFreeAt[0] - now);
				} else {
					this.inFlight++;
					this.inFlightSlots += slots;
					return;
				}
			}
		} finally {
			pass();
		}
	}

	private release(slots: number): void {
		this.inFlight--;
		this.inFlightSlots -= slots;
		const freeAt = Date.now() + this.windowMs + SLOT_MARGIN_MS;
		for (let i = 0; i < slots; i++) this.slotFreeAt.push(freeAt);
		const waiters = this.releaseWaiters;
		this.releaseWaiters = [];
		for (const wake of waiters) wake();
	}
}

// One pacer per quota for the whole process: parallel executions share the CRM's limit.
const pacers = new Map<string, Pacer>();

/** Parallel calls per quota until an upsert sets its own "Max Parallel Calls". */
export const DEFAULT_CONCURRENCY = 3;

/**
 * The quota's pacer. Limits follow the credential (the user may have changed the plan since
 * the last run); the parallel-call cap changes only when the caller sets one, so a Get or a
 * field picker running beside an upsert does not reset the upsert's cap.
 */
export function getPacer(settings: PacingSettings): Pacer {
	let pacer = pacers.get(settings.key);
	if (!pacer) {
		pacer = new Pacer(settings.limit, settings.windowMs, settings.concurrency ?? DEFAULT_CONCURRENCY);
		pacer.sharedBy = settings.sharedBy ?? 1;
		pacers.set(settings.key, pacer);
		return pacer;
	}
	pacer.limit = settings.limit;
	pacer.sharedBy = settings.sharedBy ?? 1;
	pacer.windowMs = settings.windowMs;
	if (settings.concurrency !== undefined) pacer.concurrency = settings.concurrency;
	return pacer;
}
