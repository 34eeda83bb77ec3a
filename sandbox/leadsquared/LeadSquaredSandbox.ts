import {
	Sandbox,
	SlidingWindowLimiter,
	type Route,
	type SandboxActions,
	type SandboxOptions,
	type SandboxReply,
	type SandboxRequest,
} from '../framework';
import { ACTIVITY_TYPES, API_USER, LEAD_FIELDS, LEADSQUARED_REGIONS } from './fixtures';
import {
	LeadStore,
	LsqError,
	badRequest,
	readLeadPayload,
	type ActivityInput,
	type ActivityRecord,
	type DefaultMatch,
	type LeadRecord,
	type LeadUpdateBehavior,
} from './LeadStore';

export { LEADSQUARED_REGIONS, leadSquaredRegionPrefixes } from './fixtures';
export type { ActivityRecord, DefaultMatch, LeadRecord } from './LeadStore';

export interface LeadSquaredSandboxOptions extends SandboxOptions {
	/** Region prefix the account lives in (`api`, `api-us11`, `api-in21`…). */
	region?: string;
	accessKey?: string;
	secretKey?: string;
	/** Plan limit for ordinary calls: `limit` calls in any `windowMs`. */
	limit?: number;
	windowMs?: number;
	/** Separate, stricter bucket for the bulk APIs. */
	bulkLimit?: number;
	bulkWindowMs?: number;
	/** The docs say 429; a field report saw the same exception with HTTP 200. */
	rateLimitStatus?: 429 | 200;
	defaultMatch?: DefaultMatch;
	/** Switches for what the docs leave open; see LeadSquaredAnswerSwitches. */
	answers?: Partial<LeadSquaredAnswerSwitches>;
}

/**
 * Answer fields LeadSquared neither documents nor rules out (sandbox/leadsquared/CONTRACT.md).
 * All off by default, which is the documented shape; each can be turned on so the node is
 * tested against both.
 */
export interface LeadSquaredAnswerSwitches {
	/** Activity list rows carry ActivityDateTime and ActivityNote (the documented sample shows only CreatedOn). */
	activityListDateTime: boolean;
	/** CreateCustom's Message carries RelatedProspectId next to the documented Id. */
	createCustomRelatedProspectId: boolean;
	/** Bulk CreateOrUpdate rows carry LeadCreated / LeadUpdated, as third-party client types have them. */
	bulkRowCreatedFlags: boolean;
}

const DOCUMENTED_ANSWERS: LeadSquaredAnswerSwitches = {
	activityListDateTime: false,
	createCustomRelatedProspectId: false,
	bulkRowCreatedFlags: false,
};

/** LeadSquared's error envelope, on every endpoint (apidocs.leadsquared.com/error-handling/). */
const ERROR_FIELDS = ['Status', 'ExceptionType', 'ExceptionMessage'];
const LEAD_RECORDS = ['[].*', ...ERROR_FIELDS];

export interface LeadSquaredSettings {
	limit?: number;
	windowMs?: number;
	bulkLimit?: number;
	bulkWindowMs?: number;
	rateLimitStatus?: 429 | 200;
	region?: string;
	defaultMatch?: DefaultMatch;
	answers?: Partial<LeadSquaredAnswerSwitches>;
}

export const LEADSQUARED_DEFAULT_KEYS = { accessKey: 'u$sandbox-access-key', secretKey: 'sandbox-secret-key' };
const MAX_BULK_LEADS = 25;
/** The bulk activity post takes up to 25 activities per call (leadsquared.md §5). */
const MAX_BULK_ACTIVITIES = 25;
/** "All bulk APIs" share the stricter bucket (§7): the bulk lead upsert and the bulk activity post. */
const BULK_ENDPOINTS = new Set(['bulkCreateOrUpdate', 'activityBulkAdd']);

type Handler = (req: SandboxRequest) => unknown;

/**
 * LeadSquared v2 API emulator. Regional hosts are path prefixes: `/{regionHost}/v2/...` stands for
 * `https://{regionHost}.leadsquared.com/v2/...`. Only the account's region answers (others 401),
 * except UserByAccessKey.Get, which is how clients discover the right host.
 */
