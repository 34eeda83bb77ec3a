import { randomBytes } from 'node:crypto';

import {
	ConcurrencyGauge,
	formField,
	Sandbox,
	SlidingWindowLimiter,
	type Route,
	type SandboxOptions,
	type SandboxReply,
	type SandboxRequest,
} from '../framework';
import { duplicateCheckable, MODULE_FIELDS, type ZohoFieldMeta } from './fixtures';

/** Zoho's error object, on every API endpoint (upsert-records.html, status-codes.html). */
const ERROR_FIELDS = ['code', 'details.*', 'message', 'status'];

export interface ZohoSandboxOptions extends SandboxOptions {
	clientId?: string;
	clientSecret?: string;
	refreshToken?: string;
}

export type ZohoRecord = Record<string, unknown> & { id: string };

interface AccessToken {
	token: string;
	refreshToken: string;
	expiresAt: number;
}

const ERROR = (code: string, message: string, details: Record<string, unknown> = {}) => ({
	code,
	details,
	message,
	status: 'error',
});

const INVALID_TOKEN: SandboxReply = { status: 401, body: ERROR('INVALID_TOKEN', 'invalid oauth token') };

/**
 * Zoho CRM v8 as described in shared/reference/crm-apis/zoho-crm.md: the accounts token
 * endpoint (errors in HTTP 200 bodies, 10 mints per refresh token per 10 minutes, 30 live
 * tokens), upsert of up to 100 records with duplicate_check_fields and per-record results in
 * request order, 207 on mixed outcomes, field metadata, search (204 when nothing matches),
 * credits per rolling 24 h and a concurrency cap answered with 429.
 */
export class ZohoSandbox extends Sandbox {
	readonly name = 'zoho';
	clientId: string;
	clientSecret: string;
	/** Refresh tokens the accounts server accepts; revoking one removes it. */
	refreshTokens = new Set<string>();
	tokenTtlMs = 3600 * 1000;
	mintsPerWindow = 10;
	mintWindowMs = 10 * 60 * 1000;
	maxLiveTokens = 30;
	/** Credits per rolling 24 h; an upsert costs one credit per ten records. */
	dailyCredits = 50000;
	/** Answer mixed batches with 200, as some Zoho sandbox orgs do, instead of 207. */
	mixedStatus = 207;

	/** The body of the latest upsert call, as received. */
	lastUpsertBody?: unknown;

	private readonly concurrency = new ConcurrencyGauge(10);
	private readonly gaugeEntered = new WeakSet<SandboxRequest>();
	private tokens: AccessToken[] = [];
	private mints = new Map<string, SlidingWindowLimiter>();
	private credits = new SlidingWindowLimiter(50000, 24 * 3600 * 1000);
	private store: Record<string, Map<string, ZohoRecord>> = { Leads: new Map(), Contacts: new Map() };
	/** module → unique field → lower-cased value → record, so matching stays cheap at 10,000 records. */
	private uniqueIndex: Record<string, Map<string, Map<string, ZohoRecord>>> = {};
	private nextId = 1;

	constructor(options: ZohoSandboxOptions = {}) {
		super(options);
		this.clientId = options.clientId ?? '1000.SANDBOXCLIENTID';
		this.clientSecret = options.clientSecret ?? 'sandbox-client-secret';
		this.refreshTokens.add(options.refreshToken ?? '1000.sandbox.refresh-token');
	}

	get concurrencyLimit(): number {
		return this.concurrency.limit;
	}

	/** Highest number of calls in flight at once since the last reset. */
	get peakConcurrency(): number {
		return this.concurrency.peak;
	}

	records(module = 'Leads'): ZohoRecord[] {
		return [...(this.store[module]?.values() ?? [])];
	}

	seedRecord(module: string, values: Record<string, unknown>): ZohoRecord {
		const record = { ...values, id: this.newId(), Created_Time: new Date().toISOString() } as ZohoRecord;
		record.Modified_Time = record.Created_Time;
		this.store[module].set(record.id, record);
		this.index(module, record);
		return record;
	}

	private indexFor(module: string, field: string): Map<string, ZohoRecord> {
		const byField = (this.uniqueIndex[module] ??= new Map());
		let values = byField.get(field);
		if (!values) byField.set(field, (values = new Map()));
		return values;
	}

