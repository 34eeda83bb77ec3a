import { ZohoSandbox } from '../../sandbox/zoho/ZohoSandbox';
import { CredentialStore, runNode, testCredential } from '../harness';
import { REFRESH_TOKEN, ZOHO_CREDENTIAL, zohoCredentialData, zohoSetup } from './setup';

let zoho: ZohoSandbox;
beforeEach(async () => {
	zoho = new ZohoSandbox({ refreshToken: REFRESH_TOKEN });
	await zoho.listen();
});
afterEach(async () => {
	await zoho.close();
});

const credentialData = (overrides: Record<string, string> = {}) => zohoCredentialData(zoho, overrides);

async function upsertWith(data: Record<string, string>) {
	const store = new CredentialStore();
	const credential = store.add(ZOHO_CREDENTIAL, data);
	return await runNode({
		type: 'zohoCrmLeadUpsert',
		store,
		credentials: { [ZOHO_CREDENTIAL]: credential.id },
		items: [{ Email: 'a@example.org', Last_Name: 'A' }, { Email: 'b@example.org', Last_Name: 'B' }],
		onError: 'stopWorkflow',
		parameters: {
			operation: 'upsert',
			module: 'Leads',
			columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['Email'], schema: [] },
			options: {},
		},
	});
}

describe('Zoho CRM credential', () => {
	test('the credential test gets a token and reads the current user', async () => {
		const result = await testCredential(new CredentialStore(), ZOHO_CREDENTIAL, credentialData());
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(zoho.countOf('token')).toBe(1);
		expect(zoho.countOf('users')).toBe(1);
	});

	test('a wrong client secret (refused in an HTTP 200 body) says what to copy again and where', async () => {
		const result = await testCredential(new CredentialStore(), ZOHO_CREDENTIAL, credentialData({ clientSecret: 'wrong-secret-value' }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('invalid_client_secret');
		const run = await upsertWith(credentialData({ clientSecret: 'wrong-secret-value' }));
		expect(run.error?.message).toBe('Zoho CRM refused to issue an access token: invalid_client_secret');
		expect(run.error?.description).toContain('Copy it again from the Self Client');
		expect(run.error?.description).toContain(zoho.baseUrl.replace('//', '//'));
		expect(JSON.stringify(run.error)).not.toContain('wrong-secret-value');
		expect(zoho.countOf('upsert')).toBe(0);
	});

	test('a revoked refresh token says to generate a new grant code, never "undefined"', async () => {
		zoho.actions().revokeRefreshTokens();
		const run = await upsertWith(credentialData());
		expect(run.error?.message).toBe('Zoho CRM refused to issue an access token: invalid_code');
		expect(run.error?.description).toMatch(/generate a new grant code/);
		expect(`${run.error?.message} ${run.error?.description}`).not.toMatch(/undefined|at Object\./);
		// One refused token call, no retry storm.
		expect(zoho.countOf('token')).toBe(1);
	});

	test('an unknown client ID points at the data centre', async () => {
		const run = await upsertWith(credentialData({ clientId: '1000.OTHERDC' }));
		expect(run.error?.message).toContain('invalid_client');
		expect(run.error?.description).toContain('data centre');
	});

	test('the token throttle (10 per refresh token per 10 minutes) is explained and not extended by asking again', async () => {
		zoho.configure({ mintsPerWindow: 0 });
		const data = credentialData({ refreshToken: '1000.throttled.refresh-token' });
		zoho.refreshTokens.add(data.refreshToken);
		const first = await upsertWith(data);
		expect(first.error?.message).toContain('Access Denied (10 tokens per refresh token in 10 minutes are spent)');
		expect(first.error?.description).toContain('not extended');
		const second = await upsertWith(data);
		expect(second.error?.message).toContain('asks again after');
		// One refused token call in all: the second execution did not ask.
		expect(zoho.countOf('token')).toBe(1);
		expect(zoho.countOf('upsert')).toBe(0);
	});

	test('with "continue on error", a credential failure gives every item an error item', async () => {
		zoho.actions().revokeRefreshTokens();
		const setup = await zohoSetup();
		setup.zoho.actions().revokeRefreshTokens();
		const { success, errors } = await setup.upsert([{ Email: 'a@example.org' }, { Email: 'b@example.org' }]);
		expect(success).toHaveLength(0);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(errors[0].json.error).toContain('invalid_code');
		await setup.close();
	});
});

describe('Zoho CRM credential, shared tokens', () => {
	test('a credential with a mistyped secret is told so, even while another credential of the same client holds a token', async () => {
		const zoho = new ZohoSandbox({ refreshToken: REFRESH_TOKEN });
		await zoho.listen();
		const store = new CredentialStore();
		const good = store.add(ZOHO_CREDENTIAL, zohoCredentialData(zoho));
		const typo = store.add(ZOHO_CREDENTIAL, zohoCredentialData(zoho, { clientSecret: `${zoho.clientSecret}-typo` }));
		const run = (id: string) =>
			runNode({
				type: 'zohoCrmLeadUpsert',
				store,
				credentials: { [ZOHO_CREDENTIAL]: id },
				items: [{ Email: `${id}@example.org`, Last_Name: 'Shared' }],
				onError: 'stopWorkflow',
				parameters: { operation: 'upsert', module: 'Leads', columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['Email'], schema: [] }, options: {} },
			});
		expect((await run(good.id)).error).toBeUndefined();
		const refused = await run(typo.id);
		expect(refused.error?.message).toBe('Zoho CRM refused to issue an access token: invalid_client_secret');
		expect(zoho.records()).toHaveLength(1);
		await zoho.close();
	});
});