export class LeadSquaredSandbox extends Sandbox {
	readonly name = 'leadsquared';
	region: string;
	rateLimitStatus: 429 | 200;
	answers: LeadSquaredAnswerSwitches;
	private readonly accessKey: string;
	private readonly secretKey: string;
	private readonly limiter: SlidingWindowLimiter;
	private readonly bulkLimiter: SlidingWindowLimiter;
	private readonly store = new LeadStore();
	/** Deactivating the user deactivates the keys (vendor note); an action flips it. */
	private userActive = true;

	constructor(options: LeadSquaredSandboxOptions = {}) {
		super(options);
		this.region = options.region ?? 'api-us11';
		if (!LEADSQUARED_REGIONS[this.region]) throw new Error(`unknown LeadSquared region ${this.region}`);
		this.accessKey = options.accessKey ?? LEADSQUARED_DEFAULT_KEYS.accessKey;
		this.secretKey = options.secretKey ?? LEADSQUARED_DEFAULT_KEYS.secretKey;
		this.limiter = new SlidingWindowLimiter(options.limit ?? 25, options.windowMs ?? 5000);
		this.bulkLimiter = new SlidingWindowLimiter(options.bulkLimit ?? 5, options.bulkWindowMs ?? 5000);
		this.rateLimitStatus = options.rateLimitStatus ?? 429;
		this.store.defaultMatch = options.defaultMatch ?? 'emailThenPhone';
		this.answers = { ...DOCUMENTED_ANSWERS, ...options.answers };
	}

	/** Base URL standing for `https://{region}.leadsquared.com` (default: the account's region). */
	hostUrl(region = this.region): string {
		return `${this.baseUrl}/${region}`;
	}

	// ---- accessors for tests -------------------------------------------------------------

	leads(): LeadRecord[] {
		return this.store.leads().map((lead) => ({ ...lead }));
	}

	activities(): ActivityRecord[] {
		return this.store.activities.map((a) => ({ ...a, Fields: { ...a.Fields } }));
	}

	findLeadByEmail(email: string): LeadRecord | undefined {
		const lead = this.store.findBy('EmailAddress', email);
		return lead && { ...lead };
	}

	/** Pre-creates an existing lead (schema names as keys); throws on a unique-field clash. */
	seedLead(attrs: Record<string, string>): LeadRecord {
		return { ...this.store.seed(attrs) };
	}

	dump(): { leads: LeadRecord[]; activities: ActivityRecord[] } {
		return { leads: this.leads(), activities: this.activities() };
	}

	configure(settings: LeadSquaredSettings & Record<string, unknown>): void {
		if (typeof settings.limit === 'number') this.limiter.limit = settings.limit;
		if (typeof settings.windowMs === 'number') this.limiter.windowMs = settings.windowMs;
		if (typeof settings.bulkLimit === 'number') this.bulkLimiter.limit = settings.bulkLimit;
		if (typeof settings.bulkWindowMs === 'number') this.bulkLimiter.windowMs = settings.bulkWindowMs;
		if (settings.rateLimitStatus === 429 || settings.rateLimitStatus === 200) this.rateLimitStatus = settings.rateLimitStatus;
		if (settings.defaultMatch === 'emailThenPhone' || settings.defaultMatch === 'emailOnly') this.store.defaultMatch = settings.defaultMatch;
		if (settings.answers && typeof settings.answers === 'object') this.answers = { ...this.answers, ...settings.answers };
		if (typeof settings.region === 'string') {
			if (!LEADSQUARED_REGIONS[settings.region]) throw new Error(`unknown LeadSquared region ${settings.region}`);
			this.region = settings.region;
		}
	}

	actions(): SandboxActions {
		return {
			resetRateLimits: () => {
				this.limiter.reset();
				this.bulkLimiter.reset();
			},
			deactivateUser: () => {
				this.userActive = false;
			},
			activateUser: () => {
				this.userActive = true;
			},
		};
	}

	// ---- framework hooks -----------------------------------------------------------------

	protected resetState(): void {
		this.store.clear();
		this.limiter.reset();
		this.bulkLimiter.reset();
		this.userActive = true;
	}

	protected faultBody(status: number): unknown {
		if (status === 429) return this.rateLimitBody(this.limiter);
		if (status === 401) return unauthorized().body;
		if (status >= 500) {
			return {
				Status: 'Error',
				ExceptionType: 'MXInternalServerErrorException',
				ExceptionMessage: 'An internal error occurred. Please try again later.',
			};
		}
		return badRequest('The message body on the request is not as per API specification').body;
	}

