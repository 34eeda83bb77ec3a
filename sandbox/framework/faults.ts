/**
 * Fault injection. A fault is armed against an endpoint (or every endpoint) and fires on a
 * chosen matching call, or at random with a seeded generator so a run can be replayed.
 */
export type Fault =
	/** Answer with this status (and the emulator's vendor-shaped body unless one is given). */
	| { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
	/** Never answer; the client's own timeout has to fire. The write is not applied. */
	| { kind: 'timeout' }
	/** Destroy the socket before doing anything. The write is not applied. */
	| { kind: 'reset' }
	/** Apply the write, then destroy the socket: the client cannot know it succeeded. */
	| { kind: 'lostResponse' }
	/** Run a side effect (expire tokens, revoke a refresh token…) and then serve the call normally. */
	| { kind: 'action'; run: () => void }
	/**
	 * Answer with this status and the emulator's vendor-shaped body, every text in it followed by
	 * the request as received (method, URL, headers, body), after `pad` filler characters. Some
	 * servers and proxies echo requests in errors; the pad places the credentials where a client
	 * that cuts long messages would cut them.
	 */
	| { kind: 'echo'; status: number; pad?: number };

export interface FaultRule {
	/** Endpoint name as the emulator counts it; omitted = every endpoint. */
	endpoint?: string;
	fault: Fault;
	/** Fire on the nth matching call after arming (1-based). */
	nth?: number;
	/** Fire with this probability on each matching call. */
	probability?: number;
	/** How many times the rule may fire; default 1 for `nth`, unlimited for `probability`. */
	times?: number;
}

interface ArmedRule extends FaultRule {
	seen: number;
	fired: number;
}

/** Small deterministic PRNG (mulberry32) so fault-injected runs are reproducible. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FaultInjector {
	private rules: ArmedRule[] = [];
	private random: () => number;
	readonly firedByKind: Record<string, number> = {};

	constructor(seed = 1) {
		this.random = seededRandom(seed);
	}

	reseed(seed: number): void {
		this.random = seededRandom(seed);
	}

	arm(rule: FaultRule): void {
		this.rules.push({ ...rule, seen: 0, fired: 0 });
	}

	clear(): void {
		this.rules = [];
	}

	/** The fault to apply to this call, if any. At most one fault fires per call. */
	pick(endpoint: string): Fault | undefined {
		let chosen: Fault | undefined;
		for (const rule of this.rules) {
			if (rule.endpoint !== undefined && rule.endpoint !== endpoint) continue;
			rule.seen++;
			if (chosen) continue;
			const limit = rule.times ?? (rule.nth !== undefined ? 1 : Infinity);
			if (rule.fired >= limit) continue;
			const hit =
				rule.nth !== undefined
					? rule.seen >= rule.nth
					: rule.probability !== undefined && this.random() < rule.probability;
			if (hit) {
				rule.fired++;
				chosen = rule.fault;
			}
		}
		if (chosen) {
			const label = chosen.kind === 'status' ? `status${chosen.status}` : chosen.kind;
			this.firedByKind[label] = (this.firedByKind[label] ?? 0) + 1;
		}
		return chosen;
	}
}
