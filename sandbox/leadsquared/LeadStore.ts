import { randomUUID } from 'node:crypto';

import { ACTIVITY_TYPES, LEAD_CAPTURE_EVENT, LEAD_FIELDS, type ActivityType, type LeadField } from './fixtures';

/** An application error as LeadSquared reports it: `{Status:"Error", ExceptionType, ExceptionMessage}`. */
export class LsqError extends Error {
	constructor(
		readonly status: number,
		readonly type: string,
		message: string,
	) {
		super(message);
	}

	get body() {
		return { Status: 'Error', ExceptionType: this.type, ExceptionMessage: this.message };
	}
}

/** The doc files validation errors under HTTP 500 (a third-party summary says 400). */
const invalid = (message: string) => new LsqError(500, 'MXInvalidInputException', message);
const missing = (message: string) => new LsqError(500, 'MXMandatoryAttributeMissingException', message);
/** Wrong body structure or content type: the doc's 400. */
export const badRequest = (message: string) => new LsqError(400, 'MXInvalidInputException', message);

/** A lead as the lookup APIs return it: flat, keyed by schema name. */
export interface LeadRecord {
	ProspectID: string;
	CreatedOn: string;
	ModifiedOn: string;
	[schemaName: string]: string;
}

export interface ActivityRecord {
	Id: string;
	RelatedProspectId: string;
	ActivityEvent: number;
	ActivityNote: string;
	/** UTC, 'YYYY-MM-DD HH:MM:SS'. */
	ActivityDateTime: string;
	CreatedOn: string;
	Fields: Record<string, string>;
}

export interface ActivityInput {
	ActivityEvent?: unknown;
	ActivityNote?: unknown;
	ActivityDateTime?: unknown;
	Fields?: unknown;
	ValidateDropDownOptions?: unknown;
}

/** A lead payload after its shape has been checked: attributes plus the pseudo-attributes. */
export interface LeadPayload {
	attrs: Record<string, string>;
	searchBy?: string;
	prospectId?: string;
}

export interface UpsertResult {
	lead: LeadRecord;
	created: boolean;
}

/** 'emailThenPhone' is the documented default; 'emailOnly' is what field reports describe (see the pitfalls). */
export type DefaultMatch = 'emailThenPhone' | 'emailOnly';
export type LeadUpdateBehavior = 'Default' | 'DoNotUpdate' | 'UpdateOnlyEmptyFields' | 'DoNotUpdateUniqueFields';

const FIELDS = new Map(LEAD_FIELDS.map((f) => [f.SchemaName.toLowerCase(), f]));
const IDENTIFIERS = LEAD_FIELDS.filter((f) => f.IsLeadIdentifier).map((f) => f.SchemaName);
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function nowUtc(): string {
	return new Date().toISOString().replace('T', ' ').slice(0, 19);
}

