import { testCredential } from '../harness';
import { ACT365_CREDENTIAL, act365Setup, API_KEY, DATABASE, DEVELOPER_KEY, everything, leads, WEB_PASSWORD, WEB_USER } from './setup';

describe('Act! 365 credential', () => {
	let t: Awaited<ReturnType<typeof act365Setup>>;

	beforeAll(async () => {
		t = await act365Setup();
	});
	afterAll(() => t.close());
	beforeEach(() => t.act.reset());

	const keys = (data: Record<string, string> = {}) => ({
		authentication: 'apiKeys',
		host: 'custom',
		baseUrl: `${t.act.baseUrl}/act/api`,
		apiKey: API_KEY,
		developerApiKey: DEVELOPER_KEY,
		accessToken: '',
		...data,
	});
	const webApi = (data: Record<string, string> = {}) => ({
		authentication: 'webApi',
		webApiHost: 'custom',
		webApiUrl: `${t.act.baseUrl}/act.web.api`,
		username: WEB_USER,
		password: WEB_PASSWORD,
		databaseName: DATABASE,
		accessToken: '',
		...data,
	});

	describe('API key and developer key', () => {
		it('passes with the right pair', async () => {
			expect(await testCredential(t.store, ACT365_CREDENTIAL, keys())).toEqual({ status: 'OK', message: 'Connection successful!' });
			expect(t.act.log.every((entry) => entry.url.startsWith('/act/api/Contacts?$top=1'))).toBe(true);
		});

		it('names both keys when the API key is wrong', async () => {
			const result = await testCredential(t.store, ACT365_CREDENTIAL, keys({ apiKey: 'wrong-api-key-123' }));
			expect(result.status).toBe('Error');
			expect(result.message).toBe('Act! 365 refused the key pair: check "API Key" and "Developer Key"');
		});

		it('names both keys for a wrong developer key, as the 401 body is undocumented, and the developer key where the body says so', async () => {
			const plain = await testCredential(t.store, ACT365_CREDENTIAL, keys({ developerApiKey: 'wrong-dev-key-456' }));
			expect(plain).toEqual({ status: 'Error', message: 'Act! 365 refused the key pair: check "API Key" and "Developer Key"' });
			t.act.configure({ answers: { unauthorizedDetail: true } });
			try {
				const detailed = await testCredential(t.store, ACT365_CREDENTIAL, keys({ developerApiKey: 'wrong-dev-key-456' }));
				expect(detailed).toEqual({ status: 'Error', message: 'Act! 365 accepted the API key but refused the developer key: check "Developer Key"' });
			} finally {
				t.act.configure({ answers: { unauthorizedDetail: false } });
			}
		});

		it('names the base URL when it does not lead to the API', async () => {
			const result = await testCredential(t.store, ACT365_CREDENTIAL, keys({ baseUrl: `${t.act.baseUrl}/act` }));
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/^Act! 365 answered HTTP 404 at .*\/act: check "Base URL"$/);
		});
	});

	describe('Act! Premium Web API', () => {
		it('passes with the right user, password and database, and fails naming them otherwise', async () => {
			expect(await testCredential(t.store, ACT365_CREDENTIAL, webApi())).toEqual({ status: 'OK', message: 'Connection successful!' });
			expect(t.act.countOf('myRecord')).toBe(1);
			const wrong = await testCredential(t.store, ACT365_CREDENTIAL, webApi({ password: 'not-the-password' }));
			expect(wrong.status).toBe('Error');
			expect(wrong.message).toMatch(/^Act! refused the user name, password or database name: check "User Name", "Password" and "Database Name"/);
			const otherDatabase = await testCredential(t.store, ACT365_CREDENTIAL, webApi({ databaseName: 'Elsewhere' }));
			expect(otherDatabase.message).toContain('(Elsewhere)');
		});

		it('reports a user without Web API permission', async () => {
			t.act.configure({ webApiForbidden: 4032 });
			const result = await testCredential(t.store, ACT365_CREDENTIAL, webApi());
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/Web API permission/);
		});
	});
});

