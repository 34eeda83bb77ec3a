import type { ResourceMapperFields } from 'n8n-workflow';

import { callNodeMethod } from '../harness';
import { ZOHO_CREDENTIAL, zohoSetup } from './setup';

let setup: Awaited<ReturnType<typeof zohoSetup>>;
beforeEach(async () => {
	setup = await zohoSetup();
});
afterEach(async () => {
	await setup.close();
});

const getFields = (module: string) =>
	callNodeMethod<ResourceMapperFields>({
		type: 'zohoCrmLeadUpsert',
		kind: 'resourceMapping',
		method: 'getFields',
		parameters: { operation: 'upsert', module },
		credentials: { [ZOHO_CREDENTIAL]: setup.credential.id },
		store: setup.store,
	});

describe('Zoho CRM Lead Upsert: field picker', () => {
	test('lists the module\'s live fields with types, required flags, options and match candidates', async () => {
		const { fields } = await getFields('Leads');
		const byId = Object.fromEntries(fields.map((field) => [field.id, field]));
		expect(byId.Last_Name).toMatchObject({ displayName: 'Last Name (Last_Name)', required: true, type: 'string' });
		expect(byId.Email).toMatchObject({ canBeUsedToMatch: true, defaultMatch: true });
		expect(byId.External_Lead_ID).toMatchObject({ canBeUsedToMatch: true, defaultMatch: false });
		expect(byId.Company.canBeUsedToMatch).toBe(false);
		expect(byId.No_of_Employees.type).toBe('number');
		expect(byId.Demo_Date.type).toBe('dateTime');
		expect(byId.Lead_Source).toMatchObject({ type: 'options' });
		expect(byId.Lead_Source.options?.map((option) => option.value)).toContain('Web Form');
		expect(byId.Lead_Source.options?.map((option) => option.value)).not.toContain('-None-');
		// System fields Zoho sets itself are not offered.
		expect(byId.Created_Time).toBeUndefined();
		expect(byId.id).toBeUndefined();
		expect(setup.zoho.countOf('fields')).toBe(1);
	});

	test('follows the chosen module', async () => {
		const { fields } = await getFields('Contacts');
		const ids = fields.map((field) => field.id);
		expect(ids).toContain('Department');
		expect(ids).not.toContain('Company');
	});
});

describe('Zoho CRM Lead Upsert: get', () => {
	test('finds a record by email or id, and says when there is none', async () => {
		const record = setup.zoho.seedRecord('Leads', { Email: 'find@example.org', Last_Name: 'Find' });
		const byEmail = await setup.get([{ email: 'find@example.org' }, { email: 'none@example.org' }], {
			searchBy: 'email',
			searchValue: '={{ $json.email }}',
		});
		expect(byEmail.success.map((item) => item.json.found)).toEqual([true, false]);
		expect(byEmail.success[0].json).toMatchObject({ id: record.id, record: { Last_Name: 'Find' } });
		const byId = await setup.get([{}], { searchBy: 'id', searchValue: record.id });
		expect(byId.success[0].json).toMatchObject({ found: true, id: record.id });
	});

	test('an empty search value is that item\'s error', async () => {
		const { success, errors } = await setup.get([{ email: '' }, { email: 'x@example.org' }], {
			searchBy: 'email',
			searchValue: '={{ $json.email }}',
		});
		expect(success).toHaveLength(1);
		expect(errors[0].json).toMatchObject({ error: 'No email to look for', details: { field: 'searchValue' } });
	});
});
