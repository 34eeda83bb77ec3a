import { basicAuth, Sandbox, type Route, type SandboxOptions, type SandboxReply, type SandboxRequest } from '../framework';
import { buildContact, CORE_FIELDS, newContactId, QUERY_FIELDS, readContactInput, ValidationError, type Act365Contact, type ContactInput } from './contacts';
import { defaultMetadata, METADATA_FIELDS, webApiContactColumns, type MetadataEntry } from './metadata';
import { applyQuery, ODataError, readQuery } from './odata';
import { MeteredLimiter } from './rateHeaders';
import { WebApiTokens } from './webApiTokens';

export interface Act365SandboxOptions extends SandboxOptions {
	apiKey?: string;
	developerKey?: string;
	/** Act! 365 publishes no limit; off unless given. */
	rateLimit?: { limit: number; windowMs: number };
	/** Longest query string accepted; 0 turns the check off. */
	maxQueryLength?: number;
	/** Surface B (Act! Premium Web API): the Act! user, password and database name. */
	webApiUser?: string;
	webApiPassword?: string;
	databaseName?: string;
	/** Switches for what Act! 365 leaves undocumented; see Act365AnswerSwitches. */
	answers?: Partial<Act365AnswerSwitches>;
}

/**
 * Behaviours no Act! 365 page documents (sandbox/act365/CONTRACT.md). Both settings of each are
 * plausible, so the tests run the node against both.
 */
export interface Act365AnswerSwitches {
	/** A wrong developer key with a right API key gets a 401 whose `messageDetail` says so; off, a bare 401 for both keys. */
	unauthorizedDetail: boolean;
	/** `PATCH /Contacts/{id}` is accepted (the Web API documents it for partial updates); off, only PUT, and PATCH answers 405. */
	contactPatch: boolean;
}

const DEFAULT_ANSWERS: Act365AnswerSwitches = { unauthorizedDetail: false, contactPatch: true };

/** Sub-codes of the Web API's 403 (product/API version, subscription, user permission). */
export type WebApiForbiddenCode = 4030 | 4031 | 4032;
const FORBIDDEN: Record<WebApiForbiddenCode, string> = {
	4030: 'The Act! product version is not compatible with this API version.',
	4031: 'A subscription is required to use the Act! Web API.',
	4032: 'The user does not have permission to use the Act! Web API.',
};

/** Page ceiling: the Cloud Elements connector pages this API at most 150 at a time (unverified). */
export const MAX_TOP = 150;
/** IIS's default `maxQueryString`; that Act! 365 runs with it is an assumption. */
const DEFAULT_MAX_QUERY_LENGTH = 2048;
const BASE = '/act/api';
/** Surface B lives under its own prefix so one emulator (and one store) serves both products. */
const WEB = '/act.web.api';
const DENIED = 'Authorization has been denied for this request.';

/** A contact as answered: its id, dates and the fields the node writes and matches on. */
const CONTACT = ['id', 'created', 'edited', ...CORE_FIELDS, 'customFields.*'];
/** Answer fields per endpoint, as CONTRACT.md lists them (both surfaces). */
const ANSWER_CONTRACTS: Record<string, string[]> = {
	searchContacts: CONTACT.map((field) => `[].${field}`),
	getContact: CONTACT,
	createContact: CONTACT,
	updateContact: CONTACT,
	deleteContact: [],
	metadata: ['[].*'],
	authorize: [],
	myRecord: ['id', 'firstName', 'lastName', 'emailAddress'],
};
/** ASP.NET's error object: `message`, and (undocumented, switchable) `messageDetail`. */
const ERROR_FIELDS = ['message', 'messageDetail'];

/**
 * Emulator of the Act! 365 REST API (surface A of the reference): `https://mycloud.act.com/act/api`
 * with HTTP Basic `apiKey:developerKey` on every call, OData queries on `/Contacts`, no upsert and
 * no uniqueness (duplicate contacts are allowed, as on the real service).
 */
export class Act365Sandbox extends Sandbox {
	readonly name = 'act365';
	apiKey: string;
	developerKey: string;
	maxQueryLength: number;
	limiter?: MeteredLimiter;
	metadata: MetadataEntry[] = defaultMetadata();
	webApiUser: string;
	webApiPassword: string;
	databaseName: string;
	/** When set, every Web API call but /authorize answers 403 with this sub-code. */
	webApiForbidden?: WebApiForbiddenCode;
	readonly tokens = new WebApiTokens();
	answers: Act365AnswerSwitches;
	private store = new Map<string, Act365Contact>();
	private lastCreatedMs = 0;
	/** Set by the `regenerateApiKey` action; cleared by reset() like any other state. */
	private apiKeyRegenerated = false;

