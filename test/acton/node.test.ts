import type { INodeListSearchResult, ResourceMapperFields } from 'n8n-workflow';

import type { ActOnSandbox } from '../../sandbox/acton/ActOnSandbox';
import { callNodeMethod, CredentialStore, runNode, testCredential } from '../harness';
import {
	ACTON_CREDENTIAL,
	ACTON_NODE,
	CLIENT,
	credentialData,
	defineBelow,
	forgetProcessState,
	jsonOf,
	leads,
	newCredential,
	pairedIndexes,
	startActOn,
	upsert,
	USER,
	WEB_LEADS,
} from './setup';

// Raised from Act-On's 5 per second on both sides so these functional runs stay short; the
// volume tests measure pacing against the limit.
const CALLS_PER_SECOND = 50;
let sandbox: ActOnSandbox;

beforeAll(async () => {
	sandbox = await startActOn({ callsPerSecond: CALLS_PER_SECOND });
});
afterAll(async () => await sandbox.close());
// reset() keeps settings, so each test starts from the same ones.
const SETTINGS = { callsPerSecond: CALLS_PER_SECOND, dailyQuota: 30_000 };
beforeEach(() => {
	sandbox.reset();
	sandbox.configure(SETTINGS);
	forgetProcessState();
});

const credential = (overrides = {}) => newCredential(sandbox, { callsPerSecond: CALLS_PER_SECOND, ...overrides });
const records = (listId = WEB_LEADS) => sandbox.records(listId);
const allOutput = (run: { success: unknown[]; errors: unknown[]; error?: unknown }) => JSON.stringify([run.success, run.errors, run.error ?? null]);

describe('Act-On credential', () => {
	test('the credential test logs in once, then reuses the stored token with one account call', async () => {
		const store = new CredentialStore();
		const first = await testCredential(store, ACTON_CREDENTIAL, credentialData(sandbox) as never);
		expect(first).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 0 });
		const persisted = store.get(`${ACTON_CREDENTIAL}-1`).data;
		expect(persisted.accessToken).toEqual(expect.any(String));
		expect(persisted.refreshToken).toEqual(expect.any(String));

		// n8n runs preAuthentication on every test click: the stored token is checked, not replaced.
		forgetProcessState();
		for (let click = 0; click < 6; click++) {
			const again = await testCredential(store, ACTON_CREDENTIAL, { ...persisted });
			expect(again.status).toBe('OK');
		}
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 0 });
		expect(sandbox.refusals.authLimit ?? 0).toBe(0);
		// Six clicks: a check and the test call each.
		expect(sandbox.countOf('account')).toBe(1 + 6 * 2);
	});

	test('a wrong password or client secret names both possible causes, without the secret, and no second login follows within the hour', async () => {
		const wrongPassword = await testCredential(new CredentialStore(), ACTON_CREDENTIAL, credentialData(sandbox, { password: 'Not-The-Password-9' }) as never);
		expect(wrongPassword.status).toBe('Error');
		// invalid_grant is documented for a wrong password, but a spent login limit may look the same.
		expect(wrongPassword.message).toContain(`Act-On refused the login of ${USER.username} (HTTP 403 invalid_grant): a wrong username or password, or the hourly login limit`);

		// The next try, even with other secrets, waits for the hour instead of spending a login.
		const blocked = await testCredential(new CredentialStore(), ACTON_CREDENTIAL, credentialData(sandbox, { clientSecret: 'wrong-secret-value' }) as never);
		expect(blocked.message).toMatch(/a wrong username or password, or the hourly login limit; no new login is tried until .* \(in about 60 min\)$/);
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 0 });

		forgetProcessState();
		const wrongSecret = await testCredential(new CredentialStore(), ACTON_CREDENTIAL, credentialData(sandbox, { clientSecret: 'wrong-secret-value' }) as never);
		expect(wrongSecret.status).toBe('Error');
		expect(wrongSecret.message).toContain('Act-On refused the login (HTTP 401 access_denied): a wrong Client ID or Client Secret, or the hourly login limit');
		expect(JSON.stringify([wrongPassword, blocked, wrongSecret])).not.toMatch(/Not-The-Password-9|wrong-secret-value/);

		// In a run, every item gets the reason, and one login attempt is made for the whole run; the next run makes none.
		forgetProcessState();
		const { store, id } = credential({ password: 'Not-The-Password-9' });
		const run = await upsert({ store, id, items: leads(12) });
		expect(run.success).toHaveLength(0);
		expect(run.errors).toHaveLength(12);
		expect(new Set(run.errors.map((item) => item.json.error))).toEqual(
			new Set([`Act-On refused the login of ${USER.username} (HTTP 403 invalid_grant): a wrong username or password, or the hourly login limit`]),
		);
		expect(String(run.errors[0].json.details && (run.errors[0].json.details as { fix?: string }).fix)).toContain('wait for the hour to pass and change nothing');
		const again = await upsert({ store, id, items: leads(2) });
		expect(again.errors.map((item) => item.json.error)).toEqual([expect.stringMatching(/no new login is tried until/), expect.stringMatching(/no new login is tried until/)]);
		expect(sandbox.tokenCalls()).toEqual({ password: 3, refresh: 0 });
		expect(allOutput(run)).not.toContain('Not-The-Password-9');
	});
});