	private index(module: string, record: ZohoRecord, previous?: Record<string, unknown>): void {
		for (const field of duplicateCheckable(module)) {
			const values = this.indexFor(module, field);
			const before = previous?.[field];
			if (before !== undefined && before !== null && values.get(String(before).toLowerCase()) === record) values.delete(String(before).toLowerCase());
			const now = record[field];
			if (now !== undefined && now !== null && now !== '') values.set(String(now).toLowerCase(), record);
		}
	}

	/** The record holding `value` in a unique field (case-insensitive, as Zoho compares). */
	private holderOf(module: string, field: string, value: unknown): ZohoRecord | undefined {
		return this.indexFor(module, field).get(String(value).toLowerCase());
	}

	dump() {
		return { Leads: this.records('Leads'), Contacts: this.records('Contacts') };
	}

	actions() {
		return {
			expireTokens: () => {
				this.tokens = [];
			},
			revokeRefreshTokens: () => {
				this.refreshTokens.clear();
				this.tokens = [];
			},
		};
	}

	configure(settings: Record<string, unknown>): void {
		const number = (key: string) => (typeof settings[key] === 'number' ? (settings[key] as number) : undefined);
		this.tokenTtlMs = number('tokenTtlMs') ?? this.tokenTtlMs;
		this.mintsPerWindow = number('mintsPerWindow') ?? this.mintsPerWindow;
		this.mintWindowMs = number('mintWindowMs') ?? this.mintWindowMs;
		this.mixedStatus = number('mixedStatus') ?? this.mixedStatus;
		if (number('concurrencyLimit') !== undefined) this.concurrency.limit = number('concurrencyLimit')!;
		if (number('dailyCredits') !== undefined) {
			this.dailyCredits = number('dailyCredits')!;
			this.credits = new SlidingWindowLimiter(this.dailyCredits, 24 * 3600 * 1000);
		}
		if (typeof settings.clientSecret === 'string') this.clientSecret = settings.clientSecret;
	}

	protected resetState(): void {
		this.tokens = [];
		this.mints.clear();
		this.credits = new SlidingWindowLimiter(this.dailyCredits, 24 * 3600 * 1000);
		this.store = { Leads: new Map(), Contacts: new Map() };
		this.uniqueIndex = {};
		this.concurrency.peak = 0;
	}

	protected faultBody(status: number): unknown {
		if (status === 429) {
			return ERROR(
				'TOO_MANY_REQUESTS',
				'number of API requests for the 24 hour period is exceeded or the concurrency limit of the user for the app is exceeded',
			);
		}
		if (status === 401) return INVALID_TOKEN.body;
		return ERROR('INTERNAL_ERROR', 'Internal Server Error');
	}

	protected notFound(): SandboxReply {
		return { status: 404, body: ERROR('INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one') };
	}

	protected routes(): Route[] {
		const api = (method: string, pattern: string, endpoint: string, handler: Route['handler'], contract: string[]): Route => ({
			method,
			pattern,
			endpoint,
			handler,
			contract: [...contract, ...ERROR_FIELDS],
		});
		return [
			{
				method: 'POST',
				pattern: '/oauth/v2/token',
				endpoint: 'token',
				handler: (req) => this.token(req),
				contract: ['access_token', 'api_domain', 'token_type', 'expires_in', 'expires_in_sec', 'scope', 'error'],
			},
			api('POST', '/crm/v8/:module/upsert', 'upsert', (req) => this.upsert(req), [
				'data[].code',
				'data[].duplicate_field',
				'data[].action',
				'data[].details.*',
				'data[].message',
				'data[].status',
			]),
			api('GET', '/crm/v8/settings/fields', 'fields', (req) => this.fields(req), ['fields[].*']),
			api('GET', '/crm/v8/settings/modules', 'modules', () => this.modules(), ['modules[].*']),
			api('GET', '/crm/v8/users', 'users', () => this.currentUser(), ['users[].*', 'info.*']),
			api('GET', '/crm/v8/org', 'org', () => this.org(), ['org[].*']),
			api('GET', '/crm/v8/:module/search', 'search', (req) => this.search(req), ['data[].*', 'info.*']),
			api('GET', '/crm/v8/:module/:id', 'get', (req) => this.getRecord(req), ['data[].*']),
		];
	}

