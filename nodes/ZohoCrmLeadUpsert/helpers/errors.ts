import type { LeadFailure } from '../../shared/engine/types';
import type { CrmField } from '../../shared/engine/fields';
import { inspectHttpError } from '../../shared/engine/errors';

export interface ZohoError {
	code?: string;
	message?: string;
	status?: string;
	details?: { api_name?: string; expected_data_type?: string; json_path?: string; duplicate_record?: { id?: string } } & Record<string, unknown>;
}

const label = (fields: CrmField[], apiName: string) => {
	const field = fields.find((candidate) => candidate.id === apiName);
	return field && field.displayName !== apiName ? `"${field.displayName}" (${apiName})` : `"${apiName}"`;
};

/** Zoho's per-record complaint, in words that name the field and the fix. */
export function describeRecordError(error: ZohoError, module: string, fields: CrmField[]): LeadFailure {
	const apiName = error.details?.api_name;
	const code = error.code ?? 'UNKNOWN';
	const base = { code, field: apiName, httpCode: undefined };
	switch (code) {
		case 'MANDATORY_NOT_FOUND':
			return {
				...base,
				message: `Required field ${apiName} is missing`,
				description: `Zoho needs ${label(fields, apiName ?? '')} to create a ${module} record. Map a value to it, or make sure the duplicate-check field finds the existing record.`,
			};
		case 'INVALID_DATA':
			return {
				...base,
				message: `Zoho rejected the value of ${apiName ?? 'a field'}: ${error.message ?? 'invalid data'}${error.details?.expected_data_type ? ` (expected ${error.details.expected_data_type})` : ''}`,
				description: apiName
					? `Send a valid ${error.details?.expected_data_type ?? 'value'} in ${label(fields, apiName)}, or leave it empty (empty values are left out unless "Clear Empty Fields" is on).`
					: 'Check the mapped values against the field types in Zoho.',
			};
		case 'DUPLICATE_DATA':
			return {
				...base,
				message: `Another ${module} record${error.details?.duplicate_record?.id ? ` (${error.details.duplicate_record.id})` : ''} already has this ${apiName}`,
				description: `Add ${label(fields, apiName ?? '')} to "Match On" to update that record instead, or send a different value.`,
			};
		default:
			return { ...base, message: `Zoho CRM: ${code} ${error.message ?? ''}`.trim(), description: error.details ? JSON.stringify(error.details) : undefined };
	}
}

/** Call-level failures (after n8n's own token refresh and our retries). */
export function describeCallError(error: unknown): LeadFailure {
	const info = inspectHttpError(error);
	const body = (info.body ?? {}) as ZohoError;
	const httpCode = info.status ? String(info.status) : undefined;
	switch (body.code) {
		case 'INVALID_TOKEN':
		case 'AUTHENTICATION_FAILURE':
			return {
				httpCode,
				code: body.code,
				message: 'Zoho CRM rejected the access token even after refreshing it',
				description: 'Check the credential\'s data centre matches your Zoho account, then test the credential.',
			};
		case 'OAUTH_SCOPE_MISMATCH':
			return {
				httpCode,
				code: body.code,
				message: 'The Zoho refresh token lacks a scope this node needs',
				description: 'Generate a new grant code with scopes ZohoCRM.modules.ALL,ZohoCRM.settings.fields.READ,ZohoCRM.users.READ and replace the refresh token.',
			};
		case 'TOO_MANY_REQUESTS':
			return {
				httpCode,
				code: body.code,
				message: 'Zoho CRM kept refusing calls: API credits for the day or the concurrency limit are spent',
				description: 'Lower "Max Parallel Calls", or wait for credits to free up (Zoho counts a rolling 24 hours).',
			};
	}
	if (info.status) {
		return {
			httpCode,
			code: body.code,
			message: `Zoho CRM answered HTTP ${info.status}${body.code ? ` ${body.code}` : ''}${body.message ? `: ${body.message}` : ''}`,
			description: body.details ? JSON.stringify(body.details) : undefined,
		};
	}
	return { message: `Zoho CRM could not be reached: ${info.networkCode ?? info.message}`, description: 'Check the network path to Zoho and try again; the node already retried.' };
}