describe('Act-On pickers from the live account', () => {
	test('lists come from the account, searchable by name', async () => {
		const { store, id } = credential();
		const call = (filter?: string) =>
			callNodeMethod<INodeListSearchResult>({
				type: ACTON_NODE,
				store,
				credentials: { [ACTON_CREDENTIAL]: id },
				parameters: { operation: 'upsert' },
				kind: 'listSearch',
				method: 'searchLists',
				args: [filter],
			});
		expect((await call()).results).toEqual([
			{ name: 'Web Leads (Default Folder)', value: 'l-0001' },
			{ name: 'Webinar Registrants (Events)', value: 'l-0002' },
			{ name: 'Trade Show 2024 (Events)', value: 'l-0003' },
		]);
		expect((await call('webinar')).results).toEqual([{ name: 'Webinar Registrants (Events)', value: 'l-0002' }]);
		expect(sandbox.countOf('lists')).toBe(2);
	});

	test("the field mapper shows the list's own column headings, with only the e-mail required", async () => {
		const { store, id } = credential();
		const fields = await callNodeMethod<ResourceMapperFields>({
			type: ACTON_NODE,
			store,
			credentials: { [ACTON_CREDENTIAL]: id },
			parameters: { operation: 'upsert', list: { __rl: true, mode: 'list', value: 'l-0002' } },
			kind: 'resourceMapping',
			method: 'getColumns',
		});
		expect(fields.fields.map((field) => [field.id, field.required, field.canBeUsedToMatch, field.defaultMatch])).toEqual([
			['Email', true, true, true],
			['Name', false, false, false],
			['Webinar', false, false, false],
		]);
		expect(sandbox.countOf('listDetail')).toBe(1);
	});
});