	protected before(req: SandboxRequest, route: Route): SandboxReply | undefined {
		if (route.endpoint === 'token') return undefined;
		const header = String(req.headers.authorization ?? '');
		const token = header.startsWith('Zoho-oauthtoken ') ? header.slice('Zoho-oauthtoken '.length) : undefined;
		const live = this.tokens.find((entry) => entry.token === token);
		if (!live || live.expiresAt <= Date.now()) {
			this.refuse('invalidToken');
			return INVALID_TOKEN;
		}
		if (!this.concurrency.tryEnter()) {
			this.refuse('concurrency');
			return { status: 429, body: this.faultBody(429) };
		}
		this.gaugeEntered.add(req);
		const cost = route.endpoint === 'upsert' ? Math.max(1, Math.ceil(recordsIn(req) / 10)) : 1;
		for (let i = 0; i < cost; i++) {
			if (!this.credits.tryAcquire()) {
				this.refuse('credits');
				return { status: 429, body: this.faultBody(429) };
			}
		}
		return undefined;
	}

	protected after(req: SandboxRequest): void {
		if (this.gaugeEntered.has(req)) {
			this.gaugeEntered.delete(req);
			this.concurrency.leave();
		}
	}

	private token(req: SandboxRequest): SandboxReply {
		// Zoho answers most token failures with HTTP 200 and an `error` body.
		const grantType = formField(req, 'grant_type');
		if (formField(req, 'client_id') !== this.clientId) return { status: 200, body: { error: 'invalid_client' } };
		if (formField(req, 'client_secret') !== this.clientSecret) {
			return { status: 200, body: { error: 'invalid_client_secret' } };
		}
		if (grantType !== 'refresh_token') return { status: 200, body: { error: 'unsupported_grant_type' } };
		const refreshToken = formField(req, 'refresh_token') ?? '';
		if (!this.refreshTokens.has(refreshToken)) return { status: 200, body: { error: 'invalid_code' } };
		let limiter = this.mints.get(refreshToken);
		if (!limiter) {
			limiter = new SlidingWindowLimiter(this.mintsPerWindow, this.mintWindowMs);
			this.mints.set(refreshToken, limiter);
		}
		if (!limiter.tryAcquire()) {
			this.refuse('tokenThrottle');
			return {
				status: 400,
				body: {
					error: 'Access Denied',
					error_description: 'You have made too many requests continuously. Please try again after some time.',
				},
			};
		}
		const minted: AccessToken = {
			token: `1000.${randomBytes(16).toString('hex')}.${randomBytes(4).toString('hex')}`,
			refreshToken,
			expiresAt: Date.now() + this.tokenTtlMs,
		};
		this.tokens.push(minted);
		// Minting a 31st live token for a refresh token deletes its oldest one.
		const sameParent = this.tokens.filter((entry) => entry.refreshToken === refreshToken);
		if (sameParent.length > this.maxLiveTokens) this.tokens.splice(this.tokens.indexOf(sameParent[0]), 1);
		return {
			status: 200,
			body: {
				access_token: minted.token,
				api_domain: this.baseUrl,
				token_type: 'Bearer',
				expires_in: Math.round(this.tokenTtlMs / 1000),
				scope: 'ZohoCRM.modules.leads.ALL ZohoCRM.settings.fields.READ',
			},
		};
	}

	private moduleOf(req: SandboxRequest): string | undefined {
		const name = Object.keys(this.store).find((module) => module.toLowerCase() === req.params.module.toLowerCase());
		return name;
	}

	private upsert(req: SandboxRequest): SandboxReply {
		const module = this.moduleOf(req);
		if (!module) return { status: 400, body: ERROR('INVALID_MODULE', 'the module name given seems to be invalid') };
		const body = req.body as { data?: unknown; duplicate_check_fields?: unknown } | undefined;
		this.lastUpsertBody = body;
		if (req.bodyMalformed || !body || !Array.isArray(body.data)) {
			return { status: 400, body: ERROR('INVALID_DATA', 'body is not a valid JSON with a data array') };
		}
		if (body.data.length > 100) {
			return { status: 400, body: ERROR('LIMIT_EXCEEDED', 'the number of records exceeds 100', { limit: 100 }) };
		}
		const checkable = duplicateCheckable(module);
		const requested = Array.isArray(body.duplicate_check_fields) ? (body.duplicate_check_fields as string[]) : undefined;
		const invalidCheck = requested?.find((name) => !checkable.includes(name));
		if (invalidCheck) {
			return {
				status: 400,
				body: ERROR('INVALID_DATA', 'the field given in duplicate_check_fields is not unique', { api_name: invalidCheck }),
			};
		}
		// Without the list: the system field first, then user-defined unique fields.
		const checkFields = requested ?? checkable;
		const results = body.data.map((entry, index) => this.upsertOne(module, entry, index, checkFields));
		const failed = results.filter((result) => result.status === 'error').length;
		const status = failed === 0 ? 200 : failed === results.length ? 400 : this.mixedStatus;
		return { status, body: { data: results } };
	}

