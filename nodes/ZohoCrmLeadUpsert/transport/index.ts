import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

export const ZOHO_CREDENTIAL = 'zohoCrmLeadUpsertApi';

export interface ZohoResponse<T> {
	statusCode: number;
	body: T;
}

/**
 * One authenticated call. The base URL is the api_domain Zoho gave with the token (set by the
 * credential), so the node never guesses the data centre.
 */
export async function zohoApiRequest<T = IDataObject>(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject; timeout?: number } = {},
): Promise<ZohoResponse<T>> {
	const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, ZOHO_CREDENTIAL, {
		method,
		url: path,
		body: options.body,
		qs: options.qs,
		json: true,
		returnFullResponse: true,
		timeout: options.timeout ?? 30000,
	})) as { statusCode: number; body: T | string };
	// Zoho answers "nothing found" with 204 and an empty body.
	const body = (response.body === '' || response.body === undefined ? {} : response.body) as T;
	return { statusCode: response.statusCode, body };
}