describe('Act-On upsert contact in list', () => {
	test.each([
		['the documented answer ("Record updated" for new records too)', false, 'upserted'],
		['an answer that says "Record inserted" for new records', true, 'inserted'],
	])('inserts, then updates by e-mail (any case), reporting the record id per item, against %s', async (_answer, upsertSaysInserted, newAction) => {
		sandbox.configure({ upsertSaysInserted });
		const { store, id } = credential();
		const first = await upsert({ store, id, items: leads(3) });
		sandbox.configure({ upsertSaysInserted: false });
		expect(jsonOf(first.success).map((json) => [json.action, json.id, json.crm, json.listId])).toEqual([
			[newAction, 'l-0001:0', 'Act-On', WEB_LEADS],
			[newAction, 'l-0001:1', 'Act-On', WEB_LEADS],
			[newAction, 'l-0001:2', 'Act-On', WEB_LEADS],
		]);
		const second = await upsert({
			store,
			id,
			items: [{ 'E-mail Address': 'LEAD1@Example.org', Company: 'Renamed Ltd' }],
		});
		expect(jsonOf(second.success)).toEqual([
			// "Record updated" is what Act-On documents for new records too: it proves nothing.
			expect.objectContaining({ action: 'upserted', id: 'l-0001:1', input: { 'E-mail Address': 'LEAD1@Example.org', Company: 'Renamed Ltd' } }),
		]);
		expect(records()).toHaveLength(3);
		expect(records()[1].values).toMatchObject({ 'First Name': 'First1', Company: 'Renamed Ltd' });
		expect(sandbox.countOf('upsertRecord')).toBe(4);
	});

	test('items with the same e-mail in one run become one write; each item still gets its result', async () => {
		const { store, id } = credential();
		const run = await upsert({
			store,
			id,
			items: [
				{ 'E-mail Address': 'ada@example.org', 'First Name': 'Ada' },
				{ 'E-mail Address': 'grace@example.org', 'First Name': 'Grace' },
				{ 'E-mail Address': 'ADA@example.org', Company: 'Northwind Labs' },
			],
		});
		expect(pairedIndexes(run.success)).toEqual([0, 1, 2]);
		expect(run.success[2].json).toMatchObject({ id: run.success[0].json.id, mergedWithItem: 0 });
		expect(sandbox.countOf('upsertRecord')).toBe(2);
		const ada = records().filter((record) => record.email.toLowerCase() === 'ada@example.org');
		expect(ada).toHaveLength(1);
		expect(ada[0].values).toMatchObject({ 'First Name': 'Ada', Company: 'Northwind Labs' });
	});

	test('bad input fails only its own item, naming the field and the fix', async () => {
		const { store, id } = credential();
		const items = [
			{ 'E-mail Address': 'ok1@example.org', 'First Name': 'Ok' },
			{ 'First Name': 'No Email' },
			{ 'E-mail Address': 'not-an-address', 'First Name': 'Bad' },
			{ 'E-mail Address': 'ok2@example.org', 'Job Title': 'CTO' },
			{ 'E-mail Address': 'ok3@example.org', Company: { nested: true } },
			{ 'E-mail Address': '   ', 'First Name': 'Blank' },
			{ 'E-mail Address': 'ok4@example.org', 'Last Name': 'Four' },
		];
		const run = await upsert({ store, id, items });
		expect(run.success.length + run.errors.length).toBe(items.length);
		expect(pairedIndexes(run.success)).toEqual([0, 6]);
		expect(pairedIndexes(run.errors)).toEqual([1, 2, 3, 4, 5]);
		const byItem = Object.fromEntries(run.errors.map((item) => [(item.json.details as { itemIndex: number }).itemIndex, item.json]));
		expect(byItem[1]).toMatchObject({ error: 'No e-mail address: "E-mail Address" is empty or not mapped', details: { field: 'E-mail Address' } });
		expect(byItem[2]).toMatchObject({ details: { field: 'E-mail Address', fix: expect.stringContaining('an e-mail address such as') } });
		expect(byItem[3]).toMatchObject({
			error: 'The list has no column "Job Title"',
			details: {
				field: 'Job Title',
				fix: expect.stringContaining('"E-mail Address", "First Name", "Last Name", "Company", "Phone", "Lead Source", "Product Interest"'),
			},
		});
		expect(byItem[4]).toMatchObject({ details: { field: 'Company', fix: expect.stringContaining('text') } });
		expect(byItem[5]).toMatchObject({ details: { field: 'E-mail Address' } });
		expect(records().map((record) => record.email)).toEqual(['ok1@example.org', 'ok4@example.org']);
		expect(sandbox.countOf('upsertRecord')).toBe(2);
	});

	test('a mapped column the list lacks (manual mapping) lists the real columns', async () => {
		const { store, id } = credential();
		const run = await upsert({
			store,
			id,
			items: [{ email: 'grace.mbeki@example.net' }],
			listId: 'l-0002',
			columns: defineBelow({ Email: '={{ $json.email }}', Company: 'Acme' }),
		});
		expect(run.errors).toHaveLength(1);
		expect(run.errors[0].json).toMatchObject({
			error: 'The list has no column "Company"',
			details: { field: 'Company', fix: 'List l-0002 has the columns "Email", "Name", "Webinar". Map to one of them, or refresh the column list.' },
		});
		expect(sandbox.countOf('upsertRecord')).toBe(0);
	});

	test('manual mapping with expressions; empty values are left out unless "Clear Empty Fields" is on', async () => {
		const { store, id } = credential();
		const columns = defineBelow({ Email: '={{ $json.email }}', Name: '={{ $json.name }}', Webinar: '={{ $json.webinar }}' });
		const keep = await upsert({ store, id, listId: 'l-0002', columns, items: [{ email: 'grace.mbeki@example.net', name: 'Grace M.', webinar: '' }] });
		expect(keep.success[0].json).toMatchObject({ action: 'upserted', id: 'l-0002:0' });
		expect(sandbox.records('l-0002')[0].values).toEqual({ Email: 'grace.mbeki@example.net', Name: 'Grace M.', Webinar: 'Spring Launch' });

		const clear = await upsert({
			store,
			id,
			listId: 'l-0002',
			columns,
			options: { clearEmptyFields: true },
			items: [{ email: 'grace.mbeki@example.net', name: 'Grace M.', webinar: '' }],
		});
		expect(clear.success).toHaveLength(1);
		expect(sandbox.records('l-0002')[0].values).toEqual({ Email: 'grace.mbeki@example.net', Name: 'Grace M.', Webinar: '' });
	});

	test('auto-mapping takes a plain "email" field and can skip fields the list lacks', async () => {
		const { store, id } = credential();
		const items = [{ email: 'new.person@example.com', name: 'New Person', utm_source: 'ads' }];
		const strict = await upsert({ store, id, listId: 'l-0002', items });
		expect(strict.errors[0].json).toMatchObject({ error: 'The list has no column "utm_source"' });
		const lenient = await upsert({ store, id, listId: 'l-0002', items, options: { ignoreUnknownFields: true } });
		expect(lenient.success[0].json).toMatchObject({ action: 'upserted', id: 'l-0002:2' });
		expect(sandbox.records('l-0002')[2].values).toEqual({ Email: 'new.person@example.com', Name: 'New Person', Webinar: '' });
	});

	test('an unknown list fails every item with the reason, in one call', async () => {
		const { store, id } = credential();
		const run = await upsert({ store, id, items: leads(4), listId: 'l-9999' });
		expect(run.errors).toHaveLength(4);
		expect(pairedIndexes(run.errors)).toEqual([0, 1, 2, 3]);
		expect(run.errors[0].json).toMatchObject({ error: expect.stringContaining('no contact list "l-9999"'), details: { fix: expect.stringContaining('Pick the list again') } });
		expect(sandbox.countOf('listDetail')).toBe(1);
	});

	test('without "continue", the first bad item stops the node and says how many went through', async () => {
		const { store, id } = credential();
		const run = await upsert({ store, id, items: [...leads(2), { 'First Name': 'x' }], onError: 'stopWorkflow' });
		expect(run.error?.message).toBe('No e-mail address: "E-mail Address" is empty or not mapped');
		expect(run.error?.description).toContain('1 of 3 items failed; 2 succeeded');
	});
});