	private upsertOne(module: string, entry: unknown, index: number, checkFields: string[]) {
		if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
			return ERROR('INVALID_DATA', 'invalid data', { json_path: `$.data[${index}]` });
		}
		const values = entry as Record<string, unknown>;
		const fields = MODULE_FIELDS[module];
		for (const [key, value] of Object.entries(values)) {
			if (key.startsWith('$')) continue;
			const meta = fields.find((candidate) => candidate.api_name === key);
			if (!meta || meta.read_only) {
				return ERROR('INVALID_DATA', 'invalid data', { api_name: key, json_path: `$.data[${index}].${key}` });
			}
			const expected = invalidValue(meta, value);
			if (expected) {
				return ERROR('INVALID_DATA', 'invalid data', {
					expected_data_type: expected,
					api_name: key,
					json_path: `$.data[${index}].${key}`,
				});
			}
		}
		const store = this.store[module];
		let existing: ZohoRecord | undefined;
		let matchedOn: string | null = null;
		for (const name of checkFields) {
			const value = values[name];
			if (value === undefined || value === null || value === '') continue;
			existing = this.holderOf(module, name, value);
			if (existing) {
				matchedOn = name;
				break;
			}
		}
		// A unique value the record would take from another record is a duplicate.
		for (const meta of fields.filter((candidate) => candidate.unique || candidate.api_name === 'Email')) {
			const value = values[meta.api_name];
			if (value === undefined || value === null || value === '') continue;
			const holder = this.holderOf(module, meta.api_name, value);
			const owner = holder !== existing ? holder : undefined;
			if (owner && (meta.unique || checkFields.includes(meta.api_name))) {
				return ERROR('DUPLICATE_DATA', 'duplicate data', {
					api_name: meta.api_name,
					json_path: `$.data[${index}].${meta.api_name}`,
					duplicate_record: { id: owner.id, module: { api_name: module } },
				});
			}
		}
		const now = new Date().toISOString();
		const user = { name: 'Sandbox Integration User', id: '5843104000000190011' };
		if (existing) {
			const previous = { ...existing };
			Object.assign(existing, stripMeta(values), { Modified_Time: now });
			this.index(module, existing, previous);
			return {
				code: 'SUCCESS',
				duplicate_field: matchedOn,
				action: 'update',
				details: { id: existing.id, Modified_Time: now, Modified_By: user, Created_Time: existing.Created_Time, Created_By: user },
				message: 'record updated',
				status: 'success',
			};
		}
		const missing = fields.find((meta) => meta.system_mandatory && (values[meta.api_name] === undefined || values[meta.api_name] === null || values[meta.api_name] === ''));
		if (missing) {
			return ERROR('MANDATORY_NOT_FOUND', 'required field not found', {
				api_name: missing.api_name,
				json_path: `$.data[${index}].${missing.api_name}`,
			});
		}
		const record = { ...stripMeta(values), id: this.newId(), Created_Time: now, Modified_Time: now } as ZohoRecord;
		store.set(record.id, record);
		this.index(module, record);
		return {
			code: 'SUCCESS',
			// Zoho's documented samples name the duplicate-check field on inserts too; only `action` tells.
			duplicate_field: checkFields.find((name) => values[name] !== undefined && values[name] !== null && values[name] !== '') ?? null,
			action: 'insert',
			details: { id: record.id, Modified_Time: now, Modified_By: user, Created_Time: now, Created_By: user },
			message: 'record added',
			status: 'success',
		};
	}

	private fields(req: SandboxRequest): SandboxReply {
		const module = Object.keys(MODULE_FIELDS).find((name) => name.toLowerCase() === (req.query.get('module') ?? '').toLowerCase());
		if (!module) {
			return { status: 400, body: ERROR('INVALID_MODULE', 'the module name given seems to be invalid', { param_name: 'module' }) };
		}
		return { status: 200, body: { fields: MODULE_FIELDS[module] } };
	}

	private modules(): SandboxReply {
		return {
			status: 200,
			body: {
				modules: Object.keys(this.store).map((name) => ({
					api_name: name,
					module_name: name,
					plural_label: name,
					singular_label: name.slice(0, -1),
					api_supported: true,
					creatable: true,
					editable: true,
				})),
			},
		};
	}

	private currentUser(): SandboxReply {
		return {
			status: 200,
			body: { users: [{ id: '5843104000000190011', full_name: 'Sandbox Integration User', email: 'integration@example.com', status: 'active' }] },
		};
	}

	private org(): SandboxReply {
		return { status: 200, body: { org: [{ id: '5843104000000000001', company_name: 'Sandbox Org', primary_email: 'admin@example.com' }] } };
	}

	private search(req: SandboxRequest): SandboxReply {
		const module = this.moduleOf(req);
		if (!module) return { status: 400, body: ERROR('INVALID_MODULE', 'the module name given seems to be invalid') };
		let field: string | undefined;
		let value: string | undefined;
		if (req.query.has('email')) [field, value] = ['Email', req.query.get('email')!];
		else if (req.query.has('phone')) [field, value] = ['Phone', req.query.get('phone')!];
		else if (req.query.has('criteria')) {
			const match = /^\(?\s*([A-Za-z0-9_]+)\s*:\s*equals\s*:\s*(.+?)\s*\)?$/.exec(req.query.get('criteria')!);
			if (!match) return { status: 400, body: ERROR('INVALID_QUERY', 'invalid query formed', { param_name: 'criteria' }) };
			[field, value] = [match[1], match[2]];
		}
		if (!field || value === undefined) {
			return { status: 400, body: ERROR('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'criteria' }) };
		}
		const found = this.records(module).filter((record) => sameValue(record[field!], value));
		if (found.length === 0) return { status: 204 };
		return { status: 200, body: { data: found, info: { per_page: 200, count: found.length, page: 1, more_records: false } } };
	}

	private getRecord(req: SandboxRequest): SandboxReply {
		const module = this.moduleOf(req);
		if (!module) return { status: 400, body: ERROR('INVALID_MODULE', 'the module name given seems to be invalid') };
		const record = this.store[module].get(req.params.id);
		if (!record) return { status: 204 };
		return { status: 200, body: { data: [record] } };
	}

	private newId(): string {
		return `58431040000${String(1000000 + this.nextId++).padStart(8, '0')}`;
	}
}

function recordsIn(req: SandboxRequest): number {
	const data = (req.body as { data?: unknown } | undefined)?.data;
	return Array.isArray(data) ? data.length : 1;
}

function sameValue(stored: unknown, incoming: unknown): boolean {
	return stored !== undefined && stored !== null && String(stored).toLowerCase() === String(incoming).toLowerCase();
}

function stripMeta(values: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(values).filter(([key]) => !key.startsWith('$') && key !== 'id'));
}