	constructor(options: Act365SandboxOptions = {}) {
		super(options);
		this.apiKey = options.apiKey ?? 'sandbox-api-key';
		this.developerKey = options.developerKey ?? 'sandbox-developer-key';
		this.maxQueryLength = options.maxQueryLength ?? DEFAULT_MAX_QUERY_LENGTH;
		this.webApiUser = options.webApiUser ?? 'sandbox-user';
		this.webApiPassword = options.webApiPassword ?? 'sandbox-password';
		this.databaseName = options.databaseName ?? 'SandboxDB';
		if (options.rateLimit) this.limiter = new MeteredLimiter(options.rateLimit.limit, options.rateLimit.windowMs);
		this.answers = { ...DEFAULT_ANSWERS, ...options.answers };
	}

	// ---- accessors for tests -------------------------------------------------------------

	contacts(): Act365Contact[] {
		return [...this.store.values()];
	}

	contactsByEmail(email: string): Act365Contact[] {
		const wanted = email.toLowerCase();
		return this.contacts().filter((contact) => contact.emailAddress?.toLowerCase() === wanted);
	}

	/** Stores a contact directly (no call counted); throws on fields the API would refuse. */
	seedContact(fields: ContactInput): Act365Contact {
		return this.insert(readContactInput(fields, this.metadata));
	}

	dump(): { contacts: Act365Contact[] } {
		return { contacts: this.contacts() };
	}

	/**
	 * Keys: limit + windowMs (limit 0 or null = off), apiKey, developerKey, maxQueryLength;
	 * surface B: webApiUser, webApiPassword, databaseName, webApiForbidden (4030/4031/4032, null = off).
	 */
	configure(settings: Record<string, unknown>): void {
		if (typeof settings.webApiUser === 'string') this.webApiUser = settings.webApiUser;
		if (typeof settings.webApiPassword === 'string') this.webApiPassword = settings.webApiPassword;
		if (typeof settings.databaseName === 'string') this.databaseName = settings.databaseName;
		if ('webApiForbidden' in settings) {
			const code = settings.webApiForbidden as WebApiForbiddenCode | null;
			this.webApiForbidden = code && code in FORBIDDEN ? code : undefined;
		}
		if (typeof settings.apiKey === 'string') this.apiKey = settings.apiKey;
		if (typeof settings.developerKey === 'string') this.developerKey = settings.developerKey;
		if (typeof settings.maxQueryLength === 'number') this.maxQueryLength = settings.maxQueryLength;
		if (settings.answers && typeof settings.answers === 'object') this.answers = { ...this.answers, ...(settings.answers as Partial<Act365AnswerSwitches>) };
		if ('limit' in settings || 'windowMs' in settings) {
			const limit = 'limit' in settings ? settings.limit : this.limiter?.limit;
			const windowMs = typeof settings.windowMs === 'number' ? settings.windowMs : (this.limiter?.windowMs ?? 60_000);
			this.limiter = typeof limit === 'number' && limit > 0 ? new MeteredLimiter(limit, windowMs) : undefined;
		}
	}

	actions() {
		return {
			/** The user regenerated the API key in Act! 365: every call with the old pair now gets 401. */
			regenerateApiKey: () => {
				this.apiKeyRegenerated = true;
			},
			/** Web API tokens pass their one-hour lifetime. */
			expireTokens: () => this.tokens.expireAll(),
		};
	}

	// ---- HTTP ---------------------------------------------------------------------------

