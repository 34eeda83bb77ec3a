import { join } from 'node:path';

import type { INodePropertyOptions, ResourceMapperFields } from 'n8n-workflow';

import { callNodeMethod, CredentialStore, packageTypes, testCredential } from '../harness';
import { PACKAGE_ROOT } from '../harness/packageTypes';
import { autoMap, expectNoSecrets, KEYS, leads, leadSquaredSetup, LSQ_CREDENTIAL, LSQ_NODE, type Setup } from './setup';

let setup: Setup;
beforeEach(async () => {
	setup = await leadSquaredSetup();
});
afterEach(async () => {
	await setup.close();
});

const credentialData = (overrides: Record<string, unknown> = {}) => ({
	region: 'custom',
	customBaseUrl: setup.sandbox.hostUrl(),
	accessKey: KEYS.accessKey,
	secretKey: KEYS.secretKey,
	callsPerWindow: 100,
	bulkCallsPerWindow: 10,
	rateLimitWindowSeconds: 1,
	...overrides,
});

describe('LeadSquared credential', () => {
	test('the test block passes with the right keys, through UserByAccessKey, keys in headers only', async () => {
		const result = await testCredential(new CredentialStore(), LSQ_CREDENTIAL, credentialData());
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(setup.sandbox.countOf('userByAccessKey')).toBe(1);
		const [entry] = setup.sandbox.log;
		expect(entry.headerNames).toEqual(expect.arrayContaining(['x-lsq-accesskey', 'x-lsq-secretkey']));
		expectNoSecrets(setup, [result]);
	});

	test('wrong keys fail the test with a message that says to check the keys and the region', async () => {
		const result = await testCredential(new CredentialStore(), LSQ_CREDENTIAL, credentialData({ secretKey: 'wrong-secret-key' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/access key or secret key \(401\)/);
		expect(result.message).toMatch(/Region matches the API host/);
		expect(result.message).not.toContain('wrong-secret-key');
		// n8n's credential tester may repeat the request once; every try was refused.
		expect(setup.sandbox.refusals.auth).toBe(setup.sandbox.countOf('userByAccessKey'));
	});

	test('offers every documented region host plus a custom base URL, and builds https://<host> from it', () => {
		const credential = packageTypes.credentials.get(LSQ_CREDENTIAL)!;
		const region = credential.properties.find((property) => property.name === 'region')!;
		const values = (region.options as INodePropertyOptions[]).map((option) => option.value);
		expect(values).toEqual(['api', 'api-us11', 'api-in21', 'api-in22', 'api-ir31', 'api-ca12', 'api-me61', 'custom']);
		const { leadSquaredBaseUrl } = require(join(PACKAGE_ROOT, 'dist/nodes/LeadSquaredLeadUpsert/transport/regions.js'));
		expect(leadSquaredBaseUrl({ region: 'api-in21' })).toBe('https://api-in21.leadsquared.com');
		expect(leadSquaredBaseUrl({ region: 'api' })).toBe('https://api.leadsquared.com');
		expect(leadSquaredBaseUrl({ region: 'custom', customBaseUrl: 'https://proxy.example.org/lsq/' })).toBe('https://proxy.example.org/lsq');
	});
});

describe('LeadSquared node: keys and region', () => {
	test('wrong keys: every item fails with what to check, after one refused call and one check', async () => {
		setup.store.get(setup.credential.id).data.secretKey = 'wrong-secret-key';
		const { success, errors } = await setup.upsert(leads(5));
		expect(success).toHaveLength(0);
		expect(errors).toHaveLength(5);
		expect(errors[0].json.error).toBe('LeadSquared rejected the access key or secret key (401)');
		const fix = String((errors[0].json.details as { fix: string }).fix);
		expect(fix).toContain('My Account › Settings › API and Webhooks');
		expect(fix).toContain('Region');
		expect(errors.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		// No call per lead: the metadata call was refused and UserByAccessKey confirmed the keys are wrong.
		expect(setup.sandbox.totalCalls()).toBe(2);
		expect(setup.sandbox.countOf('userByAccessKey')).toBe(1);
		expectNoSecrets(setup, [success, errors]);
		expect(JSON.stringify(errors)).not.toContain('wrong-secret-key');
	});

	test('right keys on another region\'s host: the error names the host the account lives on', async () => {
		setup.store.get(setup.credential.id).data.customBaseUrl = setup.sandbox.hostUrl('api-in21');
		const { success, errors } = await setup.upsert(leads(2));
		expect(success).toHaveLength(0);
		expect(errors).toHaveLength(2);
		expect(errors[0].json.error).toContain('these keys belong to an account on api-us11.leadsquared.com');
		expect(String((errors[0].json.details as { fix: string }).fix)).toContain('United States (api-us11.leadsquared.com)');
		expect(setup.sandbox.refusals.wrongRegion).toBe(1);
		expect(setup.sandbox.leads()).toHaveLength(0);
	});

	test('a custom region without a base URL fails every item before any call, saying what to fill in', async () => {
		setup.store.get(setup.credential.id).data.customBaseUrl = '';
		const { errors } = await setup.upsert(leads(2));
		expect(errors).toHaveLength(2);
		expect(errors[0].json.error).toBe('The LeadSquared credential has no valid Base URL');
		expect(String((errors[0].json.details as { fix: string }).fix)).toContain('My Account › Settings › API and Webhooks');
		expect(setup.sandbox.totalCalls()).toBe(0);
	});

	test('with "On Error: Stop", the workflow stops with the same words', async () => {
		setup.store.get(setup.credential.id).data.secretKey = 'wrong-secret-key';
		const { error } = await setup.upsert(leads(1), {}, 'stopWorkflow');
		expect(error?.message).toBe('LeadSquared rejected the access key or secret key (401)');
		expect(error?.description).toContain('Region');
	});
});

describe('LeadSquared node: live pickers', () => {
	const call = <T>(method: string, kind: 'resourceMapping' | 'loadOptions', parameters = {}) =>
		callNodeMethod<T>({
			type: LSQ_NODE,
			kind,
			method,
			parameters: { operation: 'upsertWithActivity', columns: autoMap(), ...parameters },
			credentials: { [LSQ_CREDENTIAL]: setup.credential.id },
			store: setup.store,
		});

	test('lead fields come from LeadsMetaData: schema names, display names, types, unique fields to search by', async () => {
		const { fields } = await call<ResourceMapperFields>('getFields', 'resourceMapping');
		const byId = Object.fromEntries(fields.map((field) => [field.id, field]));
		expect(byId.EmailAddress).toMatchObject({ displayName: 'Email (EmailAddress)', type: 'string', defaultMatch: true, canBeUsedToMatch: true });
		expect(byId.Phone).toMatchObject({ displayName: 'Phone Number (Phone)', canBeUsedToMatch: true, defaultMatch: false });
		expect(byId.mx_Customer_Id.canBeUsedToMatch).toBe(true);
		expect(byId.FirstName).toMatchObject({ displayName: 'First Name (FirstName)', canBeUsedToMatch: false });
		expect(byId.mx_Product_Interest).toMatchObject({ type: 'options', options: expect.arrayContaining([{ name: 'Growth', value: 'Growth' }]) });
		expect(byId.mx_Last_Form_Submitted_On.type).toBe('dateTime');
		expect(fields.filter((field) => field.canBeUsedToMatch).map((field) => field.id).sort()).toEqual(['EmailAddress', 'Phone', 'mx_Customer_Id']);
		expect(setup.sandbox.countOf('metadata')).toBe(1);
	});

	test('activity types come from the account\'s live list, and each type\'s own fields', async () => {
		const types = await call<INodePropertyOptions[]>('getActivityTypes', 'loadOptions');
		expect(types).toEqual(
			expect.arrayContaining([
				{ name: 'Form Submitted (205)', value: 205 },
				{ name: 'Webinar Registered (206)', value: 206 },
			]),
		);
		const { fields } = await call<ResourceMapperFields>('getActivityFields', 'resourceMapping', { activityEvent: 206 });
		expect(fields.map((field) => field.id)).toEqual(['mx_Custom_1', 'mx_Custom_2', 'mx_Custom_3']);
		expect(fields[0]).toMatchObject({ displayName: 'Webinar (mx_Custom_1)', required: true });
		expect(fields[1].type).toBe('dateTime');
		expect(fields[2]).toMatchObject({ type: 'options', options: [{ name: 'Live', value: 'Live' }, { name: 'On demand', value: 'On demand' }] });
		const none = await call<ResourceMapperFields>('getActivityFields', 'resourceMapping', { activityEvent: '' });
		expect(none.fields).toEqual([]);
		expect(setup.sandbox.countOf('activitySetting')).toBe(1);
	});
});