describe("Act-On's daily request quota", () => {
	test('a spent daily quota fails the remaining items at once instead of retrying them', async () => {
		const { store, id } = credential();
		await upsert({ store, id, items: leads(1, 'warm') });
		// Leave room for exactly four more calls today.
		const used = sandbox.totalCalls() - sandbox.countOf('token');
		sandbox.configure({ dailyQuota: used + 4 });
		const run = await upsert({ store, id, items: leads(12), options: { maxParallelCalls: 1 } });
		expect(run.success).toHaveLength(4);
		expect(run.errors).toHaveLength(8);
		expect(pairedIndexes(run.errors)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
		for (const item of run.errors) {
			expect(item.json.error).toBe(`Act-On's daily request quota for this account is spent: Daily request quota exceeded: ${used + 4} requests per day`);
			expect(item.json.details).toMatchObject({ fix: expect.stringContaining('Run the remaining items tomorrow') });
		}
		// One refused call, then no more calls and no retries.
		expect(sandbox.refusals.dailyQuota).toBe(1);
		expect(sandbox.countOf('upsertRecord')).toBe(1 + 4 + 1);
		expect(sandbox.countOf('listDetail')).toBeLessThanOrEqual(1);
	});
});

describe('Act-On get contact by e-mail', () => {
	const get = async (store: CredentialStore, id: string, items: Array<Record<string, string>>) =>
		await runNode({
			type: ACTON_NODE,
			store,
			credentials: { [ACTON_CREDENTIAL]: id },
			items,
			onError: 'continueErrorOutput',
			parameters: { operation: 'get', list: { __rl: true, mode: 'id', value: 'l-0002' }, email: '={{ $json.email }}' },
		});

	test('finds a contact, reports one that is missing, and refuses a malformed address', async () => {
		const { store, id } = credential();
		const run = await get(store, id, [{ email: 'TOMAS.lindqvist@example.com' }, { email: 'nobody@example.com' }, { email: 'nope' }]);
		expect(jsonOf(run.success)).toEqual([
			expect.objectContaining({
				found: true,
				id: 'l-0002:1',
				record: { Email: 'tomas.lindqvist@example.com', Name: 'Tomas Lindqvist', Webinar: 'Spring Launch' },
			}),
			expect.objectContaining({ found: false, email: 'nobody@example.com' }),
		]);
		expect(run.errors[0].json).toMatchObject({ error: 'Field "email" is not a usable e-mail address: "nope" is not shaped like name@domain.tld', details: { field: 'email', itemIndex: 2 } });
		expect(sandbox.countOf('lookup')).toBe(2);
	});
});

describe('Act-On tokens across executions', () => {
	test('back-to-back executions share one login; the rotated refresh token is stored', async () => {
		const { store, id, stored } = credential();
		await upsert({ store, id, items: leads(10, 'a') });
		await upsert({ store, id, items: leads(10, 'b') });
		await upsert({ store, id, items: leads(10, 'c') });
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 0 });
		expect(records()).toHaveLength(30);

		sandbox.actions().expireAccessTokens();
		const before = stored.data.refreshToken;
		const afterExpiry = await upsert({ store, id, items: leads(10, 'd'), options: { maxParallelCalls: 5 } });
		expect(afterExpiry.success).toHaveLength(10);
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 1 });
		expect(stored.data.refreshToken).not.toBe(before);

		// The rotated refresh token works next time: still no second login.
		sandbox.actions().expireAccessTokens();
		await upsert({ store, id, items: leads(3, 'e') });
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 2 });
	});

	test('a token that expires mid-run costs exactly one refresh, even with parallel calls in flight', async () => {
		const { store, id } = credential();
		await upsert({ store, id, items: leads(1, 'warm') });
		sandbox.injectFault({ endpoint: 'upsertRecord', nth: 20, fault: { kind: 'action', run: () => sandbox.actions().expireAccessTokens() } });
		const run = await upsert({ store, id, items: leads(60), options: { maxParallelCalls: 8 } });
		expect(run.success).toHaveLength(60);
		expect(run.errors).toHaveLength(0);
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 1 });
		expect(records()).toHaveLength(61);
	});

	test('when the refresh token is dead too, it logs in again once', async () => {
		const { store, id } = credential();
		await upsert({ store, id, items: leads(2) });
		sandbox.actions().expireAccessTokens();
		sandbox.actions().revokeRefreshTokens();
		const run = await upsert({ store, id, items: leads(20, 'x') });
		expect(run.success).toHaveLength(20);
		expect(sandbox.tokenCalls()).toEqual({ password: 2, refresh: 1 });
	});

	test('a refresh token another n8n process spent first: the retry reads the credential that process stored, and nobody logs in', async () => {
		const { store, id, stored } = credential();
		await upsert({ store, id, items: leads(1, 'warm') });
		// Another worker (queue mode) finds the access token expired, refreshes it and saves the
		// rotated tokens to the database just after this process read the old ones.
		sandbox.actions().expireAccessTokens();
		const answer = await fetch(`${sandbox.baseUrl}/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(stored.data.refreshToken), client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }),
		});
		const rotated = (await answer.json()) as { access_token: string; refresh_token: string; expires_in: number };
		sandbox.injectFault({
			endpoint: 'upsertRecord',
			nth: 1,
			fault: {
				kind: 'action',
				run: () =>
					Object.assign(stored.data, {
						accessToken: rotated.access_token,
						refreshToken: rotated.refresh_token,
						tokenExpiresAt: new Date(Date.now() + rotated.expires_in * 1000).toISOString(),
						tokenIssuedAt: new Date().toISOString(),
					}),
			},
		});
		const run = await upsert({ store, id, items: leads(3, 'z') });
		expect(run.success).toHaveLength(3);
		expect(run.errors).toHaveLength(0);
		// The refused call reads the credential again before refreshing and finds the other
		// process's tokens: its spent refresh token is never sent, and nobody logs in.
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 1 });
		expect(stored.data.accessToken).toBe(rotated.access_token);
	});

	test('a stored token past its expiry is refreshed without a check call', async () => {
		const { store, id, stored } = credential();
		await upsert({ store, id, items: leads(1) });
		stored.data.tokenExpiresAt = new Date(Date.now() - 1000).toISOString();
		sandbox.actions().expireAccessTokens();
		const accountCalls = sandbox.countOf('account');
		forgetProcessState();
		const run = await upsert({ store, id, items: leads(5, 'y') });
		expect(run.success).toHaveLength(5);
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 1 });
		expect(sandbox.countOf('account')).toBe(accountCalls);
	});
});

describe("Act-On's limit of 5 logins per hour", () => {
	/** Seed 000: a password grant before every lead's PUT, and the lead is lost when it fails. */
	async function seedStyleSubmit(email: string): Promise<boolean> {
		const login = await fetch(`${sandbox.baseUrl}/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'password', ...USER, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }),
		});
		if (login.status !== 200) return false;
		const { access_token: token } = (await login.json()) as { access_token: string };
		const put = await fetch(`${sandbox.baseUrl}/api/1/list/${WEB_LEADS}/record?email=${encodeURIComponent(email)}`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ 'E-mail Address': email }),
		});
		return put.status === 200;
	}

	test('the seed design (a login per lead) trips the hourly limit by the 6th lead; the node does not', async () => {
		const seedOutcomes: boolean[] = [];
		for (const lead of leads(12, 'seed')) seedOutcomes.push(await seedStyleSubmit(String(lead['E-mail Address'])));
		expect(seedOutcomes.filter(Boolean)).toHaveLength(5);
		expect(sandbox.refusals.authLimit).toBe(7);
		expect(records()).toHaveLength(5);

		sandbox.reset();
		const { store, id } = credential();
		for (let execution = 0; execution < 12; execution++) {
			// One execution per form submission, as a webhook workflow runs.
			const run = await upsert({ store, id, items: leads(1, `node${execution}-`) });
			expect(run.success).toHaveLength(1);
		}
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 0 });
		expect(sandbox.refusals.authLimit ?? 0).toBe(0);
		expect(records()).toHaveLength(12);
	});

	test('a spent limit gives one clear error with the reset time, and no token call until then', async () => {
		for (let i = 0; i < 5; i++) await seedStyleSubmit(`other-tool${i}@example.org`);
		const seedWrites = sandbox.countOf('upsertRecord');
		const { store, id } = credential();
		const run = await upsert({ store, id, items: leads(25) });
		expect(run.success).toHaveLength(0);
		expect(run.errors).toHaveLength(25);
		const messages = new Set(run.errors.map((item) => item.json.error));
		expect(messages.size).toBe(1);
		const [message] = [...messages] as string[];
		expect(message).toMatch(/^Act-On allows 5 logins per hour for marketing@example\.com and they are spent; the limit resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in about 60 min\)$/);
		const resetsAt = Date.parse(/resets at (\S+)/.exec(message)![1]);
		expect(resetsAt).toBeGreaterThan(Date.now() + 59 * 60_000);
		expect(run.errors[0].json.details).toMatchObject({ fix: expect.stringContaining('asks for no new token until then') });
		// One refused login for the whole run, no data calls for the items.
		expect(sandbox.tokenCalls()).toEqual({ password: 6, refresh: 0 });
		expect(sandbox.refusals.authLimit).toBe(1);
		expect(sandbox.countOf('upsertRecord')).toBe(seedWrites);

		// Later executions fail fast without asking the token endpoint again.
		const later = await upsert({ store, id, items: leads(3) });
		expect(later.errors.map((item) => item.json.error)).toEqual([message, message, message]);
		const test = await testCredential(new CredentialStore(), ACTON_CREDENTIAL, credentialData(sandbox) as never);
		expect(test).toEqual({ status: 'Error', message });
		expect(sandbox.countOf('token')).toBe(6);
	});
});