/** 'YYYY-MM-DD HH:MM:SS' and a real calendar moment (no 2026-02-30). */
export function isLsqDateTime(value: string): boolean {
	const m = DATE_TIME.exec(value);
	if (!m) return false;
	const date = new Date(`${value.replace(' ', 'T')}Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
}

/** Unique values compare the way a case-insensitive SQL collation does; phones by their digits. */
function normalize(schemaName: string, value: string): string {
	if (schemaName === 'Phone' || schemaName === 'Mobile') return value.replace(/\D/g, '');
	return value.trim().toLowerCase();
}

function text(value: unknown): string {
	if (value === null || value === undefined) return '';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Checks the `[{Attribute, Value}]` structure; anything else is the vendor's 400. */
export function readLeadPayload(body: unknown): LeadPayload {
	if (!Array.isArray(body)) throw badRequest('Request body must be an array of {Attribute, Value} pairs');
	const payload: LeadPayload = { attrs: {} };
	for (const pair of body) {
		if (!pair || typeof pair !== 'object' || typeof (pair as { Attribute?: unknown }).Attribute !== 'string') {
			throw badRequest('Each element must be an object with an "Attribute" string and a "Value"');
		}
		const { Attribute, Value } = pair as { Attribute: string; Value: unknown };
		const key = Attribute.toLowerCase();
		if (key === 'searchby') payload.searchBy = text(Value).trim();
		else if (key === 'prospectid') payload.prospectId = text(Value).trim();
		// Custom field sets ("Fields" on the pair) are accepted but only the parent value is kept.
		else payload.attrs[Attribute] = text(Value);
	}
	return payload;
}

export class LeadStore {
	private readonly byId = new Map<string, LeadRecord>();
	readonly activities: ActivityRecord[] = [];
	defaultMatch: DefaultMatch = 'emailThenPhone';

	leads(): LeadRecord[] {
		return [...this.byId.values()];
	}

	clear(): void {
		this.byId.clear();
		this.activities.length = 0;
	}

	getById(id: string): LeadRecord | undefined {
		return this.byId.get(id.toLowerCase());
	}

	findBy(schemaName: string, value: string): LeadRecord | undefined {
		const wanted = normalize(schemaName, value);
		if (!wanted) return undefined;
		return this.leads().find((lead) => lead[schemaName] !== undefined && normalize(schemaName, lead[schemaName]) === wanted);
	}

	/** Leads whose Phone or Mobile has these digits, most recently modified first. */
	findByPhone(phone: string): LeadRecord[] {
		const digits = normalize('Phone', phone);
		if (!digits) return [];
		return this.leads()
			.filter((lead) => ['Phone', 'Mobile'].some((f) => lead[f] && normalize(f, lead[f]) === digits))
			.sort((a, b) => b.ModifiedOn.localeCompare(a.ModifiedOn));
	}

	/** Lead.CreateOrUpdate: match by SearchBy, else email then phone; no match creates. */
	createOrUpdate(payload: LeadPayload): UpsertResult {
		const attrs = this.validate(payload.attrs);
		let match: LeadRecord | undefined;
		if (payload.searchBy !== undefined) {
			match = this.findBySearchBy(payload.searchBy, attrs);
		} else {
			if (!IDENTIFIERS.some((f) => attrs[f]?.trim())) {
				throw missing(`At least one unique field (${IDENTIFIERS.join(', ')}) is mandatory`);
			}
			if (attrs.EmailAddress?.trim()) match = this.findBy('EmailAddress', attrs.EmailAddress);
			if (!match && this.defaultMatch === 'emailThenPhone' && attrs.Phone?.trim()) match = this.findBy('Phone', attrs.Phone);
		}
		return this.write(match, attrs);
	}

	/**
	 * Lead.Capture: ProspectId, then EmailAddress, then Phone. SearchBy wins unless all three are
	 * passed; a ProspectId match whose email differs becomes a new lead; Lead Source is never
	 * overwritten; every call posts a "Lead Capture" activity.
	 */
	capture(payload: LeadPayload, behavior: LeadUpdateBehavior = 'Default'): UpsertResult {
		const attrs = this.validate(payload.attrs);
		const { prospectId, searchBy } = payload;
		const email = attrs.EmailAddress?.trim();
		const phone = attrs.Phone?.trim();
		if (!prospectId && !IDENTIFIERS.some((f) => attrs[f]?.trim())) {
			throw missing('ProspectId or at least one unique field is mandatory');
		}
		let match: LeadRecord | undefined;
		if (searchBy !== undefined && !(prospectId && email && phone)) {
			match = this.findBySearchBy(searchBy, attrs);
		} else {
			const byId = prospectId ? this.getById(prospectId) : undefined;
			if (byId) {
				const known = byId.EmailAddress;
				const sameEmail = !email || !known || normalize('EmailAddress', known) === normalize('EmailAddress', email);
				match = sameEmail ? byId : undefined;
			} else {
				if (email) match = this.findBy('EmailAddress', email);
				if (!match && phone) match = this.findBy('Phone', phone);
			}
		}
		const changes: Record<string, string> = {};
		for (const [key, value] of Object.entries(attrs)) {
			if (!match) changes[key] = value;
			else if (behavior === 'DoNotUpdate') continue;
			else if (key === 'Source' && match.Source) continue;
			else if (behavior === 'UpdateOnlyEmptyFields' && match[key]) continue;
			else if (behavior === 'DoNotUpdateUniqueFields' && IDENTIFIERS.includes(key)) continue;
			else changes[key] = value;
		}
		const result = this.write(match, changes);
		this.addActivity(result.lead.ProspectID, LEAD_CAPTURE_EVENT, '', nowUtc(), {});
		return result;
	}

	/** Validates an activity before anything is written, so a bad activity leaves the lead untouched. */
	checkActivity(input: ActivityInput): { type: ActivityType; note: string; at: string; fields: Record<string, string> } {
		const code = Number(input.ActivityEvent);
		if (input.ActivityEvent === undefined || input.ActivityEvent === '') throw missing("'ActivityEvent' is mandatory");
		const type = ACTIVITY_TYPES.find((t) => t.ActivityEvent === code);
		if (!type) throw invalid(`Invalid ActivityEvent '${text(input.ActivityEvent)}'. No activity type exists with this code`);
		const at = input.ActivityDateTime === undefined || input.ActivityDateTime === '' ? nowUtc() : text(input.ActivityDateTime);
		if (!isLsqDateTime(at)) throw invalid(`Invalid ActivityDateTime '${at}'. Expected UTC in the format YYYY-MM-DD HH:MM:SS`);
		if (input.Fields !== undefined && !Array.isArray(input.Fields)) throw badRequest('"Fields" must be an array of {SchemaName, Value}');
		const fields: Record<string, string> = {};
		for (const entry of (input.Fields ?? []) as Array<{ SchemaName?: unknown; Value?: unknown }>) {
			const name = text(entry?.SchemaName);
			const def = type.Fields.find((f) => f.SchemaName.toLowerCase() === name.toLowerCase());
			if (!def) throw invalid(`Activity field '${name}' does not exist for activity event ${type.ActivityEvent}`);
			const value = text(entry.Value);
			if (value && def.DataType === 'DateTime' && !isLsqDateTime(value)) {
				throw invalid(`Invalid value '${value}' for '${def.SchemaName}'. Expected YYYY-MM-DD HH:MM:SS`);
			}
			if (value && def.DataType === 'Number' && Number.isNaN(Number(value))) throw invalid(`Invalid number '${value}' for '${def.SchemaName}'`);
			// The vendor's flag name reads backwards: true *skips* the drop-down check.
			if (value && def.Options && input.ValidateDropDownOptions !== true && !def.Options.includes(value)) {
				throw invalid(`Invalid option '${value}' for '${def.SchemaName}'`);
			}
			fields[def.SchemaName] = value;
		}
		const absent = type.Fields.find((f) => f.IsMandatory && !fields[f.SchemaName]);
		if (absent) throw missing(`'${absent.SchemaName}' is mandatory for activity event ${type.ActivityEvent}`);
		return { type, note: text(input.ActivityNote), at, fields };
	}

	postActivity(leadId: string, input: ActivityInput): ActivityRecord {
		const lead = this.getById(leadId);
		if (!lead) throw new LsqError(500, 'MXInvalidEntityException', 'Lead does not exist in the system');
		const checked = this.checkActivity(input);
		return this.addActivity(lead.ProspectID, checked.type.ActivityEvent, checked.note, checked.at, checked.fields);
	}

	activitiesOf(leadId: string): ActivityRecord[] {
		return this.activities.filter((a) => a.RelatedProspectId === leadId.toLowerCase());
	}

	/** Test helper: stores a lead as if it already existed; unique fields are still enforced. */
	seed(attrs: Record<string, string>): LeadRecord {
		return this.write(undefined, this.validate(attrs)).lead;
	}

	private addActivity(leadId: string, event: number, note: string, at: string, fields: Record<string, string>): ActivityRecord {
		const activity: ActivityRecord = {
			Id: randomUUID(),
			RelatedProspectId: leadId,
			ActivityEvent: event,
			ActivityNote: note,
			ActivityDateTime: at,
			CreatedOn: nowUtc(),
			Fields: fields,
		};
		this.activities.push(activity);
		return activity;
	}

	private findBySearchBy(searchBy: string, attrs: Record<string, string>): LeadRecord | undefined {
		if (!searchBy) throw invalid('SearchBy value cannot be empty');
		const field = IDENTIFIERS.find((f) => f.toLowerCase() === searchBy.toLowerCase());
		if (!field) throw invalid(`SearchBy '${searchBy}' is not a unique field. Use one of ${IDENTIFIERS.join(', ')}`);
		const value = attrs[field]?.trim();
		if (!value) throw invalid(`SearchBy is '${field}' but no value was passed for '${field}'`);
		return this.findBy(field, value);
	}

	/** Field names must be schema names known to the account; values must fit their type. */
	private validate(input: Record<string, string>): Record<string, string> {
		const attrs: Record<string, string> = {};
		for (const [name, value] of Object.entries(input)) {
			const def: LeadField | undefined = FIELDS.get(name.toLowerCase());
			if (!def) throw invalid(`Lead field '${name}' does not exist. Pass the field's schema name (custom fields start with mx_)`);
			const v = value.trim();
			if (v.length > Number(def.MaxLength)) throw invalid(`Value for '${def.SchemaName}' exceeds the maximum length of ${def.MaxLength}`);
			if (v && def.DataType === 'Email' && !EMAIL.test(v)) throw invalid(`Invalid Email Address '${v}'`);
			if (v && def.DataType === 'DateTime' && !isLsqDateTime(v)) {
				throw invalid(`Invalid value '${v}' for '${def.SchemaName}'. Date-time must be UTC in the format YYYY-MM-DD HH:MM:SS`);
			}
			if (v && def.Options && !def.Options.some((o) => o.Value.toLowerCase() === v.toLowerCase())) {
				throw invalid(`Invalid option '${v}' for '${def.SchemaName}'`);
			}
			attrs[def.SchemaName] = value;
		}
		return attrs;
	}

	/** Creates or updates after checking that no *other* lead holds one of the unique values. */
	private write(existing: LeadRecord | undefined, attrs: Record<string, string>): UpsertResult {
		for (const field of IDENTIFIERS) {
			const value = attrs[field]?.trim();
			const holder = value ? this.findBy(field, value) : undefined;
			if (holder && holder.ProspectID !== existing?.ProspectID) {
				throw new LsqError(500, 'MXDuplicateEntryException', `Duplicate entry '${value}' for key 'UQ_Prospect_Base_${field}'`);
			}
		}
		const now = nowUtc();
		if (existing) {
			Object.assign(existing, attrs, { ModifiedOn: now });
			return { lead: existing, created: false };
		}
		const lead: LeadRecord = { ...attrs, ProspectID: randomUUID(), CreatedOn: now, ModifiedOn: now };
		this.byId.set(lead.ProspectID, lead);
		return { lead, created: true };
	}
}
