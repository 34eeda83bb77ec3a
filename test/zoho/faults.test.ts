import { leads, zohoSetup } from './setup';

let setup: Awaited<ReturnType<typeof zohoSetup>>;
beforeEach(async () => {
	setup = await zohoSetup();
});
afterEach(async () => {
	await setup.close();
});

const fastRetries = { options: { timeout: 1500, maxRetries: 5 } };

describe('Zoho CRM Lead Upsert under faults', () => {
	test('1,000 leads through 429, 5xx, a timeout, a reset, a lost answer and a token expiry: each stored exactly once', async () => {
		const { zoho } = setup;
		zoho.injectFault({ endpoint: 'upsert', nth: 2, fault: { kind: 'status', status: 429 } });
		zoho.injectFault({ endpoint: 'upsert', nth: 3, fault: { kind: 'status', status: 500 } });
		zoho.injectFault({ endpoint: 'upsert', nth: 5, fault: { kind: 'status', status: 502 } });
		zoho.injectFault({ endpoint: 'upsert', nth: 6, fault: { kind: 'action', run: zoho.actions().expireTokens } });
		zoho.injectFault({ endpoint: 'upsert', nth: 8, fault: { kind: 'status', status: 503 } });
		zoho.injectFault({ endpoint: 'upsert', nth: 9, fault: { kind: 'timeout' } });
		zoho.injectFault({ endpoint: 'upsert', nth: 11, fault: { kind: 'reset' } });
		zoho.injectFault({ endpoint: 'upsert', nth: 12, fault: { kind: 'lostResponse' } });
		const { success, errors } = await setup.upsert(leads(1000), fastRetries);

		expect(errors).toHaveLength(0);
		expect(success).toHaveLength(1000);
		expect(success.every((item, index) => (item.pairedItem as { item: number }).item === index)).toBe(true);
		const emails = zoho.records().map((record) => String(record.Email));
		expect(emails).toHaveLength(1000);
		expect(new Set(emails).size).toBe(1000);
		expect(zoho.faults.firedByKind).toMatchObject({ status429: 1, status500: 1, status502: 1, status503: 1, timeout: 1, reset: 1, lostResponse: 1, action: 1 });
		// 10 batches and 7 repeats; each call that met the expired token is replayed once by n8n
		// after a single shared refresh (batches run three at a time, so one or more may meet it).
		expect(zoho.refusals.invalidToken).toBeGreaterThanOrEqual(1);
		expect(zoho.countOf('upsert')).toBe(10 + 7 + zoho.refusals.invalidToken);
		expect(zoho.countOf('token')).toBe(2);
		// Records whose answer was lost were written by the first try: the repeat reports an update.
		expect(success.filter((item) => item.json.action === 'updated')).toHaveLength(100);
	});

	test('a CRM that keeps failing: every item ends as an error after bounded retries, none vanishes', async () => {
		setup.zoho.injectFault({ endpoint: 'upsert', probability: 1, fault: { kind: 'status', status: 503 } });
		const started = Date.now();
		const { success, errors } = await setup.upsert(leads(150), { options: { maxRetries: 2 } });
		expect(success).toHaveLength(0);
		expect(errors).toHaveLength(150);
		expect(errors[0].json.error).toBe('Zoho CRM answered HTTP 503 INTERNAL_ERROR: Internal Server Error');
		expect(String((errors[0].json.details as { fix: string }).fix)).toMatch(/^Gave up after 3 tries/);
		// Two batches, three tries each.
		expect(setup.zoho.countOf('upsert')).toBe(6);
		expect(Date.now() - started).toBeLessThan(10000);
	});

	test('a Retry-After from the CRM is honoured before the next try', async () => {
		setup.zoho.injectFault({ endpoint: 'upsert', nth: 1, fault: { kind: 'status', status: 429, headers: { 'Retry-After': '2' } } });
		const started = Date.now();
		const { success } = await setup.upsert(leads(5));
		expect(success).toHaveLength(5);
		expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
		expect(setup.zoho.countOf('upsert')).toBe(2);
	});

	test('parallel batches stay within Max Parallel Calls, below Zoho\'s concurrency limit', async () => {
		setup.zoho.latencyMs = 150;
		setup.zoho.configure({ concurrencyLimit: 3 });
		const { success } = await setup.upsert(leads(800), { options: { maxParallelCalls: 3 } });
		expect(success).toHaveLength(800);
		expect(setup.zoho.peakConcurrency).toBe(3);
		expect(setup.zoho.refusals.concurrency ?? 0).toBe(0);
	});
});
