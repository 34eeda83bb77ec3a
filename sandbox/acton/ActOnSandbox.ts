import { STATUS_CODES } from 'node:http';

import { formField, Sandbox, SlidingWindowLimiter, type Route, type SandboxOptions, type SandboxReply, type SandboxRequest } from '../framework';
import { ActOnList, LIST_FIXTURES, type ActOnListFixture, type ActOnRecord } from './lists';
import { ActOnTokenStore, grantKey } from './tokens';

export interface ActOnSettings {
	username: string;
	password: string;
	clientId: string;
	clientSecret: string;
	accessTokenTtlMs: number;
	refreshTokenTtlMs: number;
	passwordGrantsPerHour: number;
	passwordGrantWindowMs: number;
	callsPerSecond: number;
	callWindowMs: number;
	dailyQuota: number;
	dailyWindowMs: number;
	/** The refusals below are unverified at Act-On; status and body are configurable for that reason. */
	authLimitStatus: number;
	/** Replaces the default body of the password-grant limit refusal. */
	authLimitBody?: unknown;
	authLimitRetryAfter: boolean;
	rateLimitStatus: number;
	rateLimitBody?: unknown;
	dailyQuotaStatus: number;
	dailyQuotaBody?: unknown;
	/** No Retry-After is documented for data calls, so none is sent unless asked for. */
	rateLimitRetryAfter: boolean;
	/**
	 * The upsert answers "Record inserted" for a new record. Off, as documented: the page for
	 * PUT /list/{id}/record?email= shows only "Record updated" (CONTRACT.md).
	 */
	upsertSaysInserted: boolean;
	/** Accept CONTACT_LIST and other spellings; off, as documented, only `contact_list`. */
	listingTypeAnyCase: boolean;
}

export interface ActOnSandboxOptions extends SandboxOptions, Partial<ActOnSettings> {
	/** Time source for token expiry and limit windows (tests move it instead of sleeping). */
	clock?: () => number;
	lists?: ActOnListFixture[];
}

const HOUR = 3_600_000;
const DEFAULTS: ActOnSettings = {
	username: 'marketing@example.com',
	password: 'Sandbox-Pass-1',
	clientId: 'sandbox-client-id',
	clientSecret: 'sandbox-client-secret',
	accessTokenTtlMs: HOUR,
	refreshTokenTtlMs: 30 * 24 * HOUR,
	passwordGrantsPerHour: 5,
	passwordGrantWindowMs: HOUR,
	callsPerSecond: 5,
	callWindowMs: 1000,
	dailyQuota: 30_000,
	dailyWindowMs: 24 * HOUR,
	authLimitStatus: 429,
	authLimitRetryAfter: true,
	rateLimitStatus: 429,
	dailyQuotaStatus: 429,
	rateLimitRetryAfter: false,
	upsertSaysInserted: false,
	listingTypeAnyCase: false,
};

/** Act-On's error words: `errorCode`/`message` on data calls, OAuth's `error`/`error_description` on /token and bad tokens. */
const ERROR_FIELDS = ['errorCode', 'message', 'error', 'error_description'];