describe('Act-On login refusals in undocumented shapes', () => {
	test('a limit refusal without 429 or Retry-After is still recognised, with the wait read from its text', async () => {
		// Act-On does not document this answer, so the node must not depend on its status or headers.
		sandbox.configure({
			passwordGrantsPerHour: 0,
			authLimitStatus: 403,
			authLimitRetryAfter: false,
			authLimitBody: { error: 'access_denied', error_description: 'Too many authentication attempts; try again in 1800 seconds' },
		});
		try {
			const { store, id } = credential();
			const run = await upsert({ store, id, items: leads(3) });
			expect(run.errors).toHaveLength(3);
			expect(run.errors[0].json.error).toMatch(/resets at .* \(in about 30 min\)$/);
			await upsert({ store, id, items: leads(3) });
			expect(sandbox.countOf('token')).toBe(1);
		} finally {
			sandbox.configure({ passwordGrantsPerHour: 5, authLimitStatus: 429, authLimitRetryAfter: true, authLimitBody: undefined });
		}
	});
});

describe.each([
	['429 with rate-limit words', { authLimitStatus: 429, authLimitBody: undefined, authLimitRetryAfter: true }, /resets at/],
	['403 access_denied, the wrong-secret answer', { authLimitStatus: 403, authLimitBody: { error: 'access_denied', error_description: 'Unauthorized' }, authLimitRetryAfter: false }, /a wrong Client ID or Client Secret, or the hourly login limit/],
	['403 invalid_grant, the wrong-password answer', { authLimitStatus: 403, authLimitBody: { error: 'invalid_grant', error_description: 'Wrong email or password.' }, authLimitRetryAfter: false }, /a wrong username or password, or the hourly login limit/],
])('Act-On refusing a spent login limit as %s', (_shape, refusal, words) => {
	test('one login attempt, an error that does not only blame the secrets, and no further login within the hour', async () => {
		sandbox.configure({ passwordGrantsPerHour: 0, ...refusal });
		try {
			const { store, id } = credential();
			const first = await upsert({ store, id, items: leads(3) });
			expect(first.success).toHaveLength(0);
			expect(first.errors.map((item) => item.json.error)).toEqual([expect.stringMatching(words), expect.stringMatching(words), expect.stringMatching(words)]);
			const fix = JSON.stringify(first.errors[0].json.details);
			if (refusal.authLimitStatus === 403) expect(fix).toContain('wait for the hour to pass and change nothing');
			for (let run = 0; run < 3; run++) {
				const later = await upsert({ store, id, items: leads(2) });
				expect(later.errors.every((item) => /until|resets at/.test(String(item.json.error)))).toBe(true);
			}
			const test = await testCredential(new CredentialStore(), ACTON_CREDENTIAL, credentialData(sandbox) as never);
			expect(test.status).toBe('Error');
			expect(sandbox.countOf('token')).toBe(1);
		} finally {
			sandbox.configure({ passwordGrantsPerHour: 5, authLimitStatus: 429, authLimitRetryAfter: true, authLimitBody: undefined });
		}
	});
});