	protected notFound(_req: SandboxRequest): SandboxReply {
		return {
			status: 404,
			body: {
				Status: 'Error',
				ExceptionType: 'MXAPINotFoundException',
				ExceptionMessage: 'The API could not be found. Please check the API signature.',
			},
		};
	}

	/** Host, then keys, then region, then the plan limit, then the body's content type. */
	protected before(req: SandboxRequest, route: Route): SandboxReply | undefined {
		const region = req.params.region.toLowerCase();
		// An unknown host would not resolve at all; a 404 is the closest an emulator can say.
		if (!LEADSQUARED_REGIONS[region]) return this.notFound(req);
		const access = header(req, 'x-lsq-accesskey') ?? queryParam(req, 'accessKey');
		const secret = header(req, 'x-lsq-secretkey') ?? queryParam(req, 'secretKey');
		if (access !== this.accessKey || secret !== this.secretKey || !this.userActive) {
			this.refuse('auth');
			return errorReply(unauthorized());
		}
		if (region !== this.region && route.endpoint !== 'userByAccessKey') {
			this.refuse('wrongRegion');
			// The account does not exist on that host. Whether v2 names the right host is unverified, so it does not.
			return errorReply(unauthorized());
		}
		const bucket = BULK_ENDPOINTS.has(route.endpoint) ? this.bulkLimiter : this.limiter;
		if (!bucket.tryAcquire()) {
			this.refuse('rateLimit');
			return { status: this.rateLimitStatus, body: this.rateLimitBody(bucket) };
		}
		if (req.method === 'POST' && req.rawBody.length > 0) {
			const type = String(req.headers['content-type'] ?? '').toLowerCase();
			if (!type.includes('application/json')) return errorReply(badRequest('Content-Type must be application/json'));
			if (req.bodyMalformed) return errorReply(badRequest('The request body is not valid JSON'));
		}
		return undefined;
	}

	protected routes(): Route[] {
		const route = (method: string, path: string, endpoint: string, handler: Handler, contract: string[]): Route => ({
			method,
			pattern: `/:region/v2/${path}`,
			endpoint,
			contract: [...contract, ...ERROR_FIELDS],
			handler: (req) => {
				try {
					return { status: 200, body: handler(req) };
				} catch (error) {
					if (error instanceof LsqError) return errorReply(error);
					throw error;
				}
			},
		});
		return [
			route('GET', 'Authentication.svc/UserByAccessKey.Get', 'userByAccessKey', () => this.user(), [
				'Id',
				'Name',
				'Role',
				'OrgId',
				'OrgShortCode',
				'TimeZone',
				'LSQCommonServiceURLs.*',
			]),
			route('POST', 'LeadManagement.svc/Lead.CreateOrUpdate', 'createOrUpdate', (req) => this.createOrUpdate(req), [
				'Message.Id',
				'Message.AffectedRows',
			]),
			route('POST', 'LeadManagement.svc/Lead.Capture', 'capture', (req) => this.capture(req), ['Message.Id', 'Message.RelatedId']),
			route('POST', 'LeadManagement.svc/Lead/Bulk/CreateOrUpdate', 'bulkCreateOrUpdate', (req) => this.bulk(req), [
				'[].RowNumber',
				'[].LeadId',
				'[].AffectedRows',
				'[].ExceptionType',
				'[].ErrorMessage',
			]),
			route(
				'GET',
				'LeadManagement.svc/Leads.GetByEmailaddress',
				'getByEmail',
				(req) => this.lookup(req, 'emailaddress', (v) => this.store.findBy('EmailAddress', v)),
				LEAD_RECORDS,
			),
			route(
				'GET',
				'LeadManagement.svc/RetrieveLeadByPhoneNumber',
				'getByPhone',
				(req) => this.lookup(req, 'phone', (v) => this.store.findByPhone(v)),
				LEAD_RECORDS,
			),
			route('GET', 'LeadManagement.svc/Leads.GetById', 'getById', (req) => this.lookup(req, 'id', (v) => this.store.getById(v)), LEAD_RECORDS),
			route('GET', 'LeadManagement.svc/LeadsMetaData.Get', 'metadata', (req) => this.metadata(req), ['[].*']),
			route('POST', 'ProspectActivity.svc/Create', 'activityCreate', (req) => this.activityCreate(req), ['Message.Id']),
			route('POST', 'ProspectActivity.svc/CreateCustom', 'activityCreateCustom', (req) => this.activityCreateCustom(req), ['Message.Id']),
			route('POST', 'ProspectActivity.svc/Bulk/CustomActivity/Add/ByLeadId', 'activityBulkAdd', (req) => this.activityBulkAdd(req), [
				'Response[].ProspectActivityId',
				'Response[].ExceptionType',
				'Response[].ExceptionMessage',
			]),
			route('POST', 'ProspectActivity.svc/Retrieve', 'activityRetrieve', (req) => this.activityRetrieve(req), [
				'RecordCount',
				'ProspectActivities[].Id',
				'ProspectActivities[].EventCode',
				'ProspectActivities[].EventName',
				'ProspectActivities[].ActivityScore',
				'ProspectActivities[].CreatedOn',
				'ProspectActivities[].ActivityType',
				'ProspectActivities[].Type',
				'ProspectActivities[].IsEmailType',
				'ProspectActivities[].Data',
				// Undocumented, switchable (activityListDateTime); the node reads them only to confirm a post.
				'ProspectActivities[].ActivityDateTime',
				'ProspectActivities[].ActivityNote',
			]),
			route(
				'GET',
				'ProspectActivity.svc/ActivityTypes.Get',
				'activityTypes',
				() => ACTIVITY_TYPES.map(({ Fields: _fields, ...type }) => ({ ...type, Score: 0 })),
				['[].*'],
			),
			route('GET', 'ProspectActivity.svc/CustomActivity/GetActivitySetting', 'activitySetting', (req) => this.activitySetting(req), [
				'ID',
				'Name',
				'DisplayName',
				'Fields[].*',
			]),
		];
	}

