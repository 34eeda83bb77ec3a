import { act365Setup, leads } from './setup';

/** What a test measured, printed once so a run's numbers can be read off the log. */
const measured: Record<string, unknown> = {};

describe('Act! 365 at volume', () => {
	let t: Awaited<ReturnType<typeof act365Setup>>;

	beforeAll(async () => {
		t = await act365Setup({ latencyMs: 2 });
	});
	afterAll(async () => {
		console.log(`Act! 365 measurements: ${JSON.stringify(measured, null, 1)}`);
		await t.close();
	});
	beforeEach(() => {
		t.act.reset();
		t.act.faults.reseed(365);
	});

	const seedHalf = () => {
		for (let i = 0; i < 1000; i += 2) t.act.seedContact({ emailAddress: `lead${i}@example.org`, firstName: 'Existing' });
	};

	const expectEachOnce = () => {
		for (let i = 0; i < 1000; i++) expect(t.act.contactsByEmail(`lead${i}@example.org`)).toHaveLength(1);
		expect(t.act.contacts()).toHaveLength(1000);
	};

	it('upserts 1,000 leads, half of them existing contacts, in at most 1.1 calls per lead', async () => {
		// A first small run checks the keys and loads the field list, as any earlier execution would.
		await t.upsert(leads(1, 'warm-up'));
		t.act.reset();
		seedHalf();
		const started = Date.now();
		const run = await t.upsert(leads(1000));
		const wallMs = Date.now() - started;

		expect(run.errors).toHaveLength(0);
		expect(run.success).toHaveLength(1000);
		expect(run.success.filter((item) => item.json.action === 'updated')).toHaveLength(500);
		expect(run.success.every((item, i) => (item.pairedItem as { item: number }).item === i)).toBe(true);
		expectEachOnce();
		const calls = t.act.totalCalls();
		expect(calls / 1000).toBeLessThanOrEqual(1.1);
		measured.volume = { leads: 1000, existing: 500, calls: { ...t.act.calls }, total: calls, callsPerLead: calls / 1000, wallMs };
	});

	it('leaves every contact present exactly once after a fault-injected run of 1,000 leads', async () => {
		await t.upsert(leads(1, 'warm-up'));
		t.act.reset();
		seedHalf();
		// Creates whose answer is lost after Act! stored them, server errors, dropped connections,
		// 429s with Retry-After, and calls that never answer.
		t.act.injectFault({ endpoint: 'createContact', probability: 0.04, fault: { kind: 'lostResponse' } });
		t.act.injectFault({ endpoint: 'updateContact', probability: 0.02, fault: { kind: 'lostResponse' } });
		t.act.injectFault({ probability: 0.01, fault: { kind: 'status', status: 503 } });
		t.act.injectFault({ probability: 0.01, fault: { kind: 'reset' } });
		t.act.injectFault({ endpoint: 'searchContacts', nth: 7, fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' } } });
		t.act.injectFault({ endpoint: 'createContact', nth: 100, fault: { kind: 'timeout' } });
		t.act.injectFault({ endpoint: 'updateContact', nth: 200, fault: { kind: 'timeout' } });
		const started = Date.now();
		const run = await t.upsert(leads(1000), { options: { timeout: 1000, batchSize: 20, maxParallelCalls: 5 } });
		const wallMs = Date.now() - started;

		expect(run.errors).toHaveLength(0);
		expect(run.success).toHaveLength(1000);
		expectEachOnce();
		// A create whose answer was lost still reports "inserted": the repeated look-up found this run's contact.
		expect(run.success.filter((item) => item.json.action === 'inserted')).toHaveLength(500);
		expect(t.act.faults.firedByKind.lostResponse).toBeGreaterThan(15);
		expect(t.act.faults.firedByKind.timeout).toBe(2);
		measured.faults = { fired: { ...t.act.faults.firedByKind }, calls: { ...t.act.calls }, total: t.act.totalCalls(), wallMs };

		// The same leads again: every one is now an update, still one contact each.
		t.act.faults.clear();
		const again = await t.upsert(leads(1000));
		expect(again.success.every((item) => item.json.action === 'updated')).toBe(true);
		expectEachOnce();
	});

	it('stays under the configured rate limit without a single refusal, close to the fastest the limit allows', async () => {
		const limit = 25;
		const windowMs = 1000;
		// A new credential: its one-time key check inside the first call counts toward the limit too.
		const credential = t.addCredential({ rateLimitCalls: limit, rateLimitWindowSeconds: windowMs / 1000 });
		t.act.reset();
		t.act.configure({ limit, windowMs });

		const started = Date.now();
		const run = await t.upsert(leads(130), { options: { maxParallelCalls: 5 } }, { credentialId: credential.id });
		const wallMs = Date.now() - started;

		expect(run.errors).toHaveLength(0);
		expect(t.act.refusals.rateLimit ?? 0).toBe(0);
		const calls = t.act.totalCalls();
		// With at most `limit` calls in any window, `calls` need at least this long.
		const floorMs = (Math.ceil(calls / limit) - 1) * windowMs;
		expect(wallMs).toBeGreaterThanOrEqual(floorMs);
		expect(wallMs / floorMs).toBeLessThan(1.5);
		measured.rateLimit = { limit, windowMs, calls, wallMs, floorMs, ratio: Number((wallMs / floorMs).toFixed(2)), refusals: { ...t.act.refusals } };
	});
});
