/**
 * Every error item says whether waiting can cure it (`details.retryLater`) and why
 * (`details.reason`): what an outbox reads to replay a lead or set it aside for a person.
 */
import { leads, zohoSetup } from './setup';

let setup: Awaited<ReturnType<typeof zohoSetup>>;
beforeEach(async () => {
	setup = await zohoSetup();
});
afterEach(async () => {
	await setup.close();
});

const fewRetries = { options: { maxRetries: 1, timeout: 1000 } };
const detailsOf = (item: { json: Record<string, unknown> }) => item.json.details as { retryLater: boolean; reason: string; fix?: string };

describe('Zoho CRM Lead Upsert: retry later or needs attention', () => {
	test.each([
		['5xx on every upsert', 'crm-unavailable', { endpoint: 'upsert', fault: { kind: 'status', status: 503 } }],
		['429 on every upsert', 'rate-limit', { endpoint: 'upsert', fault: { kind: 'status', status: 429 } }],
		['the token endpoint down (503)', 'crm-unavailable', { endpoint: 'token', fault: { kind: 'status', status: 503 } }],
		['connections reset', 'timeout', { endpoint: 'upsert', fault: { kind: 'reset' } }],
		['no answer in time', 'timeout', { endpoint: 'upsert', fault: { kind: 'timeout' } }],
	] as const)('%s: retry later (%s)', async (_case, reason, rule) => {
		setup.zoho.injectFault({ ...rule, probability: 1 } as never);
		const { success, errors } = await setup.upsert(leads(3), fewRetries);
		expect(success).toHaveLength(0);
		expect(errors).toHaveLength(3);
		for (const error of errors) expect(detailsOf(error)).toMatchObject({ retryLater: true, reason });
	});

	test('a lead the node refuses (a Last_Name longer than Zoho takes) needs attention; the others are stored', async () => {
		const items = leads(3);
		items[1].Last_Name = 'X'.repeat(120);
		const { success, errors } = await setup.upsert(items);
		expect(success).toHaveLength(2);
		expect(errors).toHaveLength(1);
		expect(detailsOf(errors[0])).toMatchObject({ retryLater: false, reason: 'invalid-lead', field: 'Last_Name' });
	});

	test('a record Zoho refuses in its answer (INVALID_DATA) needs attention', async () => {
		setup.zoho.injectFault({ endpoint: 'upsert', probability: 1, fault: { kind: 'status', status: 400, body: { code: 'INVALID_DATA', message: 'invalid data', status: 'error', details: {} } } } as never);
		const { errors } = await setup.upsert(leads(2), fewRetries);
		expect(errors).toHaveLength(2);
		for (const error of errors) expect(detailsOf(error)).toMatchObject({ retryLater: false, reason: 'refused' });
	});

	test('a revoked refresh token needs attention (setup), and is not retried', async () => {
		setup.credential.data.refreshToken = '1000.sandbox.revoked';
		const { errors } = await setup.upsert(leads(2), fewRetries);
		expect(errors).toHaveLength(2);
		for (const error of errors) expect(detailsOf(error)).toMatchObject({ retryLater: false, reason: 'setup' });
		expect(setup.zoho.countOf('token')).toBe(1);
	});
});