describe('Act! 365 node with a wrong or changed credential', () => {
	let t: Awaited<ReturnType<typeof act365Setup>>;

	beforeAll(async () => {
		t = await act365Setup();
	});
	afterAll(() => t.close());
	beforeEach(() => t.act.reset());

	it('checks the key pair once per credential, not per execution or lead', async () => {
		for (let run = 0; run < 3; run++) expect((await t.upsert(leads(5, `run${run}-`))).errors).toHaveLength(0);
		const checks = t.act.log.filter((entry) => entry.url.endsWith('$top=1&$select=id'));
		expect(checks).toHaveLength(1);
		expect(t.store.get(t.credential.id).updates).toBe(1);
	});

	it('fails every item naming the keys, without leaking either key', async () => {
		const wrong = t.addCredential({ developerApiKey: 'wrong-dev-key-789' });
		const run = await t.upsert(leads(3), {}, { credentialId: wrong.id });
		expect(run.success).toHaveLength(0);
		expect(run.errors).toHaveLength(3);
		expect(run.errors[0].json.error).toBe('Act! 365 refused the key pair: check "API Key" and "Developer Key"');
		expect((run.errors[0].json.details as { fix: string }).fix).toMatch(/Give me my developer key now!/);
		const seen = everything(run);
		for (const secret of [API_KEY, 'wrong-dev-key-789']) expect(seen).not.toContain(secret);
		expect(t.act.countOf('createContact')).toBe(0);
	});

	it('names the API key when it is regenerated in Act! between executions', async () => {
		expect((await t.upsert(leads(2))).errors).toHaveLength(0);
		t.act.actions().regenerateApiKey();
		const run = await t.upsert(leads(2, 'after'));
		expect(run.errors.map((item) => item.json.error)).toEqual([
			'Act! 365 refused the key pair: check "API Key" and "Developer Key"',
			'Act! 365 refused the key pair: check "API Key" and "Developer Key"',
		]);
		expect((run.errors[0].json.details as { fix: string }).fix).toMatch(/Profile \(bottom left\) → Apps & Integrations/);
		expect(t.act.contacts()).toHaveLength(2);
	});
});

describe('Act! Premium Web API mode', () => {
	let t: Awaited<ReturnType<typeof act365Setup>>;

	beforeAll(async () => {
		t = await act365Setup();
	});
	afterAll(() => t.close());
	beforeEach(() => t.act.reset());

	it('upserts with one token across executions, sending Bearer and the database header', async () => {
		const credential = t.webApiCredential();
		t.act.seedContact({ emailAddress: 'lead0@example.org' });
		for (let run = 0; run < 3; run++) {
			const result = await t.upsert(leads(4), {}, { credentialId: credential.id });
			expect(result.errors).toHaveLength(0);
			expect(result.success[0].json).toMatchObject({ crm: 'Act! Premium', action: 'updated' });
		}
		expect(t.act.countOf('authorize')).toBe(1);
		expect(t.act.contacts()).toHaveLength(4);
		const custom = await t.upsert([{ emailAddress: 'lead1@example.org', Lead_Score: '12', Newsletter: 'no' }], {}, { credentialId: credential.id });
		expect(custom.errors).toHaveLength(0);
		expect(t.act.contactsByEmail('lead1@example.org')[0].customFields).toEqual({ Lead_Score: 12, Newsletter: false });
		const apiCalls = t.act.log.filter((entry) => entry.endpoint !== 'authorize');
		expect(apiCalls.every((entry) => entry.url.startsWith('/act.web.api/api/') && entry.headerNames.includes('act-database-name'))).toBe(true);
		const seen = everything(await t.upsert(leads(1), {}, { credentialId: credential.id })) + JSON.stringify(t.act.log);
		expect(seen).not.toContain(WEB_PASSWORD);
		expect(seen).not.toContain(String(t.store.get(credential.id).data.accessToken));
	});

	it('signs in again once when the token expires, even with calls in flight', async () => {
		const credential = t.webApiCredential();
		expect((await t.upsert(leads(3), {}, { credentialId: credential.id })).errors).toHaveLength(0);
		t.act.actions().expireTokens();
		const run = await t.upsert(leads(120, 'later'), { options: { batchSize: 20, maxParallelCalls: 5 } }, { credentialId: credential.id });
		expect(run.errors).toHaveLength(0);
		expect(t.act.countOf('authorize')).toBe(2);
		expect(t.act.contacts()).toHaveLength(123);
	});

	it('names a missing subscription (403 4031) on every item', async () => {
		const credential = t.webApiCredential();
		expect((await t.upsert(leads(1), {}, { credentialId: credential.id })).errors).toHaveLength(0);
		t.act.configure({ webApiForbidden: 4031 });
		const run = await t.upsert(leads(2, 'more'), {}, { credentialId: credential.id });
		expect(run.errors).toHaveLength(2);
		expect(run.errors[0].json.error).toBe('Act! Premium refused access (4031): A subscription is required to use the Act! Web API.');
		expect(run.errors[0].json.details).toMatchObject({ code: '4031', fix: expect.stringContaining('subscription does not include the Web API') });
	});
});
