import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ZohoSandbox } from '../../sandbox/zoho/ZohoSandbox';
import { CredentialStore, runNode, type OnError } from '../harness';

export const ZOHO_CREDENTIAL = 'zohoCrmLeadUpsertApi';
export const REFRESH_TOKEN = '1000.sandbox.refresh-token';

/** A credential pointing at the emulator's accounts server, with no token stored yet. */
export function zohoCredentialData(zoho: ZohoSandbox, overrides: Record<string, string> = {}) {
	return {
		dataCenter: 'custom',
		customAccountsUrl: zoho.baseUrl,
		clientId: zoho.clientId,
		clientSecret: zoho.clientSecret,
		refreshToken: REFRESH_TOKEN,
		accessToken: '',
		apiDomain: '',
		...overrides,
	};
}

/** A Zoho emulator, a credential pointing at it, and a way to run the node against both. */
/** The upsert of Leads matched on Email, fields mapped automatically: what most Zoho tests run. */
export function zohoUpsertParameters(options: INodeParameters = {}): INodeParameters {
	return {
		operation: 'upsert',
		module: 'Leads',
		columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['Email'], schema: [] },
		options,
	};
}

export async function zohoSetup() {
	const zoho = new ZohoSandbox({ refreshToken: REFRESH_TOKEN });
	await zoho.listen();
	const store = new CredentialStore();
	const credential = store.add(ZOHO_CREDENTIAL, zohoCredentialData(zoho));
	const upsert = (items: IDataObject[], parameters: Partial<INodeParameters> = {}, onError: OnError = 'continueErrorOutput') =>
		runNode({
			type: 'zohoCrmLeadUpsert',
			store,
			credentials: { [ZOHO_CREDENTIAL]: credential.id },
			items,
			onError,
			parameters: { ...zohoUpsertParameters(), ...parameters },
		});
	const get = (items: IDataObject[], parameters: INodeParameters) =>
		runNode({
			type: 'zohoCrmLeadUpsert',
			store,
			credentials: { [ZOHO_CREDENTIAL]: credential.id },
			items,
			onError: 'continueErrorOutput',
			parameters: { operation: 'get', module: 'Leads', ...parameters },
		});
	return { zoho, store, credential, upsert, get, close: () => zoho.close() };
}

export function leads(count: number, prefix = 'lead'): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({
		Email: `${prefix}${i}@example.org`,
		Last_Name: `Surname${i}`,
		First_Name: `Name${i}`,
		Company: 'Northwind Labs',
	}));
}
