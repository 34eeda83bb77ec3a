import { randomBytes } from 'node:crypto';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { Act365Sandbox } from '../../sandbox/act365/Act365Sandbox';
import { ActOnSandbox } from '../../sandbox/acton/ActOnSandbox';
import type { Sandbox } from '../../sandbox/framework';
import { LeadSquaredSandbox } from '../../sandbox/leadsquared/LeadSquaredSandbox';
import { ZohoSandbox } from '../../sandbox/zoho/ZohoSandbox';
import { forgetProcessState } from '../acton/setup';
import { CredentialStore, runNode, testCredential, type NodeRun, type OnError } from '../harness';
import { captureLogs, findLeaks, serialise } from './scan';

/**
 * Canary secrets in every credential field of all four credentials; each sandbox echoes the
 * request (URL, headers, body) inside long error messages, with the echo placed where a cut
 * would split a secret. Nothing the node hands on, stores in the execution or logs may carry
 * any form of a canary, nor of a token the credential holds.
 */

/**
 * Long, random and with the characters URL and base64 encodings change. Nothing but the field's
 * initial is readable, so no part of a canary matches ordinary words such as header names.
 */
const canary = (name: string) => `${name.charAt(0).toUpperCase()}${randomBytes(12).toString('base64')}+/=${randomBytes(8).toString('hex')}`;

interface Target {
	name: string;
	sandbox: Sandbox;
	store: CredentialStore;
	credentialType: string;
	credentialId: string;
	nodeType: string;
	parameters: INodeParameters;
	items: IDataObject[];
	/** The endpoint that writes leads, echoed alone so the credential's token is in play. */
	writeEndpoint: string;
	canaries: string[];
}

const lead = (n: number, key: string) => ({ [key]: `canary${n}@example.org`, LastName: `Surname${n}` });

async function zoho(): Promise<Target> {
	const secrets = { clientId: canary('zoho-clientId'), clientSecret: canary('zoho-clientSecret'), refreshToken: canary('zoho-refreshToken') };
	const sandbox = new ZohoSandbox(secrets);
	await sandbox.listen();
	const store = new CredentialStore();
	const credential = store.add('zohoCrmLeadUpsertApi', { dataCenter: 'custom', customAccountsUrl: sandbox.baseUrl, ...secrets, accessToken: '', apiDomain: '' });
	return {
		name: 'Zoho CRM',
		sandbox,
		store,
		credentialType: 'zohoCrmLeadUpsertApi',
		credentialId: credential.id,
		nodeType: 'zohoCrmLeadUpsert',
		parameters: { operation: 'upsert', module: 'Leads', columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['Email'], schema: [] }, options: { maxRetries: 0 } },
		items: [1, 2].map((n) => ({ Email: `canary${n}@example.org`, Last_Name: `Surname${n}` })),
		writeEndpoint: 'upsert',
		canaries: Object.values(secrets),
	};
}

async function leadSquared(): Promise<Target> {
	const secrets = { accessKey: canary('lsq-accessKey'), secretKey: canary('lsq-secretKey') };
	const sandbox = new LeadSquaredSandbox({ ...secrets, limit: 1000, bulkLimit: 1000, windowMs: 1000, bulkWindowMs: 1000 });
	await sandbox.listen();
	const store = new CredentialStore();
	const credential = store.add(
		'leadSquaredLeadUpsertApi',
		{ region: 'custom', customBaseUrl: sandbox.hostUrl(), ...secrets, callsPerWindow: 1000, bulkCallsPerWindow: 1000, rateLimitWindowSeconds: 1 },
		`lsq-canary-${randomBytes(4).toString('hex')}`,
	);
	return {
		name: 'LeadSquared',
		sandbox,
		store,
		credentialType: 'leadSquaredLeadUpsertApi',
		credentialId: credential.id,
		nodeType: 'leadSquaredLeadUpsert',
		parameters: { operation: 'upsert', columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['EmailAddress'], schema: [] }, options: { maxRetries: 0, apiMode: 'single' } },
		items: [1, 2].map((n) => lead(n, 'EmailAddress')),
		writeEndpoint: 'createOrUpdate',
		canaries: Object.values(secrets),
	};
}

async function actOn(): Promise<Target> {
	const secrets = { username: canary('acton-username'), password: canary('acton-password'), clientId: canary('acton-clientId'), clientSecret: canary('acton-clientSecret') };
	const sandbox = new ActOnSandbox(secrets);
	await sandbox.listen(0);
	const store = new CredentialStore();
	const credential = store.add(
		'actOnLeadUpsertApi',
		{ host: 'custom', customBaseUrl: sandbox.baseUrl, ...secrets, callsPerSecond: 5, accessToken: '', refreshToken: '', tokenExpiresAt: '' },
		`acton-canary-${randomBytes(4).toString('hex')}`,
	);
	return {
		name: 'Act-On',
		sandbox,
		store,
		credentialType: 'actOnLeadUpsertApi',
		credentialId: credential.id,
		nodeType: 'actOnLeadUpsert',
		parameters: {
			operation: 'upsert',
			list: { __rl: true, mode: 'list', value: 'l-0001' },
			columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['E-mail Address'], schema: [] },
			options: { maxRetries: 0 },
		},
		items: [1, 2].map((n) => ({ 'E-mail Address': `canary${n}@example.org`, 'Last Name': `Surname${n}` })),
		writeEndpoint: 'upsertRecord',
		// The user name is planted too, but errors name it on purpose ("…the password of ada@…"); its Basic pairing with the password is scanned through the password.
		canaries: [secrets.password, secrets.clientId, secrets.clientSecret],
	};
}

