import { randomBytes } from 'node:crypto';

import { CORE_TEXT_LENGTH, customValueProblem, type MetadataEntry } from './metadata';

/** Contact fields the public clients send and read (reference §2.4). */
export const CORE_FIELDS = [
	'firstName',
	'lastName',
	'company',
	'jobTitle',
	'emailAddress',
	'altEmailAddress',
	'businessPhone',
	'mobilePhone',
	'homePhone',
	'website',
	'linkedinUrl',
	'birthday',
] as const;
export type CoreField = (typeof CORE_FIELDS)[number];

/** Set by the service; a client may echo them back (read-modify-write) and they are ignored. */
const READ_ONLY = ['id', 'created', 'edited'];
/** What `$filter`, `$orderby` and `$select` may name. */
export const QUERY_FIELDS = [...READ_ONLY, ...CORE_FIELDS] as const;

export type Act365Contact = {
	id: string;
	created: string;
	edited: string;
	customFields: Record<string, unknown>;
} & Record<CoreField, string | null>;

export type ContactInput = Partial<Record<CoreField, string | null>> & { customFields?: Record<string, unknown> };

export class ValidationError extends Error {}

/** Ids look like Act!'s: 24 hex characters, e.g. 64b7f0c2a1e94d0012ab34cd. */
export function newContactId(): string {
	return randomBytes(12).toString('hex');
}

/**
 * Checks a create/update body and returns it in canonical spelling.
 * Rejecting unknown field names with a 400 is an emulator assumption: an ASP.NET service using
 * Json.NET defaults would more likely drop them silently. Being strict here surfaces field-mapping
 * mistakes in a client instead of losing the data without a word.
 */
export function readContactInput(body: unknown, catalogue: MetadataEntry[]): ContactInput {
	if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('The request body must be a JSON object.');
	const input: ContactInput = {};
	for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
		if (READ_ONLY.includes(key)) continue;
		if (key === 'customFields') {
			input.customFields = readCustomFields(value, catalogue);
			continue;
		}
		const field = CORE_FIELDS.find((name) => name.toLowerCase() === key.toLowerCase());
		if (!field) throw new ValidationError(`Unknown field '${key}' on type 'Contact'.`);
		if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
			throw new ValidationError(`Invalid value for '${field}': expected a string.`);
		}
		if (field === 'birthday' && value !== null && value !== '' && Number.isNaN(Date.parse(String(value)))) {
			throw new ValidationError(`Invalid value for 'birthday': '${value}' is not a date.`);
		}
		// The Web API's /Metadata gives each core text column a length (128 here); longer values are refused, not cut.
		if (field !== 'birthday' && value !== null && String(value).length > CORE_TEXT_LENGTH) {
			throw new ValidationError(`Invalid value for '${field}': the value is longer than ${CORE_TEXT_LENGTH} characters.`);
		}
		input[field] = value === null ? null : String(value);
	}
	return input;
}

function readCustomFields(value: unknown, catalogue: MetadataEntry[]): Record<string, unknown> {
	if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError("'customFields' must be an object.");
	const result: Record<string, unknown> = {};
	for (const [key, fieldValue] of Object.entries(value as Record<string, unknown>)) {
		const entry = catalogue.find((item) => item.type === 'Field' && item.name.toLowerCase() === key.toLowerCase());
		if (!entry) throw new ValidationError(`Unknown custom field '${key}' on type 'Contact'.`);
		const problem = customValueProblem(entry, fieldValue);
		if (problem) throw new ValidationError(`Invalid value for custom field '${entry.name}': ${problem}.`);
		result[entry.name] = fieldValue;
	}
	return result;
}

/** A new contact; absent core fields are null, as a typed .NET model would serialize them. */
export function buildContact(input: ContactInput, id: string, now: string): Act365Contact {
	const contact = { id, created: now, edited: now, customFields: { ...(input.customFields ?? {}) } } as Act365Contact;
	for (const field of CORE_FIELDS) contact[field] = input[field] ?? null;
	return contact;
}
