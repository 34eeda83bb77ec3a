import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

import { getPacer, type Pacer } from '../../shared/engine/pacing';
import { accountKey, ACTON_CREDENTIAL, callsPerSecond } from '../helpers/account';

export interface ActOnResponse<T> {
	statusCode: number;
	body: T;
}

/**
 * One authenticated call. The credential supplies the host and the Bearer token, and refreshes
 * the token when Act-On answers 401.
 */
export async function actOnApiRequest<T = IDataObject>(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject; timeout?: number } = {},
): Promise<ActOnResponse<T>> {
	const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, ACTON_CREDENTIAL, {
		method,
		url: path,
		body: options.body,
		qs: options.qs,
		json: true,
		returnFullResponse: true,
		timeout: options.timeout ?? 30000,
	})) as { statusCode: number; body: T | string };
	const body = (response.body === '' || response.body === undefined ? {} : response.body) as T;
	return { statusCode: response.statusCode, body };
}

/**
 * The account's pacer: Act-On allows a few calls per second per account, so every execution
 * and editor look-up with the same user shares one.
 */
export async function accountPacer(ctx: IExecuteFunctions | ILoadOptionsFunctions, concurrency?: number): Promise<Pacer> {
	const credentials = await ctx.getCredentials(ACTON_CREDENTIAL);
	return getPacer({ key: accountKey(credentials), limit: callsPerSecond(credentials), windowMs: 1000, concurrency });
}
