import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

import { crmRequest, type CrmRequestOptions, type CrmResponse } from '../../shared/engine/transport';

export const ZOHO_CREDENTIAL = 'zohoCrmLeadUpsertApi';

/**
 * One authenticated call. The base URL is the api_domain Zoho gave with the token (set by the
 * credential), so the node never guesses the data centre.
 */
export async function zohoApiRequest<T = IDataObject>(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: CrmRequestOptions = {},
): Promise<CrmResponse<T>> {
	return await crmRequest<T>(ctx, ZOHO_CREDENTIAL, method, path, options);
}
