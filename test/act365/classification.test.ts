/**
 * Act! 365 answering its key check with 5xx is an outage to wait out, not refused keys: the error
 * items say "retry later", so an outbox keeps the leads.
 */
import { act365Setup, leads } from './setup';

let t: Awaited<ReturnType<typeof act365Setup>>;
beforeEach(async () => {
	t = await act365Setup();
});
afterEach(async () => await t.close());

test('every call answered 503: the leads fail as retry later (crm-unavailable)', async () => {
	t.act.injectFault({ probability: 1, fault: { kind: 'status', status: 503 } });
	const run = await t.upsert(leads(2), { options: { maxRetries: 1 } });
	expect(run.success).toHaveLength(0);
	expect(run.errors).toHaveLength(2);
	for (const error of run.errors) expect(error.json.details).toMatchObject({ retryLater: true, reason: 'crm-unavailable' });
});