	// ---- handlers ------------------------------------------------------------------------

	private user() {
		return { ...API_USER, LSQCommonServiceURLs: { api: LEADSQUARED_REGIONS[this.region] } };
	}

	private createOrUpdate(req: SandboxRequest) {
		const { lead } = this.store.createOrUpdate(readLeadPayload(req.body));
		// The documented answer: it does not say whether the lead was created or updated.
		return { Status: 'Success', Message: { Id: lead.ProspectID, AffectedRows: 1 } };
	}

	private capture(req: SandboxRequest) {
		const behavior = (queryParam(req, 'LeadUpdateBehavior') ?? 'Default') as LeadUpdateBehavior;
		if (!['Default', 'DoNotUpdate', 'UpdateOnlyEmptyFields', 'DoNotUpdateUniqueFields'].includes(behavior)) {
			throw new LsqError(500, 'MXInvalidInputException', `Invalid LeadUpdateBehavior '${behavior}'`);
		}
		const { lead, created } = this.store.capture(readLeadPayload(req.body), behavior);
		return { Status: 'Success', Message: { Id: lead.ProspectID, RelatedId: lead.ProspectID, IsCreated: created } };
	}

	/** Rows succeed or fail one by one; only a malformed call or more than 25 rows fails as a whole. */
	private bulk(req: SandboxRequest) {
		if (!Array.isArray(req.body) || req.body.length === 0) throw badRequest('Request body must be a non-empty array of leads');
		if (req.body.length > MAX_BULK_LEADS) {
			throw badRequest(`A maximum of ${MAX_BULK_LEADS} leads can be created or updated in one call; received ${req.body.length}`);
		}
		const rows = req.body.map(readLeadPayload);
		return rows.map((row, i) => {
			try {
				const { lead, created } = this.store.createOrUpdate(row);
				const flags = this.answers.bulkRowCreatedFlags ? { LeadCreated: created, LeadUpdated: !created } : {};
				return { RowNumber: i + 1, LeadId: lead.ProspectID, ...flags, AffectedRows: 1 };
			} catch (error) {
				if (!(error instanceof LsqError)) throw error;
				const flags = this.answers.bulkRowCreatedFlags ? { LeadCreated: false, LeadUpdated: false } : {};
				return {
					RowNumber: i + 1,
					LeadId: '',
					...flags,
					AffectedRows: 0,
					ExceptionType: error.type,
					ErrorMessage: error.message,
				};
			}
		});
	}

	private lookup(req: SandboxRequest, param: string, find: (value: string) => LeadRecord | LeadRecord[] | undefined) {
		const value = queryParam(req, param);
		if (!value) throw new LsqError(500, 'MXMandatoryAttributeMissingException', `'${param}' is mandatory`);
		const found = find(value);
		return (Array.isArray(found) ? found : found ? [found] : []).map((lead) => ({ ...lead }));
	}

