import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

import { getPacer, type Pacer } from '../../shared/engine/pacing';
import { sharingWorkers } from '../../shared/engine/sharedQuota';
import { crmRequest, type CrmRequestOptions, type CrmResponse } from '../../shared/engine/transport';
import { accountKey, ACTON_CREDENTIAL, callsPerSecond } from '../helpers/account';

/**
 * One authenticated call. The credential supplies the host and the Bearer token, and refreshes
 * the token when Act-On answers 401.
 */
export async function actOnApiRequest<T = IDataObject>(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: CrmRequestOptions = {},
): Promise<CrmResponse<T>> {
	return await crmRequest<T>(ctx, ACTON_CREDENTIAL, method, path, options);
}

/**
 * The account's pacer: Act-On allows a few calls per second per account, so every execution
 * and editor look-up with the same user shares one.
 */
export async function accountPacer(ctx: IExecuteFunctions | ILoadOptionsFunctions, concurrency?: number): Promise<Pacer> {
	const credentials = await ctx.getCredentials(ACTON_CREDENTIAL);
	return getPacer({ key: accountKey(credentials), limit: callsPerSecond(credentials), windowMs: 1000, concurrency, sharedBy: sharingWorkers(credentials) });
}
