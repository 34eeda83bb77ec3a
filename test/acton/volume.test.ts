import type { ActOnSandbox } from '../../sandbox/acton/ActOnSandbox';
import { forgetProcessState, leads, newCredential, startActOn, upsert, WEB_LEADS } from './setup';

/**
 * Volume runs at a raised per-second limit (set the same on the emulator and the credential) so
 * 1,000 leads take seconds instead of Act-On's 200; the ratio to the floor is what is measured.
 */
const FAST_LIMIT = 100;
const LEADS = 1000;
let sandbox: ActOnSandbox;

beforeAll(async () => {
	sandbox = await startActOn({ latencyMs: 5 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	forgetProcessState();
});

/** The fewest seconds `calls` calls can take at `limit` per second, as Act-On's notes count it. */
const floorMs = (calls: number, limit: number) => (calls / limit) * 1000;

function expectEachLeadOnce(prefix: string, count: number) {
	const emails = sandbox.records(WEB_LEADS).map((record) => record.email.toLowerCase());
	expect(emails).toHaveLength(count);
	expect(new Set(emails).size).toBe(count);
	for (let i = 0; i < count; i++) expect(emails).toContain(`${prefix}${i}@example.org`);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
	const started = performance.now();
	const result = await run();
	return { result, ms: performance.now() - started };
}

test(`${LEADS} leads, twice: 1 token call in total, no rate-limit refusal, within 1.1x of the per-second floor`, async () => {
	sandbox.configure({ callsPerSecond: FAST_LIMIT });
	const { store, id } = newCredential(sandbox, { callsPerSecond: FAST_LIMIT });

	const first = await timed(() => upsert({ store, id, items: leads(LEADS) }));
	expect(first.result.success).toHaveLength(LEADS);
	expect(first.result.success.every((item) => item.json.action === 'upserted')).toBe(true);
	const firstCalls = sandbox.countOf('listDetail') + sandbox.countOf('upsertRecord');
	expect(firstCalls).toBe(LEADS + 1);

	const second = await timed(() => upsert({ store, id, items: leads(LEADS).map((lead) => ({ ...lead, Company: 'Second Run' })) }));
	expect(second.result.success).toHaveLength(LEADS);
	expect(second.result.success.every((item) => item.json.action === 'upserted')).toBe(true);

	expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 0 });
	expect(sandbox.countOf('token')).toBe(1);
	expect(sandbox.refusals.rateLimit ?? 0).toBe(0);
	expectEachLeadOnce('lead', LEADS);
	expect(sandbox.records(WEB_LEADS).every((record) => record.values.Company === 'Second Run')).toBe(true);

	const firstRatio = first.ms / floorMs(firstCalls, FAST_LIMIT);
	const secondRatio = second.ms / floorMs(LEADS, FAST_LIMIT);
	console.log(
		`Act-On ${LEADS} leads at ${FAST_LIMIT}/s: run 1 ${Math.round(first.ms)} ms (${firstCalls} calls, floor ${floorMs(firstCalls, FAST_LIMIT)} ms, ratio ${firstRatio.toFixed(3)}); ` +
			`run 2 ${Math.round(second.ms)} ms (${LEADS} calls, ratio ${secondRatio.toFixed(3)}); token calls ${sandbox.countOf('token')}; refusals ${JSON.stringify(sandbox.refusals)}`,
	);
	expect(firstRatio).toBeLessThanOrEqual(1.1);
	expect(secondRatio).toBeLessThanOrEqual(1.1);
});

test("at Act-On's own 5 calls per second, nothing is refused and the run keeps to the floor", async () => {
	sandbox.configure({ callsPerSecond: 5 });
	const { store, id } = newCredential(sandbox, { callsPerSecond: 5 });
	const run = await timed(() => upsert({ store, id, items: leads(20, 'slow') }));
	expect(run.result.success).toHaveLength(20);
	const calls = sandbox.countOf('listDetail') + sandbox.countOf('upsertRecord');
	expect(sandbox.refusals.rateLimit ?? 0).toBe(0);
	const ratio = run.ms / floorMs(calls, 5);
	console.log(`Act-On 20 leads at 5/s: ${Math.round(run.ms)} ms for ${calls} calls, floor ${floorMs(calls, 5)} ms, ratio ${ratio.toFixed(3)}`);
	expect(ratio).toBeLessThanOrEqual(1.1);
	expectEachLeadOnce('slow', 20);
});

test(`${LEADS} leads through 429s, 5xx, resets, lost answers, timeouts and a token expiry: each lead in the list exactly once`, async () => {
	sandbox.configure({ callsPerSecond: FAST_LIMIT });
	sandbox.faults.reseed(7);
	const faults = [
		{ fault: { kind: 'status', status: 429 }, probability: 0.02 },
		{ fault: { kind: 'status', status: 500 }, probability: 0.015 },
		{ fault: { kind: 'status', status: 503 }, probability: 0.01 },
		{ fault: { kind: 'reset' }, probability: 0.01 },
		{ fault: { kind: 'lostResponse' }, probability: 0.02 },
		{ fault: { kind: 'timeout' }, probability: 0.003 },
	] as const;
	for (const rule of faults) sandbox.injectFault({ endpoint: 'upsertRecord', ...rule, fault: { ...rule.fault } });
	sandbox.injectFault({ endpoint: 'upsertRecord', nth: 400, fault: { kind: 'action', run: () => sandbox.actions().expireAccessTokens() } });

	const { store, id } = newCredential(sandbox, { callsPerSecond: FAST_LIMIT });
	const run = await timed(() => upsert({ store, id, items: leads(LEADS, 'fault'), options: { timeout: 1500 } }));

	console.log(
		`Act-On ${LEADS} leads with faults: ${Math.round(run.ms)} ms; faults fired ${JSON.stringify(sandbox.faults.firedByKind)}; ` +
			`upsert calls ${sandbox.countOf('upsertRecord')}; token calls ${JSON.stringify(sandbox.tokenCalls())}; refusals ${JSON.stringify(sandbox.refusals)}`,
	);
	expect(run.result.errors).toHaveLength(0);
	expect(run.result.success).toHaveLength(LEADS);
	expect(sandbox.faults.firedByKind.lostResponse).toBeGreaterThan(5);
	expect(sandbox.faults.firedByKind.timeout).toBeGreaterThan(0);
	expectEachLeadOnce('fault', LEADS);
	expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 1 });
	expect(sandbox.refusals.rateLimit ?? 0).toBe(0);
});