const reply = (status: number, body: unknown, headers?: Record<string, string>): SandboxReply => ({ status, body, headers });
const route = (method: string, pattern: string, endpoint: string, handler: Route['handler'], contract: string[]): Route => ({
	method,
	pattern,
	endpoint,
	handler,
	contract: [...contract, ...ERROR_FIELDS],
});
const INVALID_LIST = reply(400, { errorCode: 10004, message: 'Invalid or missing list' });
const INVALID_COLUMN = reply(400, { errorCode: '10010', message: 'Invalid Column Specified' });
// Assumed: the access-token refusal body is not documented; OAuth-style like the /token errors.
const INVALID_TOKEN = reply(401, { error: 'invalid_token', error_description: 'The access token is invalid or has expired' });
const missing = (name: string) => reply(422, { errorCode: 10121, message: `Missing parameter - ${name}` });
const BODY_KEYS = ['authLimitBody', 'rateLimitBody', 'dailyQuotaBody'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** RFC 5321 §4.5.3.1: a forward path is at most 256 octets with its brackets. */
const MAX_EMAIL_LENGTH = 254;

/** Emulates the parts of Act-On's REST API the lead-upsert node uses (see the Act-On API notes). */
export class ActOnSandbox extends Sandbox {
	readonly name = 'acton';
	private settings: ActOnSettings;
	private readonly clock: () => number;
	private readonly fixtures: ActOnListFixture[];
	private lists = new Map<string, ActOnList>();
	private readonly tokens: ActOnTokenStore;
	private authLimiters = new Map<string, SlidingWindowLimiter>();
	private readonly perSecond: SlidingWindowLimiter;
	private readonly daily: SlidingWindowLimiter;
	private grants = { password: 0, refresh: 0 };

	constructor(options: ActOnSandboxOptions = {}) {
		super(options);
		const { clock, lists, latencyMs: _latency, seed: _seed, ...settings } = options;
		this.settings = { ...DEFAULTS, ...settings };
		this.clock = clock ?? Date.now;
		this.fixtures = lists ?? LIST_FIXTURES;
		this.tokens = new ActOnTokenStore(this.clock);
		this.perSecond = new SlidingWindowLimiter(this.settings.callsPerSecond, this.settings.callWindowMs);
		this.daily = new SlidingWindowLimiter(this.settings.dailyQuota, this.settings.dailyWindowMs);
		this.resetState();
	}

	protected routes(): Route[] {
		return [
			route('POST', '/token', 'token', (req) => this.token(req), ['access_token', 'refresh_token', 'token_type', 'expires_in', 'scope']),
			route('GET', '/api/1/account', 'account', () => this.account(), ['*']),
			route('GET', '/api/1/list', 'lists', (req) => this.listing(req), ['offset', 'count', 'totalCount', 'result[].*']),
			route('GET', '/api/1/list/lookup/:listId', 'lookup', (req) => this.lookup(req), ['*']),
			route('PUT', '/api/1/list/:listId/record', 'upsertRecord', (req) => this.upsert(req), ['status', 'message', 'id', 'contact_id']),
			route('GET', '/api/1/list/:listId', 'listDetail', (req) => this.listDetail(req), ['headers', 'emailColumn', 'data']),
		];
	}

	protected faultBody(status: number): unknown {
		if (status === 429) return this.rateLimitBody();
		return { errorCode: `10${status}`, message: STATUS_CODES[status] ?? 'Error' };
	}

	protected resetState(): void {
		this.lists = new Map(this.fixtures.map((fixture) => [fixture.id, new ActOnList(fixture)]));
		this.tokens.clear();
		this.authLimiters = new Map();
		this.perSecond.reset();
		this.daily.reset();
		this.grants = { password: 0, refresh: 0 };
	}

	dump() {
		return {
			lists: [...this.lists.values()].map((list) => ({
				id: list.id,
				name: list.name,
				headings: list.headings,
				emailHeading: list.emailHeading,
				records: list.records(),
			})),
			tokenCalls: this.tokenCalls(),
		};
	}

	actions() {
		return {
			expireAccessTokens: () => this.tokens.expireAccess(),
			revokeRefreshTokens: () => this.tokens.revokeRefresh(),
		};
	}

	configure(settings: Record<string, unknown>): void {
		// Values of the wrong type are skipped: the admin API must not take the emulator down.
		for (const [key, value] of Object.entries(settings)) {
			const known = key in DEFAULTS || BODY_KEYS.includes(key);
			if (!known || (key in DEFAULTS && typeof value !== typeof DEFAULTS[key as keyof ActOnSettings])) continue;
			(this.settings as unknown as Record<string, unknown>)[key] = value;
		}
		const s = this.settings;
		Object.assign(this.perSecond, { limit: s.callsPerSecond, windowMs: s.callWindowMs });
		Object.assign(this.daily, { limit: s.dailyQuota, windowMs: s.dailyWindowMs });
		for (const limiter of this.authLimiters.values()) {
			Object.assign(limiter, { limit: s.passwordGrantsPerHour, windowMs: s.passwordGrantWindowMs });
		}
	}

	/** Records of a list in list order; throws on an unknown list. */
	records(listId: string): ActOnRecord[] {
		return this.list(listId).records();
	}

	/** Adds a record without matching (so duplicates can be staged); values keyed by heading. */
	seedRecord(listId: string, values: Record<string, string>): ActOnRecord {
		const list = this.list(listId);
		const unknown = list.unknownHeadings(values);
		if (unknown.length > 0) throw new Error(`acton: unknown headings ${unknown.join(', ')} in ${listId}`);
		return list.insert(values);
	}

	/** Token requests the emulator processed, by grant type (status faults never reach it). */
	tokenCalls(): { password: number; refresh: number } {
		return { ...this.grants };
	}

	private list(listId: string): ActOnList {
		const list = this.lists.get(listId);
		if (!list) throw new Error(`acton: no list ${listId}`);
		return list;
	}

	/** Bearer check, then the per-second and daily limits, on every data call. */
	protected before(req: SandboxRequest, route: Route): SandboxReply | undefined {
		// Assumed: token calls count against neither the per-second limit nor the daily quota
		// (Act-On limits them separately, 5 password grants per hour).
		if (route.endpoint === 'token') return undefined;
		const bearer = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''))?.[1];
		if (!bearer || !this.tokens.accessValid(bearer)) return INVALID_TOKEN;
		// Assumed: refused calls (401, limits) consume no quota; the windowing is undocumented.
		const now = this.clock();
		const wait = this.perSecond.retryAfterMs(now);
		if (wait > 0) {
			this.refuse('rateLimit');
			const headers = this.settings.rateLimitRetryAfter ? { 'retry-after': String(Math.ceil(wait / 1000)) } : undefined;
			return reply(this.settings.rateLimitStatus, this.rateLimitBody(), headers);
		}
		if (!this.daily.tryAcquire(now)) {
			this.refuse('dailyQuota');
			const s = this.settings;
			return reply(s.dailyQuotaStatus, s.dailyQuotaBody ?? {
				errorCode: '10429',
				message: `Daily request quota exceeded: ${s.dailyQuota} requests per day`,
			});
		}
		this.perSecond.tryAcquire(now);
		return undefined;
	}

	// Assumed: the real per-second refusal is undocumented (status, body and headers).
	private rateLimitBody(): unknown {
		const s = this.settings;
		const per = s.callWindowMs === 1000 ? 'second' : `${s.callWindowMs} ms`;
		return s.rateLimitBody ?? { errorCode: '10429', message: `Rate limit exceeded: ${s.callsPerSecond} calls per ${per}` };
	}

	private token(req: SandboxRequest): SandboxReply {
		const s = this.settings;
		const grantType = formField(req, 'grant_type');
		if (grantType === 'password') this.grants.password++;
		if (grantType === 'refresh_token') this.grants.refresh++;
		if (formField(req, 'client_id') !== s.clientId || formField(req, 'client_secret') !== s.clientSecret) {
			return reply(401, { error: 'access_denied', error_description: 'Unauthorized' });
		}
		let username: string;
		if (grantType === 'password') {
			username = formField(req, 'username') ?? '';
			// Assumed: every password attempt of a valid app counts (wrong passwords too), checked
			// before the password; the real status and body of this refusal are not documented.
			const key = grantKey(s.clientId, username);
			let limiter = this.authLimiters.get(key);
			if (!limiter) {
				limiter = new SlidingWindowLimiter(s.passwordGrantsPerHour, s.passwordGrantWindowMs);
				this.authLimiters.set(key, limiter);
			}
			const now = this.clock();
			if (!limiter.tryAcquire(now)) {
				this.refuse('authLimit');
				const seconds = Math.max(1, Math.ceil(limiter.retryAfterMs(now) / 1000));
				const body = s.authLimitBody ?? {
					error: 'rate_limit_exceeded',
					error_description: `Too many authentication requests. Limit of ${s.passwordGrantsPerHour} per hour reached; try again in ${seconds} seconds.`,
				};
				return reply(s.authLimitStatus, body, s.authLimitRetryAfter ? { 'retry-after': String(seconds) } : undefined);
			}
			if (username.toLowerCase() !== s.username.toLowerCase() || formField(req, 'password') !== s.password) {
				return reply(403, { error: 'invalid_grant', error_description: 'Wrong email or password.' });
			}
		} else if (grantType === 'refresh_token') {
			const user = this.tokens.redeem(formField(req, 'refresh_token') ?? '', s.clientId);
			if (user === undefined) {
				return reply(403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
			}
			username = user;
		} else {
			// Assumed: standard OAuth answer; Act-On's is not documented.
			return reply(400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' });
		}
		const issued = this.tokens.issue(s.clientId, username, s.accessTokenTtlMs, s.refreshTokenTtlMs);
		return reply(200, {
			access_token: issued.accessToken,
			refresh_token: issued.refreshToken,
			scope: 'offline-access',
			token_type: 'Bearer',
			expires_in: Math.round(s.accessTokenTtlMs / 1000),
		});
	}

	private account(): SandboxReply {
		const user = this.settings.username;
		return reply(200, {
			account_id: 12345,
			cname: 'acme.actonsoftware.com',
			user_name: 'Ada Okafor',
			user_email: user,
			account_name: 'Acme Marketing',
			user_type: 'Marketing',
			isAdmin: true,
			login: user,
			time_zone: 'US/Pacific',
		});
	}

	private listing(req: SandboxRequest): SandboxReply {
		const type = req.query.get('listingtype');
		if (!type) return missing('listingtype');
		const { offset, count } = paging(req);
		// Other listing types (headers, footers, media…) exist but hold nothing here.
		const contactList = this.settings.listingTypeAnyCase ? type.toLowerCase() === 'contact_list' : type === 'contact_list';
		const all = contactList ? [...this.lists.values()] : [];
		const result = all.slice(offset, offset + count).map((list) => ({
			id: list.id,
			name: list.name,
			folderName: list.folderName,
			sourceSize: String(list.size),
		}));
		return reply(200, { offset, count: result.length, totalCount: all.length, result });
	}

	private listDetail(req: SandboxRequest): SandboxReply {
		const list = this.lists.get(req.params.listId);
		if (!list) return INVALID_LIST;
		const { offset, count } = paging(req);
		return reply(200, {
			headers: ['_contact_id_', ...list.headings],
			emailColumn: list.emailIndex + 1,
			data: list.page(offset, count),
		});
	}

	private upsert(req: SandboxRequest): SandboxReply {
		const list = this.lists.get(req.params.listId);
		if (!list) return INVALID_LIST;
		const email = req.query.get('email')?.trim();
		if (!email) return missing('email');
		// Assumed: no dedicated code for a malformed e-mail is documented.
		// Act-On publishes no length limit; an address over RFC 5321's 254 characters cannot be
		// delivered to, so it is refused as malformed here.
		if (!EMAIL.test(email) || email.length > MAX_EMAIL_LENGTH) return reply(400, { errorCode: '10012', message: 'Invalid email address' });
		const body = jsonObject(req);
		// Assumed: code and text for an unreadable body are undocumented.
		if (!body) return reply(400, { errorCode: '10000', message: 'Invalid request body: expected a JSON object' });
		if (list.unknownHeadings(body).length > 0) return INVALID_COLUMN;
		const values = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '')]));
		// The record is keyed by the query e-mail; a different e-mail in the body is refused here
		// (stricter than Act-On may be) so a client never silently writes two different keys.
		const bodyEmail = values[list.emailHeading];
		if (bodyEmail !== undefined && bodyEmail.trim().toLowerCase() !== email.toLowerCase()) {
			return reply(400, { errorCode: '10013', message: 'E-mail column does not match the email parameter' });
		}
		const { record, inserted } = list.upsert(email, values);
		return reply(200, {
			status: 'success',
			// Documented: "Record updated", new record or not; "Record inserted" only behind the switch.
			message: inserted && this.settings.upsertSaysInserted ? 'Record inserted' : 'Record updated',
			id: record.id,
			contact_id: record.id,
		});
	}

	/** Body shape unverified: the first matching record as `{id, contact_id, <heading>: value…}`. */
	private lookup(req: SandboxRequest): SandboxReply {
		const list = this.lists.get(req.params.listId);
		if (!list) return INVALID_LIST;
		const email = req.query.get('email')?.trim();
		if (!email) return missing('email');
		const record = list.lookup(email);
		if (!record) return reply(404, { errorCode: 10008, message: 'Invalid contact' });
		return reply(200, { id: record.id, contact_id: record.id, ...record.values });
	}
}

/** `count` (max 1000, Act-On's cap) and `offset` query parameters. */
function paging(req: SandboxRequest): { offset: number; count: number } {
	const offset = Math.max(0, Number.parseInt(req.query.get('offset') ?? '0', 10) || 0);
	const count = Math.min(1000, Math.max(1, Number.parseInt(req.query.get('count') ?? '1000', 10) || 1000));
	return { offset, count };
}

/** The JSON object body, also accepted as a `RAW_BODY` form field as in Act-On's OpenAPI export. */
function jsonObject(req: SandboxRequest): Record<string, unknown> | undefined {
	let body = req.body;
	const raw = (body as Record<string, unknown> | undefined)?.RAW_BODY;
	if (!req.bodyMalformed && typeof raw === 'string') {
		try {
			body = JSON.parse(raw);
		} catch {
			return undefined;
		}
	}
	if (req.bodyMalformed || !body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	return body as Record<string, unknown>;
}
