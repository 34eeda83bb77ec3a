import { NodeApiError, type IDataObject, type IExecuteFunctions, type IHttpRequestMethods, type ILoadOptionsFunctions, type JsonObject } from 'n8n-workflow';

import { authMode, type Act365AuthMode } from '../../../credentials/Act365LeadUpsertApi.credentials';
import type { Pacer } from '../../shared/engine/pacing';
import { crmRequest, lowerCaseHeaders, type CrmResponse } from '../../shared/engine/transport';

export const ACT365_CREDENTIAL = 'act365LeadUpsertApi';

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** Where a credential's calls go: Act! 365 and the Act! Premium Web API name their paths differently. */
export interface Act365Surface {
	mode: Act365AuthMode;
	/** Product name for messages and output items. */
	product: string;
	contactsPath: string;
}

export async function act365Surface(ctx: Context): Promise<Act365Surface> {
	const credentials = await ctx.getCredentials(ACT365_CREDENTIAL);
	return authMode(credentials) === 'webApi'
		? { mode: 'webApi', product: 'Act! Premium', contactsPath: '/api/contacts' }
		: { mode: 'apiKeys', product: 'Act! 365', contactsPath: '/Contacts' };
}

/**
 * Encodes a query value exactly as it goes on the wire: the URL parser also escapes the quote,
 * so look-ups can measure the real length against the server's limit.
 */
export function encodeQueryValue(value: string): string {
	return encodeURIComponent(value).replace(/'/g, '%27');
}

export type Act365Response<T> = CrmResponse<T>;

export interface Act365RequestOptions {
	body?: IDataObject;
	/** Already encoded (`$filter=...&$top=...`): look-ups measure its exact length against the server's limit. */
	query?: string;
	timeout?: number;
	/** Every call that counts toward the account's limit goes through the credential's pacer. */
	pacer?: Pacer;
	/** Runs once the pacer lets the call go, right before it is sent; may throw to skip it. */
	beforeSend?(): void;
	/** Sees the rate-limit headers of every answer, errors included. */
	onHeaders?(headers: Record<string, string>): void;
}

/** One authenticated call; the credential sets the base URL and the authorization. */
export async function act365ApiRequest<T = IDataObject>(
	ctx: Context,
	method: IHttpRequestMethods,
	path: string,
	options: Act365RequestOptions = {},
): Promise<Act365Response<T>> {
	const call = async () => {
		options.beforeSend?.();
		try {
			const url = options.query ? `${path}?${options.query}` : path;
			const response = await crmRequest<T>(ctx, ACT365_CREDENTIAL, method, url, { body: options.body, timeout: options.timeout });
			options.onHeaders?.(response.headers);
			return response;
		} catch (error) {
			const response = (error as { cause?: { response?: { headers?: Record<string, unknown> } } }).cause?.response;
			if (response?.headers) options.onHeaders?.(lowerCaseHeaders(response.headers));
			// Already a NodeApiError from n8n (re-wrapping hands it back), with the answer as its cause.
			throw new NodeApiError(ctx.getNode(), error as JsonObject);
		}
	};
	if (!options.pacer) return await call();
	return await options.pacer.run(call, (await credentialChecksFirst(ctx)) ? 2 : 1);
}

const credentialsSeenReady = new WeakSet<object>();

/**
 * A credential with no stored token checks its keys (or signs in) with a request of its own
 * inside the next call: the CRM counts that request too, so the call takes two slots.
 */
async function credentialChecksFirst(ctx: Context): Promise<boolean> {
	if (credentialsSeenReady.has(ctx)) return false;
	if ((await ctx.getCredentials(ACT365_CREDENTIAL)).accessToken) {
		credentialsSeenReady.add(ctx);
		return false;
	}
	return true;
}
