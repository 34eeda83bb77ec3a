import { Act365Sandbox } from '../../sandbox/act365/Act365Sandbox';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const GOOD = basic('sandbox-api-key', 'sandbox-developer-key');
/** Bodies are read loosely typed: the assertions themselves check their shape. */
 
type LooseResponse = Omit<Response, 'json'> & { json(): Promise<any> };

describe('Act! 365 sandbox', () => {
	const sandbox = new Act365Sandbox();
	let api: string;

	beforeAll(async () => {
		api = `${await sandbox.listen(0)}/act/api`;
	});
	afterAll(() => sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ limit: 0 });
	});

	const call = (path: string, init: { method?: string; body?: unknown; auth?: string } = {}): Promise<LooseResponse> =>
		fetch(`${api}${path}`, {
			method: init.method ?? 'GET',
			headers: { authorization: init.auth ?? GOOD, 'content-type': 'application/json' },
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
		});
	const search = (filter: string, extra = '') => call(`/Contacts?$filter=${encodeURIComponent(filter)}${extra}`);

	describe('auth', () => {
		it('accepts the key pair and refuses a wrong API key without a hint', async () => {
			expect((await call('/Contacts?$top=1')).status).toBe(200);
			const wrong = await call('/Contacts?$top=1', { auth: basic('nope', 'sandbox-developer-key') });
			expect(wrong.status).toBe(401);
			expect(await wrong.json()).toEqual({ message: 'Authorization has been denied for this request.' });
			expect(sandbox.refusals.auth).toBe(1);
		});

		it('answers a wrong developer key with the same bare 401, and with a messageDetail only behind answers.unauthorizedDetail', async () => {
			const plain = await call('/Contacts?$top=1', { auth: basic('sandbox-api-key', 'nope') });
			expect(plain.status).toBe(401);
			expect(await plain.json()).toEqual({ message: 'Authorization has been denied for this request.' });
			sandbox.configure({ answers: { unauthorizedDetail: true } });
			const res = await call('/Contacts?$top=1', { auth: basic('sandbox-api-key', 'nope') });
			sandbox.configure({ answers: { unauthorizedDetail: false } });
			expect(res.status).toBe(401);
			expect((await res.json()).messageDetail).toMatch(/developer key/i);
		});

		it('refuses a call without credentials and follows a key regeneration', async () => {
			expect((await fetch(`${api}/Contacts`)).status).toBe(401);
			sandbox.actions().regenerateApiKey();
			expect((await call('/Contacts')).status).toBe(401);
		});
	});

	describe('contacts', () => {
		const ada = { firstName: 'Ada', lastName: 'Okafor', emailAddress: 'ada.okafor@example.org', company: 'Northwind Labs' };

		it('creates a contact with a 24-hex id and finds it by e-mail, ignoring case and path case', async () => {
			const res = await call('/Contacts', { method: 'POST', body: ada });
			expect(res.status).toBe(201);
			const created = await res.json();
			expect(created.id).toMatch(/^[0-9a-f]{24}$/);
			expect(created.created).toEqual(expect.any(String));
			expect(created.jobTitle).toBeNull();

			const found = await (await call(`/contacts?$filter=${encodeURIComponent("emailAddress eq 'ADA.Okafor@example.org'")}&$top=1`)).json();
			expect(found.map((c: { id: string }) => c.id)).toEqual([created.id]);
			expect(await (await call(`/Contacts/${created.id}`)).json()).toMatchObject(ada);
			expect(sandbox.countOf('createContact')).toBe(1);
			expect(sandbox.countOf('searchContacts')).toBe(1);
		});

		it('answers an or-chained look-up for several e-mails in one call, with doubled quotes', async () => {
			sandbox.seedContact({ emailAddress: 'a@example.org' });
			sandbox.seedContact({ emailAddress: "o'brien@example.org" });
			sandbox.seedContact({ emailAddress: 'c@example.org' });
			const res = await search("emailAddress eq 'a@example.org' or emailAddress eq 'o''brien@example.org' or emailAddress eq 'zz@example.org'");
			const emails = (await res.json()).map((c: { emailAddress: string }) => c.emailAddress).sort();
			expect(emails).toEqual(['a@example.org', "o'brien@example.org"]);
		});

		it('combines and/or and projects with $select', async () => {
			sandbox.seedContact({ firstName: 'Ada', lastName: 'Okafor', emailAddress: 'x@example.org' });
			sandbox.seedContact({ firstName: 'Ben', lastName: 'Okafor', emailAddress: 'y@example.org' });
			const res = await search("lastName eq 'Okafor' and (firstName eq 'Ben' or firstName eq 'Cy')", '&$select=id,emailAddress');
			const body = await res.json();
			expect(body).toHaveLength(1);
			expect(Object.keys(body[0]).sort()).toEqual(['emailAddress', 'id']);
			expect(body[0].emailAddress).toBe('y@example.org');
		});

		it('allows duplicates and orders them newest first with $orderby=created desc', async () => {
			const first = await (await call('/Contacts', { method: 'POST', body: ada })).json();
			const second = await (await call('/Contacts', { method: 'POST', body: ada })).json();
			expect(second.id).not.toBe(first.id);
			expect(sandbox.contactsByEmail(ada.emailAddress)).toHaveLength(2);
			const found = await (await search(`emailAddress eq '${ada.emailAddress}'`, '&$orderby=created desc')).json();
			expect(found.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
		});

		it('PATCH updates only the named fields; PUT replaces the record', async () => {
			const { id } = sandbox.seedContact({ ...ada, jobTitle: 'CTO', customFields: { Lead_Score: 10 } });
			const patched = await call(`/Contacts/${id}`, { method: 'PATCH', body: { company: 'Contoso', customFields: { Interest: 'Pricing' } } });
			expect(patched.status).toBe(200);
			const stored = sandbox.contacts()[0];
			expect(stored).toMatchObject({ company: 'Contoso', jobTitle: 'CTO', firstName: 'Ada', customFields: { Lead_Score: 10, Interest: 'Pricing' } });
			expect(stored.edited > stored.created).toBe(true);

			await call(`/Contacts/${id}`, { method: 'PUT', body: { firstName: 'Ada', emailAddress: ada.emailAddress } });
			expect(sandbox.contacts()[0]).toMatchObject({ firstName: 'Ada', company: null, jobTitle: null, customFields: {} });
			expect(sandbox.countOf('updateContact')).toBe(2);
		});

		it('rejects unknown fields, bad custom values and malformed JSON with a 400 naming the problem', async () => {
			const unknown = await call('/Contacts', { method: 'POST', body: { firstName: 'A', email: 'a@example.org' } });
			expect(unknown.status).toBe(400);
			expect((await unknown.json()).message).toContain("'email'");
			const badScore = await call('/Contacts', { method: 'POST', body: { customFields: { Lead_Score: 'high' } } });
			expect((await badScore.json()).message).toContain('Lead_Score');
			const malformed = await fetch(`${api}/Contacts`, { method: 'POST', headers: { authorization: GOOD, 'content-type': 'application/json' }, body: '{' });
			expect(malformed.status).toBe(400);
			expect(sandbox.contacts()).toHaveLength(0);
		});

		it('answers 404 for an unknown id and 204 for a delete', async () => {
			const { id } = sandbox.seedContact(ada);
			expect((await call('/Contacts/64b7f0c2a1e94d0012ab34cd')).status).toBe(404);
			expect((await call('/Contacts/64b7f0c2a1e94d0012ab34cd', { method: 'PATCH', body: {} })).status).toBe(404);
			expect((await call(`/Contacts/${id}`, { method: 'DELETE' })).status).toBe(204);
			expect(sandbox.contacts()).toHaveLength(0);
		});
	});

	describe('OData limits', () => {
		it('caps $top at 150 and pages with $skip', async () => {
			for (let i = 0; i < 5; i++) sandbox.seedContact({ lastName: `L${i}` });
			const over = await call('/Contacts?$top=151');
			expect(over.status).toBe(400);
			expect((await over.json()).message).toMatch(/150/);
			const page = await (await call('/Contacts?$top=2&$skip=3')).json();
			expect(page.map((c: { lastName: string }) => c.lastName)).toEqual(['L3', 'L4']);
		});

		it.each([["emailAddress eq 'unterminated"], ["email eq 'a@example.org'"], ["emailAddress in ('a','b')"], ["substringof('a', emailAddress)"]])(
			'answers 400 with a message for the malformed filter %s',
			async (filter) => {
				const res = await search(filter);
				expect(res.status).toBe(400);
				expect((await res.json()).message).toEqual(expect.any(String));
			},
		);

		it('refuses an overlong query string the way IIS does', async () => {
			const chain = Array.from({ length: 80 }, (_, i) => `emailAddress eq 'lead${i}@example.org'`).join(' or ');
			const res = await search(chain);
			expect(res.status).toBe(404);
			expect(sandbox.refusals.queryTooLong).toBe(1);
		});
	});

	describe('metadata', () => {
		it('lists visible contact custom fields, and opportunity fields apart', async () => {
			const res = await call(`/Metadata?$filter=${encodeURIComponent("type eq 'Field' and show eq true")}`);
			const fields = await res.json();
			expect(fields.map((f: { name: string }) => f.name)).toEqual(['Lead_Score', 'Referral_Source', 'Newsletter', 'Interest']);
			expect(fields.find((f: { name: string }) => f.name === 'Interest').options).toContain('Pricing');
			const opportunity = await (await call(`/Metadata?$filter=${encodeURIComponent("type eq 'OpportunityField'")}`)).json();
			expect(opportunity.every((f: { type: string }) => f.type === 'OpportunityField')).toBe(true);
			expect(sandbox.countOf('metadata')).toBe(2);
		});
	});

	describe('rate limit', () => {
		it('sends X-RateLimit-* headers and refuses with 429 and Retry-After once the window is full', async () => {
			sandbox.configure({ limit: 2, windowMs: 60_000 });
			const first = await call('/Contacts');
			expect(first.headers.get('x-ratelimit-limit')).toBe('2');
			expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
			await call('/Contacts');
			const refused = await call('/Contacts');
			expect(refused.status).toBe(429);
			expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
			expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
			expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
			expect(sandbox.refusals.rateLimit).toBe(1);
		});

		it('sends no rate-limit headers while the limit is off', async () => {
			expect((await call('/Contacts')).headers.get('x-ratelimit-limit')).toBeNull();
		});
	});

	describe('faults', () => {
		it('applies a create whose answer is lost', async () => {
			sandbox.injectFault({ endpoint: 'createContact', nth: 1, fault: { kind: 'lostResponse' } });
			await expect(call('/Contacts', { method: 'POST', body: { emailAddress: 'lost@example.org' } })).rejects.toThrow();
			expect(sandbox.contactsByEmail('lost@example.org')).toHaveLength(1);
			expect(sandbox.countOf('createContact')).toBe(1);
		});

		it('answers an injected 503 with the ASP.NET error object and stores nothing', async () => {
			sandbox.injectFault({ endpoint: 'createContact', nth: 1, fault: { kind: 'status', status: 503 } });
			const res = await call('/Contacts', { method: 'POST', body: { emailAddress: 'x@example.org' } });
			expect(res.status).toBe(503);
			expect(await res.json()).toEqual({ message: 'An error has occurred.' });
			expect(sandbox.contacts()).toHaveLength(0);
		});
	});
	describe('Act! Premium Web API (surface B)', () => {
		const web = () => api.replace(/\/act\/api$/, '/act.web.api');
		const authorize = (user = 'sandbox-user', password = 'sandbox-password', database = 'SandboxDB') =>
			fetch(`${web()}/authorize`, { headers: { authorization: basic(user, password), 'act-database-name': database } });
		const bearer = (token: string, path: string, init: { method?: string; body?: unknown; database?: string } = {}): Promise<LooseResponse> =>
			fetch(`${web()}${path}`, {
				method: init.method ?? 'GET',
				headers: { authorization: `Bearer ${token}`, 'act-database-name': init.database ?? 'SandboxDB', 'content-type': 'application/json' },
				body: init.body === undefined ? undefined : JSON.stringify(init.body),
			});

		it('issues a one-hour JWT-shaped token only for the right user, password and database', async () => {
			expect((await authorize('sandbox-user', 'wrong')).status).toBe(401);
			expect((await authorize('sandbox-user', 'sandbox-password', 'OtherDB')).status).toBe(401);
			const res = await authorize();
			expect(res.status).toBe(200);
			const token = await res.text();
			const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
			expect(payload.exp - payload.iat).toBe(3600);
			expect(sandbox.countOf('authorize')).toBe(3);
		});

		it('serves the same contact store with Bearer + database header, and myrecord apart from it', async () => {
			const token = await (await authorize()).text();
			const created = await bearer(token, '/api/contacts', { method: 'POST', body: { emailAddress: 'web@example.org' } });
			expect(created.status).toBe(201);
			expect(sandbox.contactsByEmail('web@example.org')).toHaveLength(1);
			const found = await (await bearer(token, `/api/contacts?$filter=${encodeURIComponent("emailAddress eq 'web@example.org'")}`)).json();
			expect(found).toHaveLength(1);
			expect((await bearer(token, '/api/contacts/myrecord')).status).toBe(200);
			expect(sandbox.contacts()).toHaveLength(1);
			expect((await bearer(token, '/api/contacts', { database: 'OtherDB' })).status).toBe(401);
			expect((await bearer('not-a-token', '/api/contacts')).status).toBe(401);
		});

		it('refuses expired tokens and answers 403 sub-codes when toggled', async () => {
			const token = await (await authorize()).text();
			sandbox.configure({ webApiForbidden: 4032 });
			const forbidden = await bearer(token, '/api/contacts');
			expect(forbidden.status).toBe(403);
			expect((await forbidden.json()).code).toBe(4032);
			sandbox.configure({ webApiForbidden: null });
			sandbox.actions().expireTokens();
			expect((await bearer(token, '/api/contacts')).status).toBe(401);
		});

		it('lists contact field columns, custom ones by default and core ones with showAll', async () => {
			const token = await (await authorize()).text();
			const custom = await (await bearer(token, '/api/metadata/contact/fields')).json();
			expect(custom.every((c: { isCustom: boolean }) => c.isCustom)).toBe(true);
			expect(custom.find((c: { name: string }) => c.name === 'Interest').picklist).toMatchObject({ isMultiSelect: false });
			const all = await (await bearer(token, '/api/metadata/contact/fields?showAll=true')).json();
			expect(all.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['emailAddress', 'Lead_Score']));
		});
	});
});
