import { ActOnSandbox } from '../../sandbox/acton/ActOnSandbox';

const CLIENT = { client_id: 'sandbox-client-id', client_secret: 'sandbox-client-secret' };
const USER = { username: 'marketing@example.com', password: 'Sandbox-Pass-1' };

// A hand-moved clock: expiry and limit windows are tested without sleeping.
let now = Date.UTC(2024, 4, 1);
const sandbox = new ActOnSandbox({ clock: () => now });
let base = '';

beforeAll(async () => {
	base = await sandbox.listen(0);
});
afterAll(() => sandbox.close());
beforeEach(() => {
	sandbox.reset();
	now += 48 * 3_600_000;
});

async function token(fields: Record<string, string>) {
	const res = await fetch(`${base}/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields).toString(),
	});
	return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const passwordGrant = () => token({ grant_type: 'password', ...USER, ...CLIENT });
const refreshGrant = (refresh_token: string) => token({ grant_type: 'refresh_token', refresh_token, ...CLIENT });

async function accessToken(): Promise<string> {
	const { status, body } = await passwordGrant();
	expect(status).toBe(200);
	return body.access_token;
}

/** A data call; the clock moves 250 ms first so ordinary tests stay under 5 calls per second. */
async function api(bearer: string, method: string, path: string, body?: unknown, tick = 250) {
	now += tick;
	const res = await fetch(`${base}${path}`, {
		method,
		headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

describe('Act-On sandbox: /token', () => {
	it('issues a token pair and rotates the refresh token on every use', async () => {
		const first = await passwordGrant();
		expect(first.status).toBe(200);
		expect(first.body).toEqual({
			access_token: expect.any(String),
			refresh_token: expect.any(String),
			scope: 'offline-access',
			token_type: 'Bearer',
			expires_in: 3600,
		});

		const second = await refreshGrant(first.body.refresh_token);
		expect(second.status).toBe(200);
		expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
		expect(second.body.access_token).not.toBe(first.body.access_token);

		const reused = await refreshGrant(first.body.refresh_token);
		expect(reused).toMatchObject({
			status: 403,
			body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
		});
		expect((await refreshGrant(second.body.refresh_token)).status).toBe(200);
		expect(sandbox.tokenCalls()).toEqual({ password: 1, refresh: 3 });
		expect(sandbox.countOf('token')).toBe(4);
	});

	it('accepts the grant in the query string too', async () => {
		const query = new URLSearchParams({ grant_type: 'password', ...USER, ...CLIENT });
		const res = await fetch(`${base}/token?${query}`, { method: 'POST' });
		expect(res.status).toBe(200);
		expect(((await res.json()) as any).token_type).toBe('Bearer');
	});

	it('kills older refresh tokens when a new pair is issued for the same app and user', async () => {
		const older = await passwordGrant();
		await passwordGrant();
		expect((await refreshGrant(older.body.refresh_token)).status).toBe(403);
	});

	it('expires refresh tokens after 30 days', async () => {
		const { body } = await passwordGrant();
		now += 30 * 24 * 3_600_000 + 1;
		expect((await refreshGrant(body.refresh_token)).status).toBe(403);
	});

	it('answers wrong client and wrong user with the documented errors', async () => {
		expect(await token({ grant_type: 'password', ...USER, client_id: 'x', client_secret: 'y' })).toMatchObject({
			status: 401,
			body: { error: 'access_denied', error_description: 'Unauthorized' },
		});
		expect(await token({ grant_type: 'password', ...CLIENT, username: USER.username, password: 'nope' })).toMatchObject({
			status: 403,
			body: { error: 'invalid_grant', error_description: 'Wrong email or password.' },
		});
	});

	it('refuses the 6th password grant within an hour but not refresh grants', async () => {
		let pair = (await passwordGrant()).body;
		// Refreshes in between are not counted against the hourly password-grant limit.
		for (let i = 0; i < 3; i++) pair = (await refreshGrant(pair.refresh_token)).body;
		for (let i = 0; i < 4; i++) expect((await passwordGrant()).status).toBe(200);
		now += 10 * 60_000;

		const sixth = await passwordGrant();
		expect(sixth.status).toBe(429);
		expect(sixth.body.error).toBe('rate_limit_exceeded');
		expect(sixth.body.error_description).toMatch(/Limit of 5 per hour reached; try again in \d+ seconds\./);
		expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
		expect(sandbox.refusals.authLimit).toBe(1);

		// The limit is checked before the password, so a wrong password is refused the same way.
		const wrong = await token({ grant_type: 'password', ...CLIENT, username: USER.username, password: 'nope' });
		expect(wrong.status).toBe(429);
		expect(sandbox.refusals.authLimit).toBe(2);

		now += 3_600_000;
		expect((await passwordGrant()).status).toBe(200);
	});

	it('keeps refresh working after the password-grant limit is reached', async () => {
		const pairs = [];
		for (let i = 0; i < 5; i++) pairs.push((await passwordGrant()).body);
		expect((await passwordGrant()).status).toBe(429);
		const refreshed = await refreshGrant(pairs[4].refresh_token);
		expect(refreshed.status).toBe(200);
		expect(sandbox.tokenCalls()).toEqual({ password: 6, refresh: 1 });
	});

	it('lets the auth-limit refusal be reconfigured, since the real one is undocumented', async () => {
		sandbox.configure({ passwordGrantsPerHour: 1, authLimitStatus: 403, authLimitBody: { error: 'too_many' } });
		try {
			await passwordGrant();
			const refused = await passwordGrant();
			expect(refused).toMatchObject({ status: 403, body: { error: 'too_many' } });
		} finally {
			sandbox.configure({ passwordGrantsPerHour: 5, authLimitStatus: 429, authLimitBody: undefined });
		}
	});
});

describe('Act-On sandbox: bearer tokens', () => {
	it('refuses a missing, unknown or expired access token with 401', async () => {
		const bearer = await accessToken();
		expect((await api(bearer, 'GET', '/api/1/account')).status).toBe(200);
		expect((await api('not-a-token', 'GET', '/api/1/account')).status).toBe(401);

		now += 3_600_000;
		const expired = await api(bearer, 'GET', '/api/1/account');
		expect(expired.status).toBe(401);
		expect(expired.body).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid or has expired' });
	});

	it('expires all access tokens on the expireAccessTokens action, and refresh recovers', async () => {
		const pair = (await passwordGrant()).body;
		const admin = await fetch(`${base}/__sandbox/action/expireAccessTokens`, { method: 'POST' });
		expect(admin.status).toBe(200);
		expect((await api(pair.access_token, 'GET', '/api/1/account')).status).toBe(401);

		const renewed = (await refreshGrant(pair.refresh_token)).body;
		expect((await api(renewed.access_token, 'GET', '/api/1/account')).status).toBe(200);
	});

	it('revokes refresh tokens on the revokeRefreshTokens action', async () => {
		const pair = (await passwordGrant()).body;
		sandbox.actions().revokeRefreshTokens();
		expect((await refreshGrant(pair.refresh_token)).status).toBe(403);
	});

	it('returns the account for the credential test', async () => {
		const { status, body } = await api(await accessToken(), 'GET', '/api/1/account');
		expect(status).toBe(200);
		expect(body).toMatchObject({ account_id: 12345, user_email: 'marketing@example.com', login: 'marketing@example.com' });
	});
});

describe('Act-On sandbox: lists', () => {
	it('lists contact lists and their ordered headings', async () => {
		const bearer = await accessToken();
		// The documented value is lower-case; other spellings list nothing unless listingTypeAnyCase is on.
		expect((await api(bearer, 'GET', '/api/1/list?listingtype=CONTACT_LIST')).body).toMatchObject({ totalCount: 0, result: [] });
		const listing = await api(bearer, 'GET', '/api/1/list?listingtype=contact_list&count=2&offset=0');
		expect(listing.body).toMatchObject({ offset: 0, count: 2, totalCount: 3 });
		expect(listing.body.result[0]).toEqual({ id: 'l-0001', name: 'Web Leads', folderName: 'Default Folder', sourceSize: '0' });

		const detail = await api(bearer, 'GET', '/api/1/list/l-0002?count=1&offset=1');
		expect(detail.body.headers).toEqual(['_contact_id_', 'Email', 'Name', 'Webinar']);
		expect(detail.body.headers[detail.body.emailColumn]).toBe('Email');
		expect(detail.body.data).toEqual([['l-0002:1', 'tomas.lindqvist@example.com', 'Tomas Lindqvist', 'Spring Launch']]);

		const webLeads = await api(bearer, 'GET', '/api/1/list/l-0001?count=1&offset=0');
		expect(webLeads.body.headers[webLeads.body.emailColumn]).toBe('E-mail Address');
		expect((await api(bearer, 'GET', '/api/1/list/l-9999')).body).toEqual({ errorCode: 10004, message: 'Invalid or missing list' });
	});
});

describe('Act-On sandbox: record upsert', () => {
	const path = (listId: string, email: string) => `/api/1/list/${listId}/record?email=${encodeURIComponent(email)}`;

	it('inserts a new record, then updates it by e-mail regardless of case', async () => {
		const bearer = await accessToken();
		const inserted = await api(bearer, 'PUT', path('l-0001', 'ada.okafor@example.org'), {
			'First Name': 'Ada',
			'Last Name': 'Okafor',
			Company: 'Northwind Labs',
		});
		expect(inserted.status).toBe(200);
		// As documented for this endpoint: "Record updated", even for a record it added.
		expect(inserted.body).toEqual({ status: 'success', message: 'Record updated', id: 'l-0001:0', contact_id: 'l-0001:0' });
		expect(sandbox.records('l-0001')).toHaveLength(1);

		const updated = await api(bearer, 'PUT', path('l-0001', 'Ada.Okafor@Example.org'), { Company: 'Northwind Labs Ltd' });
		expect(updated.body).toEqual({ status: 'success', message: 'Record updated', id: 'l-0001:0', contact_id: 'l-0001:0' });

		expect(sandbox.records('l-0001')).toEqual([
			{
				id: 'l-0001:0',
				email: 'ada.okafor@example.org',
				values: {
					'E-mail Address': 'ada.okafor@example.org',
					'First Name': 'Ada',
					'Last Name': 'Okafor',
					Company: 'Northwind Labs Ltd',
					Phone: '',
					'Lead Source': '',
					'Product Interest': '',
				},
			},
		]);
		expect(sandbox.countOf('upsertRecord')).toBe(2);
	});

	it('updates only the first of duplicate records', async () => {
		sandbox.seedRecord('l-0002', { Email: 'dup@example.com', Name: 'First', Webinar: 'A' });
		sandbox.seedRecord('l-0002', { Email: 'DUP@example.com', Name: 'Second', Webinar: 'A' });
		const bearer = await accessToken();
		const res = await api(bearer, 'PUT', path('l-0002', 'dup@example.com'), { Webinar: 'B' });
		expect(res.body.id).toBe('l-0002:2');
		const dups = sandbox.records('l-0002').filter((r) => r.email.toLowerCase() === 'dup@example.com');
		expect(dups.map((r) => [r.values.Name, r.values.Webinar])).toEqual([
			['First', 'B'],
			['Second', 'A'],
		]);
	});

	it('finds a record by e-mail through lookup', async () => {
		const bearer = await accessToken();
		const found = await api(bearer, 'GET', '/api/1/list/lookup/l-0002?email=GRACE.MBEKI@example.net');
		expect(found.body).toMatchObject({ id: 'l-0002:0', Name: 'Grace Mbeki' });
		expect((await api(bearer, 'GET', '/api/1/list/lookup/l-0002?email=nobody@example.net')).status).toBe(404);
	});

	it('refuses unknown headings, unknown lists and a missing or conflicting e-mail', async () => {
		const bearer = await accessToken();
		const heading = await api(bearer, 'PUT', path('l-0001', 'a@example.com'), { 'Email Address': 'a@example.com' });
		expect(heading).toMatchObject({ status: 400, body: { errorCode: '10010', message: 'Invalid Column Specified' } });

		const list = await api(bearer, 'PUT', path('l-0404', 'a@example.com'), { Email: 'a@example.com' });
		expect(list).toMatchObject({ status: 400, body: { errorCode: 10004, message: 'Invalid or missing list' } });

		const noEmail = await api(bearer, 'PUT', '/api/1/list/l-0001/record', { Company: 'X' });
		expect(noEmail.status).toBe(422);
		expect(noEmail.body.message).toBe('Missing parameter - email');

		expect((await api(bearer, 'PUT', path('l-0001', 'not-an-email'), { Company: 'X' })).status).toBe(400);
		const conflict = await api(bearer, 'PUT', path('l-0001', 'a@example.com'), { 'E-mail Address': 'b@example.com' });
		expect(conflict.status).toBe(400);
		expect(sandbox.records('l-0001')).toEqual([]);
	});

	it('applies the write when the response is lost', async () => {
		const bearer = await accessToken();
		sandbox.injectFault({ endpoint: 'upsertRecord', nth: 1, fault: { kind: 'lostResponse' } });
		await expect(api(bearer, 'PUT', path('l-0003', 'lost@example.com'), { Company: 'Contoso' })).rejects.toThrow();
		expect(sandbox.records('l-0003')).toMatchObject([{ id: 'l-0003:0', email: 'lost@example.com', values: { Company: 'Contoso' } }]);

		// The retry finds the record and updates it instead of duplicating it.
		const retry = await api(bearer, 'PUT', path('l-0003', 'lost@example.com'), { Company: 'Contoso' });
		expect(retry.body.message).toBe('Record updated');
		expect(sandbox.records('l-0003')).toHaveLength(1);
	});

	it('answers injected status faults with an Act-On error envelope', async () => {
		const bearer = await accessToken();
		sandbox.injectFault({ endpoint: 'upsertRecord', nth: 1, fault: { kind: 'status', status: 503 } });
		const res = await api(bearer, 'PUT', path('l-0003', 'x@example.com'), {});
		expect(res).toMatchObject({ status: 503, body: { errorCode: '10503', message: 'Service Unavailable' } });
		expect(sandbox.records('l-0003')).toEqual([]);
	});
});

describe('Act-On sandbox: call limits', () => {
	it('refuses the 6th data call within a second, then lets calls through again', async () => {
		const bearer = await accessToken();
		const statuses = [];
		for (let i = 0; i < 7; i++) statuses.push((await api(bearer, 'GET', '/api/1/account', undefined, 0)).status);
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
		expect(sandbox.refusals.rateLimit).toBe(2);

		const refused = await api(bearer, 'GET', '/api/1/account', undefined, 0);
		expect(refused.body).toEqual({ errorCode: '10429', message: 'Rate limit exceeded: 5 calls per second' });

		// Token calls do not count against the per-second limit.
		expect((await passwordGrant()).status).toBe(200);
		now += 1000;
		expect((await api(bearer, 'GET', '/api/1/account', undefined, 0)).status).toBe(200);
	});

	it('refuses calls beyond the daily quota with a distinct message', async () => {
		sandbox.configure({ dailyQuota: 3 });
		try {
			const bearer = await accessToken();
			for (let i = 0; i < 3; i++) expect((await api(bearer, 'GET', '/api/1/account')).status).toBe(200);
			const refused = await api(bearer, 'GET', '/api/1/account', undefined, 2000);
			expect(refused.status).toBe(429);
			expect(refused.body.message).toMatch(/Daily request quota exceeded/);
			expect(sandbox.refusals.dailyQuota).toBe(1);
		} finally {
			sandbox.configure({ dailyQuota: 30_000 });
		}
	});

	it('takes limit settings through the admin API', async () => {
		const res = await fetch(`${base}/__sandbox/config`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ callsPerSecond: 2 }),
		});
		expect(res.status).toBe(200);
		try {
			const bearer = await accessToken();
			const statuses = [];
			for (let i = 0; i < 3; i++) statuses.push((await api(bearer, 'GET', '/api/1/account', undefined, 0)).status);
			expect(statuses).toEqual([200, 200, 429]);
		} finally {
			sandbox.configure({ callsPerSecond: 5 });
		}
	});
});