	private metadata(req: SandboxRequest) {
		const schemaName = queryParam(req, 'schemaName')?.toLowerCase();
		const withOptions = queryParam(req, 'excludeOptionSets') !== '1';
		return LEAD_FIELDS.filter((f) => !schemaName || f.SchemaName.toLowerCase() === schemaName).map(({ Options, ...f }) =>
			withOptions && Options ? { ...f, Options } : f,
		);
	}

	/** By RelatedProspectId, or by EmailAddress (creating the lead from the name/phone passed when unknown). */
	private activityCreate(req: SandboxRequest) {
		const body = objectBody(req);
		let leadId = typeof body.RelatedProspectId === 'string' ? body.RelatedProspectId : '';
		if (!leadId && typeof body.EmailAddress === 'string' && body.EmailAddress) {
			this.store.checkActivity(body);
			const known = this.store.findBy('EmailAddress', body.EmailAddress);
			leadId = known?.ProspectID ?? this.store.seed(pick(body, ['EmailAddress', 'FirstName', 'LastName', 'Phone'])).ProspectID;
		}
		if (!leadId) throw new LsqError(500, 'MXMandatoryAttributeMissingException', "'RelatedProspectId' or 'EmailAddress' is mandatory");
		return { Status: 'Success', Message: { Id: this.store.postActivity(leadId, body).Id } };
	}

	/** Lead + activity in one call. The activity is checked first so a bad one does not half-write. */
	private activityCreateCustom(req: SandboxRequest) {
		const body = objectBody(req);
		if (!body.Activity || typeof body.Activity !== 'object') throw badRequest('"Activity" is required');
		const activity = body.Activity as ActivityInput;
		if (body.ValidateDropDownOptions !== undefined) activity.ValidateDropDownOptions = body.ValidateDropDownOptions;
		this.store.checkActivity(activity);
		const { lead } = this.store.createOrUpdate(readLeadPayload(body.LeadDetails));
		const posted = this.store.postActivity(lead.ProspectID, activity);
		// The docs only show Message.Id; which record it names is unverified. Here: the activity.
		const related = this.answers.createCustomRelatedProspectId ? { RelatedProspectId: lead.ProspectID } : {};
		return { Status: 'Success', Message: { Id: posted.Id, ...related } };
	}

	/**
	 * Up to 25 activities on leads known by id, each succeeding or failing alone, answered in order.
	 * The reference gives the path, the limit of 25 and the success rows `{ProspectActivityId}`;
	 * the request shape (CreateCustom's Activity plus RelatedProspectId) and a per-activity
	 * `ValidateDropDownOptions` are unverified, and the failure row `{ExceptionType, ExceptionMessage}`
	 * is assumed in the vendor's error words.
	 */
	private activityBulkAdd(req: SandboxRequest) {
		if (!Array.isArray(req.body) || req.body.length === 0) throw badRequest('Request body must be a non-empty array of activities');
		if (req.body.length > MAX_BULK_ACTIVITIES) {
			throw badRequest(`A maximum of ${MAX_BULK_ACTIVITIES} activities can be posted in one call; received ${req.body.length}`);
		}
		if (req.body.some((entry) => !entry || typeof entry !== 'object' || Array.isArray(entry))) {
			throw badRequest('Each activity must be a JSON object');
		}
		const activities = req.body as Array<Record<string, unknown> & ActivityInput>;
		return {
			Response: activities.map((activity) => {
				try {
					const leadId = typeof activity.RelatedProspectId === 'string' ? activity.RelatedProspectId.trim() : '';
					if (!leadId) throw new LsqError(500, 'MXMandatoryAttributeMissingException', "'RelatedProspectId' is mandatory");
					return { ProspectActivityId: this.store.postActivity(leadId, activity).Id };
				} catch (error) {
					if (!(error instanceof LsqError)) throw error;
					return { ExceptionType: error.type, ExceptionMessage: error.message };
				}
			}),
		};
	}

