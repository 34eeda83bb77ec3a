import { FatalCallError, findCause, inspectHttpError } from '../../shared/engine/errors';
import type { LeadFailure } from '../../shared/engine/types';
import { keyRefusal } from '../../../credentials/Act365LeadUpsertApi.credentials';
import type { Act365Surface } from '../transport';
import type { ContactFields } from './fields';

/** ASP.NET's error object; only `message` (and for 401 `messageDetail`) is meant for people. */
interface Act365ErrorBody {
	message?: string;
	messageDetail?: string;
	exceptionMessage?: string;
	code?: number | string;
}

const WEB_API_FORBIDDEN: Record<string, string> = {
	'4030': 'This Act! version does not work with this Web API version: update Act! or ask your Act! administrator which Web API URL matches it.',
	'4031': 'The Act! subscription does not include the Web API: ask your Act! administrator or Act! support to enable it.',
	'4032': 'This Act! user may not use the Web API: in Act!, give the user Web API permission (Tools → Manage Users), or use a user that has it.',
};

function bodyOf(info: { body?: unknown }): Act365ErrorBody {
	if (info.body && typeof info.body === 'object') return info.body as Act365ErrorBody;
	if (typeof info.body === 'string') {
		try {
			const parsed = JSON.parse(info.body) as unknown;
			if (parsed && typeof parsed === 'object') return parsed as Act365ErrorBody;
		} catch {
			// A plain-text answer (IIS error pages): use it as the message.
		}
		return { message: info.body };
	}
	return {};
}

/**
 * The words Act! chose, never its stack trace. Not cut here: an answer can echo the request's
 * keys, and the engine masks them before it cuts the message to length.
 */
function actMessage(body: Act365ErrorBody): string {
	return String(body.exceptionMessage ?? body.message ?? '');
}

/** Call-level failures (after n8n's own re-authorization and our retries), in words that name the fix. */
export function describeCallError(surface: Act365Surface) {
	return (error: unknown): LeadFailure => {
		const info = inspectHttpError(error);
		const body = bodyOf(info);
		const httpCode = info.status ? String(info.status) : undefined;
		const product = surface.product;
		if (info.status === 401) {
			if (surface.mode === 'apiKeys') {
				const refusal = keyRefusal(body);
				return { httpCode, message: refusal.message, description: refusal.description };
			}
			return {
				httpCode,
				message: 'The Act! Web API refused the token even after signing in again',
				description: 'Check the credential\'s database name and that the user still has Web API permission, then test the credential.',
			};
		}
		if (info.status === 403) {
			const code = String(body.code ?? '');
			return {
				httpCode,
				code: code || undefined,
				message: `${product} refused access${code ? ` (${code})` : ''}: ${actMessage(body) || 'forbidden'}`,
				description: WEB_API_FORBIDDEN[code] ?? 'The signed-in user lacks a permission this call needs; ask your Act! administrator.',
			};
		}
		if (info.status === 429) {
			return {
				httpCode,
				message: `${product} kept refusing calls: the account's rate limit is spent`,
				description: 'Set "Rate Limit (Calls)" in the credential to what your Act! plan allows, or lower "Max Parallel Calls"; the node then paces itself before Act! has to refuse.',
			};
		}
		if (info.status === 404) {
			return {
				httpCode,
				message: `${product} answered 404 Not Found: ${actMessage(body) || 'no such path'}`,
				description:
					surface.mode === 'apiKeys'
						? 'Check the credential\'s base URL ends in /act/api (e.g. https://mycloud.act.com/act/api).'
						: 'Check the credential\'s Web API URL ends in /act.web.api.',
			};
		}
		if (info.status) {
			return {
				httpCode,
				message: `${product} answered HTTP ${info.status}: ${actMessage(body) || 'no message'}`,
				description: info.status >= 500 ? 'Act! had a server error and the node already retried; run the items again later.' : undefined,
			};
		}
		return {
			message: `${product} could not be reached: ${info.networkCode ?? info.message}`,
			description: 'Check the network path to the Act! host in the credential and try again; the node already retried.',
		};
	};
}

/** True for answers about this one record (a value Act! refused), not about the call or the account. */
export function isRecordRefusal(error: unknown): boolean {
	const status = inspectHttpError(error).status;
	return status === 400 || status === 404 || status === 409 || status === 422;
}

/** Act!'s complaint about one contact, naming the mapped field when Act! names one. */
export function describeRecordRefusal(error: unknown, fields: ContactFields, product: string): LeadFailure {
	const info = inspectHttpError(error);
	const message = actMessage(bodyOf(info)) || `HTTP ${info.status}`;
	const quoted = /'([^']+)'/.exec(message)?.[1];
	const field = quoted
		? fields.fields.find(
				(candidate) =>
					candidate.id.toLowerCase() === quoted.toLowerCase() || fields.custom.get(candidate.id)?.toLowerCase() === quoted.toLowerCase(),
			)
		: undefined;
	return {
		httpCode: info.status ? String(info.status) : undefined,
		field: field?.id,
		message: `${product} refused this contact: ${message}`,
		description: field
			? `Change the value mapped to "${field.displayName}" (${field.id})${field.type !== 'string' ? ` to a valid ${field.type}` : ''}, or leave it empty.`
			: 'Check the mapped values against the contact fields in Act!.',
	};
}

/** Any failure, ours (a refused key named by the credential) or Act!'s, for every item it stops. */
export function describeFailure(surface: Act365Surface) {
	const describe = describeCallError(surface);
	return (error: unknown): LeadFailure => {
		const fatal = findCause(error, FatalCallError);
		return fatal ? { message: fatal.message, description: fatal.description, httpCode: fatal.httpCode } : describe(error);
	};
}