/** The data type Zoho would say it expected, or undefined when the value fits. */
function isCalendarDay(text: string): boolean {
	const [year, month, day] = text.split('-').map(Number);
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function invalidValue(meta: ZohoFieldMeta, value: unknown): string | undefined {
	if (value === null) return undefined; // null clears a field
	const text = typeof value === 'string' ? value : undefined;
	switch (meta.data_type) {
		// Fields Meta Data (https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html) gives each
		// field's `length`, the most characters it stores; e-mail fields have one too (100 for Email).
		case 'email':
			return text !== undefined && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) && text.length <= meta.length ? undefined : 'email';
		case 'phone':
			return text !== undefined && /^[0-9+()\-. ]{3,30}$/.test(text) ? undefined : 'phone';
		case 'integer':
			return Number.isInteger(value) || (text !== undefined && /^-?\d+$/.test(text)) ? undefined : 'integer';
		case 'currency':
		case 'double':
			return typeof value === 'number' || (text !== undefined && /^-?\d+(\.\d+)?$/.test(text)) ? undefined : 'double';
		case 'boolean':
			return typeof value === 'boolean' ? undefined : 'boolean';
		case 'date':
			// yyyy-MM-dd, and a day the calendar has: Zoho refuses 2026-02-30 rather than rolling it over.
			return text !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(text) && isCalendarDay(text) ? undefined : 'date';
		case 'datetime':
			return text !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/.test(text) ? undefined : 'datetime';
		case 'multiselectpicklist':
			return Array.isArray(value) ? undefined : 'jsonarray';
		case 'lookup':
			return typeof value === 'object' ? undefined : 'jsonobject';
		default:
			if (typeof value === 'object') return 'text';
			return String(value).length > meta.length ? 'text' : undefined;
	}
}