	/** A lead's activities, newest first. `Offset` is read as a row offset (the docs also call it a page number). */
	private activityRetrieve(req: SandboxRequest) {
		const leadId = queryParam(req, 'leadId');
		if (!leadId) throw new LsqError(500, 'MXMandatoryAttributeMissingException', "'leadId' is mandatory");
		const lead = this.store.getById(leadId);
		if (!lead) throw new LsqError(500, 'MXInvalidEntityException', 'Lead does not exist in the system');
		const body = (req.body ?? {}) as { Parameter?: { ActivityEvent?: unknown }; Paging?: { Offset?: unknown; RowCount?: unknown } };
		const event = body.Parameter?.ActivityEvent;
		if (event !== undefined && !ACTIVITY_TYPES.some((t) => t.ActivityEvent === Number(event))) {
			throw new LsqError(500, 'MXInvalidInputException', `Invalid ActivityEvent '${String(event)}'`);
		}
		const offset = Math.max(0, Number(body.Paging?.Offset ?? 0) || 0);
		const rowCount = Math.max(1, Number(body.Paging?.RowCount ?? 25) || 25);
		const matching = this.store
			.activitiesOf(lead.ProspectID)
			.filter((a) => event === undefined || a.ActivityEvent === Number(event))
			.map((a, i) => ({ a, i }))
			.sort((x, y) => y.a.ActivityDateTime.localeCompare(x.a.ActivityDateTime) || y.i - x.i)
			.map(({ a }) => a);
		return {
			RecordCount: matching.length,
			ProspectActivities: matching.slice(offset, offset + rowCount).map((a) => {
				const type = ACTIVITY_TYPES.find((t) => t.ActivityEvent === a.ActivityEvent);
				return {
					Id: a.Id,
					EventCode: a.ActivityEvent,
					EventName: type?.DisplayName ?? '',
					ActivityScore: 0,
					CreatedOn: a.CreatedOn,
					ActivityType: type?.Category === 'System' ? 1 : 2,
					Type: type?.Direction ?? 'Inbound',
					IsEmailType: false,
					...(this.answers.activityListDateTime ? { ActivityDateTime: a.ActivityDateTime, ActivityNote: a.ActivityNote || undefined } : {}),
					Data: Object.entries(a.Fields).map(([Key, Value]) => ({ Key, Value })),
				};
			}),
		};
	}

	private activitySetting(req: SandboxRequest) {
		const code = queryParam(req, 'code');
		if (!code) throw new LsqError(500, 'MXMandatoryAttributeMissingException', "'code' is mandatory");
		const type = ACTIVITY_TYPES.find((t) => t.ActivityEvent === Number(code));
		if (!type) throw new LsqError(500, 'MXInvalidInputException', `Invalid activity event code '${code}'`);
		// The documented answer: {ID, Name, DisplayName, Fields} (get-details-of-activity-type).
		return { ID: activityTypeId(type.ActivityEvent), Name: type.DisplayName, DisplayName: type.DisplayName, Fields: type.Fields };
	}

	private rateLimitBody(bucket: SlidingWindowLimiter) {
		const seconds = Math.max(1, Math.round(bucket.windowMs / 1000));
		return {
			Status: 'Error',
			ExceptionType: 'MXAPIRateLimitExceededException',
			ExceptionMessage: `API calls exceeded the limit of ${bucket.limit} in ${seconds} second(s)`,
		};
	}
}

/** The 401 body is not documented; this shape is a plausible guess in the vendor's envelope. */
function unauthorized(): LsqError {
	return new LsqError(401, 'MXUnAuthorizedAccessException', 'Invalid access key or secret key, or the user is inactive.');
}

/** A stable GUID-shaped id per activity type, as LeadSquared gives each type one. */
function activityTypeId(event: number): string {
	return `00000000-0000-4000-8000-${String(event).padStart(12, '0')}`;
}

function errorReply(error: LsqError): SandboxReply {
	return { status: error.status, body: error.body };
}

function header(req: SandboxRequest, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** WCF matches query names case-insensitively (`emailaddress`, `EmailAddress`). */
function queryParam(req: SandboxRequest, name: string): string | undefined {
	for (const [key, value] of req.query) if (key.toLowerCase() === name.toLowerCase()) return value;
	return undefined;
}

function objectBody(req: SandboxRequest): Record<string, unknown> & ActivityInput {
	if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) throw badRequest('Request body must be a JSON object');
	return req.body as Record<string, unknown>;
}

function pick(body: Record<string, unknown>, keys: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const key of keys) if (typeof body[key] === 'string' && body[key]) out[key] = body[key] as string;
	return out;
}