	protected routes(): Route[] {
		const routes: Route[] = [
			{ method: 'GET', pattern: `${BASE}/contacts`, endpoint: 'searchContacts', handler: (req) => this.search(req) },
			{ method: 'GET', pattern: `${BASE}/contacts/:id`, endpoint: 'getContact', handler: (req) => this.getOne(req) },
			{ method: 'POST', pattern: `${BASE}/contacts`, endpoint: 'createContact', handler: (req) => this.create(req) },
			// Updates are assumed: no public Act! 365 client exercises them; both verbs exist on the Web API.
			{
				method: 'PATCH',
				pattern: `${BASE}/contacts/:id`,
				endpoint: 'updateContact',
				handler: (req) =>
					this.answers.contactPatch
						? this.update(req, false)
						: { status: 405, body: { message: "The requested resource does not support http method 'PATCH'." } },
			},
			{ method: 'PUT', pattern: `${BASE}/contacts/:id`, endpoint: 'updateContact', handler: (req) => this.update(req, true) },
			{ method: 'DELETE', pattern: `${BASE}/contacts/:id`, endpoint: 'deleteContact', handler: (req) => this.remove(req) },
			{ method: 'GET', pattern: `${BASE}/metadata`, endpoint: 'metadata', handler: (req) => this.listMetadata(req) },
			// Surface B shares the store and the contact endpoint names; only its auth and metadata differ.
			{ method: 'GET', pattern: `${WEB}/authorize`, endpoint: 'authorize', handler: (req) => this.authorize(req) },
			{ method: 'GET', pattern: `${WEB}/api/contacts/myrecord`, endpoint: 'myRecord', handler: () => this.myRecord() },
			{ method: 'GET', pattern: `${WEB}/api/contacts`, endpoint: 'searchContacts', handler: (req) => this.search(req) },
			{ method: 'GET', pattern: `${WEB}/api/contacts/:id`, endpoint: 'getContact', handler: (req) => this.getOne(req) },
			{ method: 'POST', pattern: `${WEB}/api/contacts`, endpoint: 'createContact', handler: (req) => this.create(req) },
			{ method: 'PATCH', pattern: `${WEB}/api/contacts/:id`, endpoint: 'updateContact', handler: (req) => this.update(req, false) },
			{ method: 'PUT', pattern: `${WEB}/api/contacts/:id`, endpoint: 'updateContact', handler: (req) => this.update(req, true) },
			{ method: 'DELETE', pattern: `${WEB}/api/contacts/:id`, endpoint: 'deleteContact', handler: (req) => this.remove(req) },
			{
				method: 'GET',
				pattern: `${WEB}/api/metadata/contact/fields`,
				endpoint: 'metadata',
				handler: (req) => ({ status: 200, body: webApiContactColumns(this.metadata, CORE_FIELDS, req.query.get('showAll') === 'true') }),
			},
		];
		// While a limit is on, every answer past auth carries the X-RateLimit-* headers, errors included.
		return routes.map((route) => ({
			...route,
			contract: [...(ANSWER_CONTRACTS[route.endpoint] ?? []), ...ERROR_FIELDS],
			handler: async (req: SandboxRequest) => {
				const reply = await route.handler(req);
				return { ...reply, headers: { ...this.limiter?.headers(), ...reply.headers } };
			},
		}));
	}

	protected before(req: SandboxRequest, route: Route): SandboxReply | undefined {
		// IIS request filtering answers before the application sees the call (assumed, see above).
		const queryLength = req.url.includes('?') ? req.url.length - req.url.indexOf('?') - 1 : 0;
		if (this.maxQueryLength > 0 && queryLength > this.maxQueryLength) {
			this.refuse('queryTooLong');
			return {
				status: 404,
				body: 'HTTP Error 404.15 - Not Found: The request filtering module is configured to deny a request where the query string is too long.',
			};
		}
		const refusal = req.path.toLowerCase().startsWith(WEB) ? this.webApiAuth(req, route) : this.keyAuth(req);
		if (refusal) {
			this.refuse(refusal.status === 403 ? 'forbidden' : 'auth');
			return refusal;
		}
		if (this.limiter && !this.limiter.tryAcquire()) {
			this.refuse('rateLimit');
			// Status and Retry-After are assumed; the header names come from the Act! Web API.
			const retryAfter = Math.max(1, Math.ceil(this.limiter.retryAfterMs() / 1000));
			return {
				status: 429,
				body: { message: 'API calls quota exceeded! Please retry later.' },
				headers: { ...this.limiter.headers(), 'Retry-After': String(retryAfter) },
			};
		}
		return undefined;
	}

	/** Surface A: HTTP Basic `apiKey:developerKey` on every call. */
	private keyAuth(req: SandboxRequest): SandboxReply | undefined {
		const credentials = basicAuth(req);
		const apiKeyRight = credentials?.user === this.apiKey && !this.apiKeyRegenerated;
		if (!apiKeyRight || credentials?.password !== this.developerKey) {
			// The real 401 body is undocumented; this is ASP.NET's stock text. A `messageDetail` for a
			// right API key with a wrong developer key is only sent behind answers.unauthorizedDetail.
			const developerKeyWrong = apiKeyRight && this.answers.unauthorizedDetail;
			return {
				status: 401,
				body: developerKeyWrong ? { message: DENIED, messageDetail: 'The developer key is not valid for this API key.' } : { message: DENIED },
			};
		}
		return undefined;
	}

	/** Surface B: Basic user:password + database on /authorize, then Bearer + database on every call. */
	private webApiAuth(req: SandboxRequest, route: Route): SandboxReply | undefined {
		const database = req.headers['act-database-name'] as string | undefined;
		if (route.endpoint === 'authorize') {
			const credentials = basicAuth(req);
			const ok =
				credentials?.user.toLowerCase() === this.webApiUser.toLowerCase() &&
				credentials.password === this.webApiPassword &&
				database?.toLowerCase() === this.databaseName.toLowerCase();
			return ok ? undefined : { status: 401, body: { message: DENIED } };
		}
		const header = String(req.headers.authorization ?? '');
		const token = /^bearer\s+(.+)$/i.exec(header)?.[1].trim();
		const problem = this.tokens.problem(token, database);
		if (problem) return { status: 401, body: { message: problem } };
		if (this.webApiForbidden) {
			// Sub-codes are published; carrying them in a `code` field of the body is assumed.
			return { status: 403, body: { message: FORBIDDEN[this.webApiForbidden], code: this.webApiForbidden } };
		}
		return undefined;
	}

