import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ActOnSandbox, type ActOnSandboxOptions } from '../../sandbox/acton/ActOnSandbox';
import { CredentialStore, runNode, type OnError } from '../harness';
import { PACKAGE_ROOT } from '../harness/packageTypes';

export const ACTON_CREDENTIAL = 'actOnLeadUpsertApi';
export const ACTON_NODE = 'actOnLeadUpsert';
export const USER = { username: 'marketing@example.com', password: 'Sandbox-Pass-1' };
export const CLIENT = { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret' };
/** The list with 'E-mail Address', 'First Name', 'Last Name', 'Company', 'Phone', 'Lead Source', 'Product Interest'. */
export const WEB_LEADS = 'l-0001';

/** The compiled engine modules the node loaded: the same instances, so tests can clear process state. */
const dist = (path: string) => require(join(PACKAGE_ROOT, 'dist', path));
export function forgetProcessState(): void {
	(dist('nodes/shared/engine/tokenCache.js') as { forgetTokens(): void }).forgetTokens();
	(dist('nodes/shared/engine/tokenLimit.js') as { forgetTokenLimits(): void }).forgetTokenLimits();
	(dist('nodes/shared/engine/tokenRefresh.js') as { forgetRefusedTokens(): void }).forgetRefusedTokens();
}

export async function startActOn(options: ActOnSandboxOptions = {}): Promise<ActOnSandbox> {
	const sandbox = new ActOnSandbox(options);
	await sandbox.listen(0);
	return sandbox;
}

export function credentialData(sandbox: ActOnSandbox, overrides: IDataObject = {}): IDataObject {
	return {
		host: 'custom',
		customBaseUrl: sandbox.baseUrl,
		...USER,
		...CLIENT,
		callsPerSecond: 5,
		accessToken: '',
		refreshToken: '',
		tokenExpiresAt: '',
		...overrides,
	};
}

export function newCredential(sandbox: ActOnSandbox, overrides: IDataObject = {}) {
	const store = new CredentialStore();
	const credential = store.add(ACTON_CREDENTIAL, credentialData(sandbox, overrides) as never);
	return { store, id: credential.id, stored: credential };
}

export const autoMap = { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['E-mail Address'], schema: [] };

export function defineBelow(value: IDataObject) {
	return { mappingMode: 'defineBelow', value, matchingColumns: ['E-mail Address'], schema: [] };
}

export interface UpsertOptions {
	store: CredentialStore;
	id: string;
	items: IDataObject[];
	listId?: string;
	columns?: IDataObject;
	options?: IDataObject;
	onError?: OnError;
}

export async function upsert(run: UpsertOptions) {
	return await runNode({
		type: ACTON_NODE,
		store: run.store,
		credentials: { [ACTON_CREDENTIAL]: run.id },
		items: run.items,
		onError: run.onError ?? 'continueErrorOutput',
		parameters: {
			operation: 'upsert',
			list: { __rl: true, mode: 'list', value: run.listId ?? WEB_LEADS },
			columns: run.columns ?? autoMap,
			options: run.options ?? {},
		} as INodeParameters,
	});
}

/** Web-form leads keyed the way the Web Leads list names its columns. */
export function leads(count: number, prefix = 'lead'): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({
		'E-mail Address': `${prefix}${i}@example.org`,
		'First Name': `First${i}`,
		'Last Name': `Last${i}`,
		Company: `Company ${i % 17}`,
	}));
}

export const jsonOf = (items: INodeExecutionData[]) => items.map((item) => item.json);
export const pairedIndexes = (items: INodeExecutionData[]) =>
	items.map((item) => (item.pairedItem as { item: number } | undefined)?.item);
