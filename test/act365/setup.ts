import type { IDataObject, INodeParameters, ResourceMapperValue } from 'n8n-workflow';

import { Act365Sandbox, type Act365SandboxOptions } from '../../sandbox/act365/Act365Sandbox';
import { CredentialStore, runNode, type OnError } from '../harness';

export const ACT365_CREDENTIAL = 'act365LeadUpsertApi';
export const NODE_TYPE = 'act365ContactUpsert';
export const API_KEY = 'api-key-7f3c9a51e2d84b06';
export const DEVELOPER_KEY = 'dev-key-0c4be19a77d2f358';
export const WEB_USER = 'Ada Okafor';
export const WEB_PASSWORD = 'web-password-5d1e8c';
export const DATABASE = 'NorthwindLabs';

let credentialSerial = 0;

/** Columns parameter of the resource mapper. */
export function columns(value: Record<string, string> | null = null, matchingColumns = ['emailAddress']): ResourceMapperValue {
	return value === null
		? { mappingMode: 'autoMapInputData', value: null, matchingColumns, schema: [], attemptToConvertTypes: false, convertFieldsToString: false }
		: { mappingMode: 'defineBelow', value, matchingColumns, schema: [], attemptToConvertTypes: false, convertFieldsToString: false };
}

/**
 * An Act! emulator, a credential pointing at it, and a way to run the node against both. Every
 * credential gets its own id, so pacers, field caches and tokens never leak between tests.
 */
export async function act365Setup(options: Act365SandboxOptions = {}, credentialOverrides: IDataObject = {}) {
	const act = new Act365Sandbox({ apiKey: API_KEY, developerKey: DEVELOPER_KEY, webApiUser: WEB_USER, webApiPassword: WEB_PASSWORD, databaseName: DATABASE, ...options });
	await act.listen();
	const store = new CredentialStore();
	const addCredential = (data: IDataObject = {}) =>
		store.add(
			ACT365_CREDENTIAL,
			{
				authentication: 'apiKeys',
				host: 'custom',
				baseUrl: `${act.baseUrl}/act/api`,
				apiKey: API_KEY,
				developerApiKey: DEVELOPER_KEY,
				accessToken: '',
				...credentialOverrides,
				...data,
			} as never,
			`act365-credential-${process.pid}-${++credentialSerial}`,
		);
	const webApiCredential = (data: IDataObject = {}) =>
		addCredential({
			authentication: 'webApi',
			webApiHost: 'custom',
			webApiUrl: `${act.baseUrl}/act.web.api`,
			username: WEB_USER,
			password: WEB_PASSWORD,
			databaseName: DATABASE,
			...data,
		});
	const credential = addCredential();

	const upsert = (
		items: IDataObject[],
		parameters: Partial<INodeParameters> = {},
		settings: { onError?: OnError; credentialId?: string } = {},
	) =>
		runNode({
			type: NODE_TYPE,
			store,
			credentials: { [ACT365_CREDENTIAL]: settings.credentialId ?? credential.id },
			items,
			onError: settings.onError ?? 'continueErrorOutput',
			parameters: { operation: 'upsert', columns: columns(), options: {}, ...parameters } as INodeParameters,
		});
	const get = (items: IDataObject[], parameters: INodeParameters, credentialId = credential.id) =>
		runNode({
			type: NODE_TYPE,
			store,
			credentials: { [ACT365_CREDENTIAL]: credentialId },
			items,
			onError: 'continueErrorOutput',
			parameters: { operation: 'get', ...parameters },
		});
	return { act, store, credential, addCredential, webApiCredential, upsert, get, close: () => act.close() };
}

export function leads(count: number, prefix = 'lead', start = 0): IDataObject[] {
	return Array.from({ length: count }, (_, n) => {
		const i = start + n;
		return { emailAddress: `${prefix}${i}@example.org`, firstName: `Name${i}`, lastName: `Surname${i}`, company: 'Northwind Labs' };
	});
}

/** Every string the node put on either output, for secret checks. */
export function everything(run: { success: unknown[]; errors: unknown[]; error?: unknown }): string {
	const error = run.error as (Error & { description?: string }) | undefined;
	return JSON.stringify([run.success, run.errors, error?.message, error?.description]);
}
