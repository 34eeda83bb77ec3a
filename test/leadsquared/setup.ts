import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { LEADSQUARED_DEFAULT_KEYS, LeadSquaredSandbox, type LeadSquaredSandboxOptions } from '../../sandbox/leadsquared/LeadSquaredSandbox';
import { CredentialStore, runNode, type OnError } from '../harness';

export const LSQ_CREDENTIAL = 'leadSquaredLeadUpsertApi';
export const LSQ_NODE = 'leadSquaredLeadUpsert';
export const KEYS = LEADSQUARED_DEFAULT_KEYS;

export interface PlanSettings {
	callsPerWindow: number;
	bulkCallsPerWindow: number;
	rateLimitWindowSeconds: number;
}

/** Roomy limits for tests that are not about pacing; pacing tests set their own. */
export const ROOMY: PlanSettings = { callsPerWindow: 1000, bulkCallsPerWindow: 1000, rateLimitWindowSeconds: 1 };

export const autoMap = (searchBy = 'EmailAddress') => ({
	mappingMode: 'autoMapInputData',
	value: null,
	matchingColumns: [searchBy],
	schema: [],
});

/**
 * A LeadSquared emulator (account in api-us11), a credential pointing at it through the custom
 * base URL, and ways to run the node. Every setup has its own credential id, so its pacers are its own.
 */
export async function leadSquaredSetup(
	plan: PlanSettings = ROOMY,
	sandboxOptions: LeadSquaredSandboxOptions = {},
	credentialOverrides: IDataObject = {},
) {
	const sandbox = new LeadSquaredSandbox({
		limit: plan.callsPerWindow,
		bulkLimit: plan.bulkCallsPerWindow,
		windowMs: plan.rateLimitWindowSeconds * 1000,
		bulkWindowMs: plan.rateLimitWindowSeconds * 1000,
		...sandboxOptions,
	});
	await sandbox.listen();
	const store = new CredentialStore();
	const credential = store.add(
		LSQ_CREDENTIAL,
		{
			region: 'custom',
			customBaseUrl: sandbox.hostUrl(),
			accessKey: KEYS.accessKey,
			secretKey: KEYS.secretKey,
			...plan,
			...credentialOverrides,
		},
		`lsq-${Math.random().toString(36).slice(2)}`,
	);
	const run = (operation: string, items: IDataObject[], parameters: Partial<INodeParameters> = {}, onError: OnError = 'continueErrorOutput') =>
		runNode({
			type: LSQ_NODE,
			store,
			credentials: { [LSQ_CREDENTIAL]: credential.id },
			items,
			onError,
			parameters: { operation, ...parameters },
		});
	const upsert = (items: IDataObject[], parameters: Partial<INodeParameters> = {}, onError?: OnError) =>
		run('upsert', items, { columns: autoMap(), options: {}, ...parameters }, onError);
	const upsertWithActivity = (items: IDataObject[], parameters: Partial<INodeParameters> = {}, onError?: OnError) =>
		run(
			'upsertWithActivity',
			items,
			{
				columns: autoMap(),
				activityEvent: 205,
				activityNote: 'Form submitted',
				activityFields: { mappingMode: 'defineBelow', value: { mx_Custom_1: '={{ $json.page }}' }, matchingColumns: [], schema: [] },
				// The items carry the activity's "page" next to the lead fields.
				options: { ignoreUnknownFields: true },
				...parameters,
			},
			onError,
		);
	const get = (items: IDataObject[], parameters: INodeParameters) => run('get', items, parameters);
	return { sandbox, store, credential, run, upsert, upsertWithActivity, get, close: () => sandbox.close() };
}

export type Setup = Awaited<ReturnType<typeof leadSquaredSetup>>;

export function leads(count: number, prefix = 'lead'): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({
		EmailAddress: `${prefix}${i}@example.org`,
		FirstName: `Name${i}`,
		LastName: `Surname${i}`,
		page: `/pricing?v=${i}`,
	}));
}

/** Every secret the credential holds must be absent from what the node hands on and from the URLs it calls. */
export function expectNoSecrets(setup: Setup, outputs: unknown[]): void {
	const text = JSON.stringify(outputs);
	const urls = setup.sandbox.log.map((entry) => entry.url).join('\n');
	for (const secret of [KEYS.accessKey, KEYS.secretKey]) {
		expect(text).not.toContain(secret);
		expect(urls).not.toContain(secret);
	}
	expect(urls).not.toMatch(/[?&](accessKey|secretKey)=/i);
}
