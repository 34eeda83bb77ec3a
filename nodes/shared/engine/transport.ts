import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

import { requestWithSharedToken } from './tokenRefresh';

export interface CrmResponse<T> {
	statusCode: number;
	body: T;
	headers: Record<string, string>;
}

export interface CrmRequestOptions {
	body?: IDataObject;
	qs?: IDataObject;
	timeout?: number;
}

export function lowerCaseHeaders(raw: Record<string, unknown> | undefined): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(raw ?? {})) headers[key.toLowerCase()] = String(value);
	return headers;
}

/**
 * One call through n8n's authenticated request helper: the credential sets the host and the
 * authorization; tokens are renewed before they expire, and after a 401, by one process for all
 * (tokenRefresh.ts). Non-2xx answers throw.
 */
export async function crmRequest<T = IDataObject>(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	credentialType: string,
	method: IHttpRequestMethods,
	url: string,
	options: CrmRequestOptions = {},
): Promise<CrmResponse<T>> {
	const response = (await requestWithSharedToken(ctx, credentialType, {
		method,
		url,
		body: options.body,
		qs: options.qs,
		json: true,
		returnFullResponse: true,
		timeout: options.timeout ?? 30000,
	})) as { statusCode: number; body: T | string; headers?: Record<string, unknown> };
	// "Nothing found" answers (204) come with an empty body.
	const body = (response.body === '' || response.body === undefined ? {} : response.body) as T;
	return { statusCode: response.statusCode, body, headers: lowerCaseHeaders(response.headers) };
}