describe('Act-On secrets', () => {
	test('no secret appears in outputs, errors or any URL the node calls', async () => {
		const { store, id, stored } = credential();
		const ok = await upsert({ store, id, items: [...leads(5), { 'First Name': 'bad' }] });
		sandbox.actions().expireAccessTokens();
		sandbox.injectFault({ endpoint: 'upsertRecord', nth: 2, fault: { kind: 'status', status: 500 } });
		const again = await upsert({ store, id, items: leads(5, 'z'), options: { maxRetries: 0 } });
		const get = await runNode({
			type: ACTON_NODE,
			store,
			credentials: { [ACTON_CREDENTIAL]: id },
			items: [{ email: 'lead1@example.org' }],
			parameters: { operation: 'get', list: { __rl: true, mode: 'id', value: WEB_LEADS }, email: '={{ $json.email }}' },
		});
		expect(again.errors).toHaveLength(1);
		const secrets = [USER.password, CLIENT.clientSecret, String(stored.data.accessToken), String(stored.data.refreshToken)];
		const everything = allOutput(ok) + allOutput(again) + allOutput(get);
		for (const secret of secrets) expect(everything).not.toContain(secret);
		const urls = sandbox.log.map((entry) => entry.url).join('\n');
		expect(sandbox.log.some((entry) => entry.endpoint === 'token')).toBe(true);
		for (const secret of [...secrets, 'password=', 'client_secret=', 'refresh_token=', 'access_token=']) expect(urls).not.toContain(secret);
	});
});