	protected faultBody(status: number): unknown {
		if (status === 401) return { message: DENIED };
		if (status === 404) return { message: 'Not Found' };
		if (status === 429) return { message: 'API calls quota exceeded! Please retry later.' };
		// ASP.NET Web API's stock error object (its detail fields appear only with custom errors off).
		return { message: 'An error has occurred.' };
	}

	protected notFound(req: SandboxRequest): SandboxReply {
		return { status: 404, body: { message: `No HTTP resource was found that matches the request URI '${req.path}'.` } };
	}

	protected resetState(): void {
		this.store.clear();
		this.apiKeyRegenerated = false;
		this.tokens.clear();
		this.metadata = defaultMetadata();
		this.limiter?.reset();
	}

	/**
	 * The token comes back as the bare response body; whether the real service sends a bare
	 * string or a JSON-quoted one is unverified, so clients should accept both.
	 */
	private authorize(req: SandboxRequest): SandboxReply {
		const user = basicAuth(req)!.user;
		return { status: 200, body: this.tokens.issue(user, this.databaseName) };
	}

	/** The signed-in user's own record: kept out of the lead store so lead counts stay exact. */
	private myRecord(): SandboxReply {
		const record = buildContact({ firstName: this.webApiUser, emailAddress: `${this.webApiUser}@example.org` }, '000000000000000000000001', '2026-01-01T00:00:00.000Z');
		return { status: 200, body: record };
	}

	private search(req: SandboxRequest): SandboxReply {
		return this.query(req, () => applyQuery(this.contacts(), readQuery(req.query, QUERY_FIELDS, 'Contact', MAX_TOP)));
	}

	private listMetadata(req: SandboxRequest): SandboxReply {
		return this.query(req, () => applyQuery(this.metadata, readQuery(req.query, METADATA_FIELDS, 'Metadata', MAX_TOP)));
	}

	private query(_req: SandboxRequest, run: () => unknown[]): SandboxReply {
		try {
			return { status: 200, body: run() };
		} catch (error) {
			if (error instanceof ODataError) return { status: 400, body: { message: error.message } };
			throw error;
		}
	}

	private getOne(req: SandboxRequest): SandboxReply {
		const contact = this.store.get(req.params.id.toLowerCase());
		return contact ? { status: 200, body: contact } : this.missing(req.params.id);
	}

	/** 201 is assumed; the clients only parse the body (reference §2.4). */
	private create(req: SandboxRequest): SandboxReply {
		return this.write(req, (input) => ({ status: 201, body: this.insert(input) }));
	}

	private update(req: SandboxRequest, replace: boolean): SandboxReply {
		const existing = this.store.get(req.params.id.toLowerCase());
		if (!existing) return this.missing(req.params.id);
		return this.write(req, (input) => {
			// PUT replaces the record: fields left out become empty. PATCH touches only what it names.
			const base = replace ? buildContact({}, existing.id, existing.created) : existing;
			const updated: Act365Contact = { ...base, customFields: { ...base.customFields, ...(input.customFields ?? {}) } };
			for (const field of CORE_FIELDS) if (field in input) updated[field] = input[field] ?? null;
			updated.edited = this.timestamp();
			this.store.set(existing.id, updated);
			return { status: 200, body: updated };
		});
	}

	private remove(req: SandboxRequest): SandboxReply {
		return this.store.delete(req.params.id.toLowerCase()) ? { status: 204 } : this.missing(req.params.id);
	}

	private write(req: SandboxRequest, apply: (input: ContactInput) => SandboxReply): SandboxReply {
		if (req.bodyMalformed) return { status: 400, body: { message: 'The request is invalid: the body is not valid JSON.' } };
		try {
			return apply(readContactInput(req.body, this.metadata));
		} catch (error) {
			if (error instanceof ValidationError) return { status: 400, body: { message: error.message } };
			throw error;
		}
	}

	private insert(input: ContactInput): Act365Contact {
		const contact = buildContact(input, newContactId(), this.timestamp());
		this.store.set(contact.id, contact);
		return contact;
	}

	/**
	 * Strictly increasing timestamps, so `$orderby=created desc` puts the newest of two duplicates
	 * first even when both were created within the same millisecond.
	 */
	private timestamp(): string {
		this.lastCreatedMs = Math.max(Date.now(), this.lastCreatedMs + 1);
		return new Date(this.lastCreatedMs).toISOString();
	}

	private missing(id: string): SandboxReply {
		return { status: 404, body: { message: `No contact found with id '${id}'.` } };
	}
}
