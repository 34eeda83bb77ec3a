import { findCause, inspectHttpError, TransientCallError } from '../../shared/engine/errors';
import type { CrmField } from '../../shared/engine/fields';
import type { LeadFailure } from '../../shared/engine/types';
import { LeadSquaredError } from '../transport';
import { listActivityTypes, type ActivityType } from './fields';

/** Older LeadSquared messages name the field in words ("A Lead with same Email already exists."). */
const FIELD_WORDS: Record<string, string> = { email: 'EmailAddress', emailaddress: 'EmailAddress', phone: 'Phone', mobile: 'Mobile' };

export function fieldLabel(fields: CrmField[], schemaName: string): string {
	const field = fields.find((candidate) => candidate.id.toLowerCase() === schemaName.toLowerCase());
	return field && field.displayName !== field.id ? `"${field.displayName}" (${field.id})` : `"${schemaName}"`;
}

/** The unique field a MXDuplicateEntryException is about: its key `UQ_Prospect_Base_<Field>`, or the words. */
export function duplicateField(message: string, fields: CrmField[]): string | undefined {
	const key = /UQ_Prospect(?:_Base)?_(\w+)/i.exec(message)?.[1] ?? /same ([\w ]+?) already exists/i.exec(message)?.[1];
	if (!key) return undefined;
	const known = fields.find((field) => field.id.toLowerCase() === key.toLowerCase() || field.displayName.toLowerCase() === key.toLowerCase());
	return known?.id ?? FIELD_WORDS[key.toLowerCase().replace(/\s/g, '')] ?? key;
}

/** A field LeadSquared quotes in a validation message ("Invalid option 'x' for 'mx_Product_Interest'"). */
function quotedField(message: string, fields: CrmField[]): string | undefined {
	for (const match of message.matchAll(/'([^']+)'/g)) {
		const field = fields.find((candidate) => candidate.id.toLowerCase() === match[1].toLowerCase());
		if (field) return field.id;
	}
	return undefined;
}

/** LeadSquared's complaint about one lead, naming the field and the fix. */
export function describeLeadError(error: LeadSquaredError, fields: CrmField[], searchBy: string): LeadFailure {
	const code = error.exceptionType;
	const text = error.exceptionMessage;
	const httpCode = undefined;
	if (code === 'MXDuplicateEntryException') {
		const field = duplicateField(text, fields);
		const value = /Duplicate entry '([^']*)'/i.exec(text)?.[1];
		const label = field ? fieldLabel(fields, field) : 'a unique field';
		return {
			code,
			httpCode,
			field,
			message: `Another lead already has this ${label.replace(/"/g, '')}${value ? ` (${value})` : ''}`,
			description:
				field && field !== searchBy
					? `LeadSquared found the lead by ${searchBy}, but ${label} belongs to a different lead. Correct or leave out ${field}, or set "Search By" to ${field} to update that lead instead.`
					: `Check the value of ${label}. LeadSquared said: ${text}`,
		};
	}
	const field = quotedField(text, fields);
	if (code === 'MXInvalidInputException' || code === 'MXMandatoryAttributeMissingException') {
		return {
			code,
			httpCode,
			field,
			message: `LeadSquared rejected the lead: ${text}`,
			description: field
				? `Change the value mapped to ${fieldLabel(fields, field)}, or leave it empty (empty values are left out unless "Clear Empty Fields" is on).`
				: 'Check the mapped values against the lead fields in LeadSquared (schema names; date-times as YYYY-MM-DD HH:MM:SS UTC).',
		};
	}
	return { code, httpCode, field, message: `LeadSquared: ${text || code}`, description: error.description };
}

/** LeadSquared's complaint about a lead + activity post: the activity's own errors, else the lead's. */
export function describeActivityError(
	error: LeadSquaredError,
	leadFields: CrmField[],
	activityFields: CrmField[],
	searchBy: string,
	types: ActivityType[],
): LeadFailure {
	const text = error.exceptionMessage;
	if (/ActivityEvent/i.test(text) && /invalid|no activity type/i.test(text)) {
		return {
			code: error.exceptionType,
			field: 'activityEvent',
			message: `LeadSquared does not know this activity type: ${text}`,
			description: `Choose one of the account's activity types: ${listActivityTypes(types)}.`,
		};
	}
	const activityField = quotedField(text, activityFields);
	if (activityField || /activity|ActivityDateTime/i.test(text)) {
		return {
			code: error.exceptionType,
			field: activityField ?? (/ActivityDateTime/i.test(text) ? 'activityDateTime' : undefined),
			message: `LeadSquared rejected the activity: ${text}`,
			description: activityField
				? `Change the value mapped to the activity field ${fieldLabel(activityFields, activityField)}.`
				: 'Check the activity fields, and that dates are UTC in the form YYYY-MM-DD HH:MM:SS.',
		};
	}
	return describeLeadError(error, leadFields, searchBy);
}

/** Call-level failures that outlasted the retries (network, refusals, server errors). */
export function describeCallError(error: unknown): LeadFailure {
	const lsq = findCause(error, LeadSquaredError);
	if (lsq) return { code: lsq.exceptionType, httpCode: lsq.httpCode, message: lsq.message, description: lsq.description };
	const transient = findCause(error, TransientCallError);
	if (transient) {
		return {
			message: transient.message,
			description: /limit/i.test(transient.message)
				? 'Other tools may share this account\'s API quota: set the credential\'s "API Calls per Window" to your plan\'s limit, or run fewer workflows at once.'
				: 'LeadSquared kept failing: try again later; the node already retried.',
		};
	}
	const info = inspectHttpError(error);
	if (info.status) return { httpCode: String(info.status), message: `LeadSquared answered HTTP ${info.status}` };
	return {
		message: `LeadSquared could not be reached: ${info.networkCode ?? info.message}`,
		description: 'Check the network path to the LeadSquared host and try again; the node already retried.',
	};
}
