/**
 * Act-On's token endpoint down is an outage to wait out, not a refused login: the error items
 * say "retry later", so an outbox keeps the leads instead of asking a person to fix the login.
 */
import type { ActOnSandbox } from '../../sandbox/acton/ActOnSandbox';
import { forgetProcessState, leads, newCredential, startActOn, upsert } from './setup';

let sandbox: ActOnSandbox;
beforeAll(async () => {
	sandbox = await startActOn({ callsPerSecond: 50 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	forgetProcessState();
	sandbox.faults.clear();
});

test('the token endpoint answering 503: every lead fails as retry later (crm-unavailable)', async () => {
	sandbox.injectFault({ endpoint: 'token', probability: 1, fault: { kind: 'status', status: 503 } });
	const { store, id } = newCredential(sandbox);
	const run = await upsert({ store, id, items: leads(2), options: { maxRetries: 1 } });
	expect(run.success).toHaveLength(0);
	expect(run.errors).toHaveLength(2);
	for (const error of run.errors) expect(error.json.details).toMatchObject({ retryLater: true, reason: 'crm-unavailable' });
});

test('a wrong password: every lead needs attention (setup)', async () => {
	const { store, id } = newCredential(sandbox, { password: 'not-the-password' });
	const run = await upsert({ store, id, items: leads(2), options: { maxRetries: 1 } });
	expect(run.errors).toHaveLength(2);
	for (const error of run.errors) expect(error.json.details).toMatchObject({ retryLater: false, reason: 'setup' });
});