async function act365(mode: 'apiKeys' | 'webApi'): Promise<Target> {
	const secrets = {
		apiKey: canary('act365-apiKey'),
		developerKey: canary('act365-developerKey'),
		webApiUser: canary('act365-username'),
		webApiPassword: canary('act365-password'),
		databaseName: 'NorthwindLabs',
	};
	const sandbox = new Act365Sandbox(secrets);
	await sandbox.listen();
	const store = new CredentialStore();
	const credential = store.add(
		'act365LeadUpsertApi',
		{
			authentication: mode,
			host: 'custom',
			baseUrl: `${sandbox.baseUrl}/act/api`,
			webApiHost: 'custom',
			webApiUrl: `${sandbox.baseUrl}/act.web.api`,
			apiKey: secrets.apiKey,
			developerApiKey: secrets.developerKey,
			username: secrets.webApiUser,
			password: secrets.webApiPassword,
			databaseName: secrets.databaseName,
			accessToken: '',
		} as never,
		`act365-canary-${randomBytes(4).toString('hex')}`,
	);
	return {
		name: `Act! 365 (${mode})`,
		sandbox,
		store,
		credentialType: 'act365LeadUpsertApi',
		credentialId: credential.id,
		nodeType: 'act365ContactUpsert',
		parameters: {
			operation: 'upsert',
			columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['emailAddress'], schema: [], attemptToConvertTypes: false, convertFieldsToString: false },
			options: { maxRetries: 0 },
		},
		items: [1, 2].map((n) => ({ emailAddress: `canary${n}@example.org`, lastName: `Surname${n}` })),
		writeEndpoint: 'createContact',
		// The user name is planted but, as for Act-On, not a secret: errors may name the user.
		canaries: [secrets.apiKey, secrets.developerKey, secrets.webApiPassword],
	};
}

/** Pads that put the echoed secrets before, across and after the places messages are cut (200, 300, 600 characters). */
const PADS = [0, 120, 170, 260, 290, 560, 590];

const targets: Array<[string, () => Promise<Target>]> = [
	['Zoho CRM', zoho],
	['LeadSquared', leadSquared],
	['Act-On', actOn],
	['Act! 365 with API keys', () => act365('apiKeys')],
	['Act! 365 Web API', () => act365('webApi')],
];

describe.each(targets)('%s: no form of a credential secret leaves the node', (_name, start) => {
	let target: Target;

	beforeEach(async () => {
		forgetProcessState();
		target = await start();
	});

	afterEach(async () => {
		await target.sandbox.close();
	});

	const run = async (onError: OnError) =>
		await captureLogs(
			async (): Promise<NodeRun> =>
				await runNode({
					type: target.nodeType,
					store: target.store,
					credentials: { [target.credentialType]: target.credentialId },
					items: target.items,
					onError,
					parameters: target.parameters,
				}),
		);

	const expectNoLeak = (result: NodeRun, logs: string) => {
		const stored = target.store.get(target.credentialId).data;
		// Tokens the credential holds now (fetched during the run) are secrets too.
		const tokens = ['accessToken', 'refreshToken'].map((field) => stored[field]).filter((value): value is string => typeof value === 'string' && value.length >= 12);
		const secrets = [...target.canaries, ...tokens];
		const where: Record<string, string> = {
			outputs: serialise(result.success),
			'error items': serialise(result.errors),
			'workflow error': serialise(result.error ?? null),
			'execution data': serialise(result.run),
			logs,
		};
		const leaks = Object.entries(where).flatMap(([place, text]) => findLeaks(text, secrets).map((leak) => `${place}: ${leak}`));
		expect(leaks).toEqual([]);
	};

	test.each(PADS)('every endpoint echoes the request after %i characters: one error item per lead, no secret', async (pad) => {
		target.sandbox.injectFault({ fault: { kind: 'echo', status: 400, pad }, nth: 1, times: 1000 });
		const { result, logs } = await run('continueErrorOutput');
		expect(result.success.length + result.errors.length).toBe(target.items.length);
		expect(result.errors.length).toBeGreaterThan(0);
		// The sandbox did echo a secret to the node: the test can fail.
		expect(target.sandbox.faults.firedByKind.echo).toBeGreaterThan(0);
		expectNoLeak(result, logs);
	});

	test.each(PADS)('the write call echoes the request, authorization included, after %i characters', async (pad) => {
		target.sandbox.injectFault({ endpoint: target.writeEndpoint, fault: { kind: 'echo', status: 400, pad }, nth: 1, times: 1000 });
		const { result, logs } = await run(pad % 20 === 0 ? 'continueErrorOutput' : 'stopWorkflow');
		expect(target.sandbox.faults.firedByKind.echo).toBeGreaterThan(0);
		if (pad % 20 === 0) expect(result.errors).toHaveLength(target.items.length);
		else expect(result.error).toBeDefined();
		expectNoLeak(result, logs);
	});

	test.each([0, 170, 290])("the credential's Test button, every endpoint echoing after %i characters, shows no secret", async (pad) => {
		target.sandbox.injectFault({ fault: { kind: 'echo', status: 400, pad }, nth: 1, times: 1000 });
		const { result, logs } = await captureLogs(async () => await testCredential(target.store, target.credentialType, { ...target.store.get(target.credentialId).data }));
		expect(result.status).toBe('Error');
		expect(target.sandbox.faults.firedByKind.echo).toBeGreaterThan(0);
		expect([...findLeaks(serialise(result), target.canaries), ...findLeaks(logs, target.canaries)]).toEqual([]);
	});
});
