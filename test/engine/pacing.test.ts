import { SlidingWindowLimiter } from '../../sandbox/framework';
import { Pacer } from '../../nodes/shared/engine/pacing';

/** A CRM-side judge: counts arrivals the way the emulators do and records refusals. */
function simulatedCrm(limit: number, windowMs: number) {
	const judge = new SlidingWindowLimiter(limit, windowMs);
	let refused = 0;
	let inFlight = 0;
	let peak = 0;
	return {
		call: async (latencyMs: number) => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			if (!judge.tryAcquire()) refused++;
			await new Promise((resolve) => setTimeout(resolve, latencyMs));
			inFlight--;
		},
		get refused() {
			return refused;
		},
		get peak() {
			return peak;
		},
	};
}

describe('Pacer', () => {
	test('keeps every window under the limit, whatever the latency, with parallel callers', async () => {
		const crm = simulatedCrm(10, 400);
		const pacer = new Pacer(10, 400, 4);
		const started = Date.now();
		await Promise.all(Array.from({ length: 60 }, (_, i) => pacer.run(() => crm.call(5 + ((i * 37) % 40)))));
		const elapsed = Date.now() - started;
		expect(crm.refused).toBe(0);
		expect(crm.peak).toBeLessThanOrEqual(4);
		// 60 calls at 10 per 400 ms: at least five windows must pass, and not many more.
		expect(elapsed).toBeGreaterThanOrEqual(5 * 400);
		expect(elapsed).toBeLessThan(5 * 400 * 1.6);
	});

	test('a pause (Retry-After) holds every caller', async () => {
		const pacer = new Pacer(100, 1000, 2);
		pacer.pause(300);
		const started = Date.now();
		await Promise.all([pacer.run(async () => undefined), pacer.run(async () => undefined)]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});

	test('estimates when more calls could start: free slots now, spent ones a window after they were taken', async () => {
		const pacer = new Pacer(2, 1000, 5);
		expect(pacer.estimateMs(2)).toBe(0);
		expect(pacer.estimateMs(5)).toBe(2000);
		await pacer.run(async () => undefined);
		expect(pacer.estimateMs(1)).toBe(0);
		const secondSlot = pacer.estimateMs(2);
		expect(secondSlot).toBeGreaterThan(900);
		expect(secondSlot).toBeLessThanOrEqual(1005);
		// Two more after that one: a full window later.
		expect(pacer.estimateMs(4)).toBeGreaterThan(1900);
		pacer.pause(3000);
		expect(pacer.estimateMs(1)).toBeGreaterThan(2900);
	});
});
