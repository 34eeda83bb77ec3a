import { inspectHttpError } from '../../shared/engine/errors';
import type { LeadFailure } from '../../shared/engine/types';
import type { ActOnListColumns } from './lists';

/** Act-On's application error envelope; errorCode is a number or a numeric string. */
export interface ActOnErrorBody {
	errorCode?: number | string;
	message?: string;
	error?: string;
	error_description?: string;
}

const columnList = (columns?: ActOnListColumns) => (columns ? columns.headings.map((heading) => `"${heading}"`).join(', ') : '');

/** Whether a refusal is the daily request quota (retrying the same day cannot help). */
export function isDailyQuotaRefusal(error: unknown): boolean {
	const info = inspectHttpError(error);
	const body = (info.body ?? {}) as ActOnErrorBody;
	return info.status === 429 && /daily|per day|quota/i.test(String(body.message ?? body.error_description ?? ''));
}

/**
 * Answers about one record (bad column, bad e-mail, unknown list) in words that name the field
 * and the fix; undefined for call-level failures the engine retries or reports.
 */
export function describeRecordError(error: unknown, columns?: ActOnListColumns): LeadFailure | undefined {
	const info = inspectHttpError(error);
	if (info.status === undefined || info.status >= 500 || info.status === 401 || info.status === 408 || info.status === 429) return undefined;
	const body = (info.body ?? {}) as ActOnErrorBody;
	const code = body.errorCode === undefined ? undefined : String(body.errorCode);
	const base = { code, httpCode: String(info.status) };
	switch (code) {
		case '10010':
			return {
				...base,
				message: 'Act-On says a mapped column is not in the list (Invalid Column Specified)',
				description: `The list's columns are: ${columnList(columns)}. Refresh the field list in "Fields" and map only those.`,
			};
		case '10004':
			return {
				...base,
				message: `Act-On has no contact list "${columns?.listId ?? ''}" (Invalid or missing list)`,
				description: 'Pick the list again in "List": it may have been deleted or belong to another account.',
			};
		case '10012':
		case '10013':
			return {
				...base,
				field: columns?.emailHeading,
				message: `Act-On rejected the e-mail address: ${body.message ?? 'invalid e-mail'}`,
				description: `Map a valid address such as ada@example.org to "${columns?.emailHeading ?? 'the e-mail column'}".`,
			};
	}
	return {
		...base,
		message: `Act-On answered HTTP ${info.status}${code ? ` (error ${code})` : ''}: ${body.message ?? body.error_description ?? body.error ?? 'request refused'}`,
		description: 'Check the mapped values against the list in Act-On.',
	};
}

/** Call-level failures, after n8n's own token refresh and the node's retries. */
export function describeCallError(error: unknown): LeadFailure {
	const info = inspectHttpError(error);
	const body = (info.body ?? {}) as ActOnErrorBody;
	const httpCode = info.status ? String(info.status) : undefined;
	const text = String(body.message ?? body.error_description ?? body.error ?? '');
	if (info.status === 401) {
		return {
			httpCode,
			code: body.error,
			message: 'Act-On rejected the access token even after getting a new one',
			description: 'Test the credential; check the API host is the one your Act-On account uses (api or api-eu).',
		};
	}
	if (/PUBLIC_API_FEATURE_NOT_ENABLED/.test(`${String(body.errorCode ?? '')} ${text}`)) {
		return {
			httpCode,
			code: 'PUBLIC_API_FEATURE_NOT_ENABLED',
			message: 'API access is not enabled on this Act-On account',
			description: 'Ask Act-On support or your account manager to enable the REST API for the account.',
		};
	}
	if (isDailyQuotaRefusal(error)) {
		return {
			httpCode,
			code: body.errorCode === undefined ? undefined : String(body.errorCode),
			message: `Act-On's daily request quota for this account is spent: ${text}`,
			description: 'Act-On counts requests per day (30,000, or 1,000 on some production plans). Run the remaining items tomorrow, or ask Act-On for a larger quota.',
		};
	}
	if (info.status === 429) {
		return {
			httpCode,
			message: `Act-On kept refusing calls for the per-second limit: ${text || 'too many requests'}`,
			description: 'Another tool may be using the same Act-On account. Lower "Calls per Second" in the credential, or "Max Parallel Calls".',
		};
	}
	if (info.status) {
		return {
			httpCode,
			code: body.errorCode === undefined ? undefined : String(body.errorCode),
			message: `Act-On answered HTTP ${info.status}${text ? `: ${text}` : ''}`,
		};
	}
	return {
		message: `Act-On could not be reached: ${info.networkCode ?? info.message}`,
		description: 'Check the network path to Act-On and try again; the node already retried.',
	};
}
