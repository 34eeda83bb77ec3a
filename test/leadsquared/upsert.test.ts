import type { IDataObject } from 'n8n-workflow';

import { autoMap, expectNoSecrets, leadSquaredSetup, type PlanSettings, type Setup } from './setup';

let setup: Setup;
afterEach(async () => {
	await setup.close();
});

const people = (count: number, prefix = 'lead'): IDataObject[] =>
	Array.from({ length: count }, (_, i) => ({ EmailAddress: `${prefix}${i}@example.org`, FirstName: `Name${i}`, LastName: `Surname${i}` }));
const details = (item: { json: IDataObject }) => item.json.details as IDataObject;

/** Single calls only (the bulk quota is too small to be faster). */
const SINGLE: PlanSettings = { callsPerWindow: 1000, bulkCallsPerWindow: 1, rateLimitWindowSeconds: 1 };
/** Bulk calls win (25 leads each, as many calls as single ones). */
const BULK: PlanSettings = { callsPerWindow: 10, bulkCallsPerWindow: 10, rateLimitWindowSeconds: 1 };

describe.each([
	['single', 'createOrUpdate'],
	['bulk', 'bulkCreateOrUpdate'],
])('LeadSquared upsert (%s calls)', (apiMode, endpoint) => {
	const upsert = (items: IDataObject[]) => setup.upsert(items, { options: { apiMode } });
	beforeEach(async () => {
		setup = await leadSquaredSetup(BULK);
	});

	test('creates new leads and updates existing ones with the lead ID, paired with each input; "upserted", as LeadSquared does not say which', async () => {
		const existing = setup.sandbox.seedLead({ EmailAddress: 'ada@example.org', FirstName: 'Ada' });
		const { success, errors } = await upsert([
			{ EmailAddress: 'ADA@example.org', LastName: 'Okafor', Company: 'Northwind Labs' },
			{ EmailAddress: 'lin@example.net', LastName: 'Berg' },
		]);
		expect(errors).toHaveLength(0);
		expect(success.map((item) => item.json.action)).toEqual(['upserted', 'upserted']);
		expect(success[0].json.id).toBe(existing.ProspectID);
		expect(success[1].json.id).toBe(setup.sandbox.findLeadByEmail('lin@example.net')?.ProspectID);
		expect(success[0].json).toMatchObject({ crm: 'LeadSquared', searchBy: 'EmailAddress', input: { EmailAddress: 'ADA@example.org' } });
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(setup.sandbox.findLeadByEmail('ada@example.org')).toMatchObject({ FirstName: 'Ada', LastName: 'Okafor', Company: 'Northwind Labs' });
		expect(setup.sandbox.leads()).toHaveLength(2);
		expect(setup.sandbox.countOf(endpoint)).toBe(apiMode === 'bulk' ? 1 : 2);
		expect(success.every((item) => item.json.api === apiMode)).toBe(true);
	});

	test('an empty search-key value fails that item alone, naming the field; the others go through', async () => {
		const { success, errors } = await upsert([
			{ EmailAddress: 'one@example.org', LastName: 'One' },
			{ EmailAddress: '  ', LastName: 'Blank' },
			{ LastName: 'Missing' },
			{ EmailAddress: 'four@example.org', LastName: 'Four' },
		]);
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(errors[0].json.error).toBe('No value for the search key Email (EmailAddress)');
		expect(details(errors[0])).toMatchObject({ field: 'EmailAddress', itemIndex: 1, input: { EmailAddress: '  ', LastName: 'Blank' } });
		expect(String(details(errors[1]).fix)).toContain('map a value to "Email" (EmailAddress)');
		expect(setup.sandbox.leads().map((lead) => lead.EmailAddress).sort()).toEqual(['four@example.org', 'one@example.org']);
	});

	test('a unique value taken by another lead (MXDuplicateEntryException) fails that item, naming the field', async () => {
		setup.sandbox.seedLead({ EmailAddress: 'a@example.org', Phone: '111111' });
		setup.sandbox.seedLead({ EmailAddress: 'b@example.org', Phone: '222222' });
		const { success, errors } = await upsert([
			{ EmailAddress: 'a@example.org', Phone: '222222', FirstName: 'Clash' },
			{ EmailAddress: 'c@example.org', FirstName: 'Fine' },
		]);
		expect(success).toHaveLength(1);
		expect(errors).toHaveLength(1);
		expect(errors[0].json.error).toBe('Another lead already has this Phone Number (Phone) (222222)');
		expect(details(errors[0])).toMatchObject({ field: 'Phone', code: 'MXDuplicateEntryException', itemIndex: 0 });
		expect(String(details(errors[0]).fix)).toContain('set "Search By" to Phone');
		expect(setup.sandbox.findLeadByEmail('a@example.org')?.Phone).toBe('111111');
	});

	test('items with the same search key become one write; the later values win', async () => {
		const { success, errors } = await upsert([
			{ EmailAddress: 'twice@example.org', FirstName: 'First', Company: 'Kept' },
			{ EmailAddress: 'TWICE@example.org', FirstName: 'Second' },
		]);
		expect(errors).toHaveLength(0);
		expect(success[1].json).toMatchObject({ action: 'upserted', id: success[0].json.id, mergedWithItem: 0 });
		expect(setup.sandbox.leads()).toHaveLength(1);
		expect(setup.sandbox.leads()[0]).toMatchObject({ FirstName: 'Second', Company: 'Kept' });
	});

	test('a merged write LeadSquared refuses for one item is sent again item by item: the good item goes in, the bad one fails alone', async () => {
		const { success, errors } = await upsert([
			{ EmailAddress: 'again@example.org', FirstName: 'First', Company: 'Kept' },
			{ EmailAddress: 'AGAIN@example.org', mx_Product_Interest: 'Platinum' },
		]);
		expect(success).toHaveLength(1);
		expect(success[0].json).toMatchObject({ action: 'upserted' });
		expect(success[0].json.mergedWithItem).toBeUndefined();
		expect(success[0].pairedItem).toEqual({ item: 0 });
		expect(errors).toHaveLength(1);
		expect(errors[0].json.error).toContain("Invalid option 'Platinum'");
		expect(details(errors[0])).toMatchObject({ field: 'mx_Product_Interest', itemIndex: 1 });
		expect(setup.sandbox.leads()).toHaveLength(1);
		expect(setup.sandbox.leads()[0]).toMatchObject({ FirstName: 'First', Company: 'Kept' });
		// The merged write, then each item on its own.
		expect(setup.sandbox.countOf(endpoint)).toBe(3);
	});

	test('LeadSquared\'s own validation errors land on the item, naming the field', async () => {
		const { success, errors } = await upsert([
			{ EmailAddress: 'x@example.org', mx_Product_Interest: 'Platinum' },
			{ EmailAddress: 'y@example.org', mx_Product_Interest: 'Growth' },
		]);
		expect(success).toHaveLength(1);
		expect(errors[0].json.error).toContain("Invalid option 'Platinum'");
		expect(details(errors[0])).toMatchObject({ field: 'mx_Product_Interest', code: 'MXInvalidInputException' });
	});
});

describe('LeadSquared upsert: mapping and choices', () => {
	beforeEach(async () => {
		setup = await leadSquaredSetup(SINGLE);
	});

	test('searches by another unique field, and fails items without a value for it', async () => {
		const existing = setup.sandbox.seedLead({ EmailAddress: 'c@example.org', mx_Customer_Id: 'CUST-7' });
		const { success, errors } = await setup.upsert(
			[
				{ mx_Customer_Id: 'cust-7', FirstName: 'Cy' },
				{ mx_Customer_Id: 'CUST-8', EmailAddress: 'd@example.org' },
				{ EmailAddress: 'e@example.org' },
			],
			{ columns: autoMap('mx_Customer_Id') },
		);
		expect(success.map((item) => [item.json.action, item.json.searchBy])).toEqual([
			['upserted', 'mx_Customer_Id'],
			['upserted', 'mx_Customer_Id'],
		]);
		expect(success[0].json.id).toBe(existing.ProspectID);
		expect(details(errors[0])).toMatchObject({ field: 'mx_Customer_Id', itemIndex: 2 });
		expect(setup.sandbox.leads()).toHaveLength(2);
	});

	test('"Search By" on a field that is not unique fails every item, listing the unique ones', async () => {
		const { success, errors } = await setup.upsert(people(2), { columns: autoMap('FirstName') });
		expect(success).toHaveLength(0);
		expect(errors).toHaveLength(2);
		expect(errors[0].json.error).toBe('LeadSquared cannot search leads by FirstName');
		expect(String(details(errors[0]).fix)).toContain('EmailAddress, Phone, mx_Customer_Id');
		expect(setup.sandbox.countOf('createOrUpdate')).toBe(0);
	});

	test('an input field LeadSquared lacks fails the item, naming the closest fields, unless told to ignore it', async () => {
		const typo = [{ EmailAddress: 'a@example.org', Compnay: 'Typo Inc' }, { EmailAddress: 'b@example.org' }];
		const strict = await setup.upsert(typo);
		expect(strict.success).toHaveLength(1);
		expect(strict.errors[0].json.error).toBe('Field "Compnay" does not exist in the CRM');
		expect(String(details(strict.errors[0]).fix)).toMatch(/^Closest fields: Company/);

		const lenient = await setup.upsert(typo, { options: { ignoreUnknownFields: true } });
		expect(lenient.errors).toHaveLength(0);
		expect(setup.sandbox.findLeadByEmail('a@example.org')).not.toHaveProperty('Compnay');
	});

	test('mapped values by display name or expression, shaped for their types; empty values left out unless asked', async () => {
		setup.sandbox.seedLead({ EmailAddress: 'typed@example.org', Company: 'Old Co', JobTitle: 'Keep me' });
		const item = { mail: 'typed@example.org', submitted: '2026-11-20T09:15:00+01:00', company: '', title: '' };
		const columns = {
			mappingMode: 'defineBelow',
			value: {
				EmailAddress: '={{ $json.mail }}',
				mx_Last_Form_Submitted_On: '={{ $json.submitted }}',
				Company: '={{ $json.company }}',
				JobTitle: '={{ $json.title }}',
			},
			matchingColumns: ['EmailAddress'],
			schema: [],
		};
		expect((await setup.upsert([item], { columns })).errors).toHaveLength(0);
		expect(setup.sandbox.findLeadByEmail('typed@example.org')).toMatchObject({
			mx_Last_Form_Submitted_On: '2026-11-20 08:15:00',
			Company: 'Old Co',
			JobTitle: 'Keep me',
		});
		expect((await setup.upsert([item], { columns, options: { clearEmptyFields: true } })).errors).toHaveLength(0);
		expect(setup.sandbox.findLeadByEmail('typed@example.org')).toMatchObject({ Company: '', JobTitle: '' });

		const byDisplayName = await setup.upsert([{ Email: 'display@example.org', 'First Name': 'Dee', 'Lead Source': 'Webinar' }]);
		expect(byDisplayName.errors).toHaveLength(0);
		expect(setup.sandbox.findLeadByEmail('display@example.org')).toMatchObject({ FirstName: 'Dee', Source: 'Webinar' });
	});

	test('"API to Use" forces bulk or single calls, and Automatic picks what finishes sooner', async () => {
		const bulk = await setup.upsert(people(20, 'forced'), { options: { apiMode: 'bulk', batchSize: 10 } });
		expect(bulk.success).toHaveLength(20);
		expect(bulk.success[0].json.api).toBe('bulk');
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(2);
		expect(setup.sandbox.countOf('createOrUpdate')).toBe(0);

		// 1000 single calls per window against 1 bulk call (25 leads): single calls are faster.
		const auto = await setup.upsert(people(30, 'auto'));
		expect(auto.success[0].json.api).toBe('single');
		expect(setup.sandbox.countOf('createOrUpdate')).toBe(30);
	});

	test('Automatic uses bulk calls when the bulk quota moves more leads per window', async () => {
		await setup.close();
		setup = await leadSquaredSetup(BULK);
		const { success } = await setup.upsert(people(60));
		expect(success).toHaveLength(60);
		expect(success.every((item) => item.json.api === 'bulk')).toBe(true);
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(3);
		expect(setup.sandbox.countOf('createOrUpdate')).toBe(0);
		expect(setup.sandbox.leads()).toHaveLength(60);
	});

	test('a server error or a reset connection is retried; the upsert is keyed, so no lead is written twice', async () => {
		setup.sandbox.injectFault({ endpoint: 'createOrUpdate', nth: 1, fault: { kind: 'lostResponse' } });
		setup.sandbox.injectFault({ endpoint: 'createOrUpdate', nth: 3, fault: { kind: 'status', status: 503 } });
		setup.sandbox.injectFault({ endpoint: 'createOrUpdate', nth: 5, fault: { kind: 'reset' } });
		const { success, errors } = await setup.upsert(people(4), { options: { maxParallelCalls: 1 } });
		expect(errors).toHaveLength(0);
		expect(success).toHaveLength(4);
		expect(setup.sandbox.leads()).toHaveLength(4);
		expect(setup.sandbox.countOf('createOrUpdate')).toBe(7);
	});

	test('"Max Retries" bounds the tries, then the items fail saying so', async () => {
		setup.sandbox.injectFault({ endpoint: 'createOrUpdate', probability: 1, fault: { kind: 'status', status: 503 } });
		const { success, errors } = await setup.upsert(people(1), { options: { maxRetries: 1 } });
		expect(success).toHaveLength(0);
		expect(errors[0].json.error).toContain('LeadSquared answered HTTP 503');
		expect(String(details(errors[0]).fix)).toContain('Gave up after 2 tries');
		expect(setup.sandbox.countOf('createOrUpdate')).toBe(2);
	});

	test('keys never reach outputs, error items or URLs', async () => {
		const { success, errors } = await setup.upsert([{ EmailAddress: 'ok@example.org' }, { EmailAddress: '' }]);
		expect(success).toHaveLength(1);
		expect(errors).toHaveLength(1);
		expectNoSecrets(setup, [success, errors]);
		expect(setup.sandbox.log.every((entry) => entry.headerNames.includes('x-lsq-secretkey'))).toBe(true);
	});
});

describe('LeadSquared get', () => {
	beforeEach(async () => {
		setup = await leadSquaredSetup();
	});

	test('finds a lead by email, phone or ID, says when none matches, and fails an empty value alone', async () => {
		const lead = setup.sandbox.seedLead({ EmailAddress: 'ada@example.org', Phone: '+91-9876543210', FirstName: 'Ada' });
		const items = [{ q: 'ADA@example.org' }, { q: 'nobody@example.org' }, { q: '' }];
		const byEmail = await setup.get(items, { searchBy: 'email', searchValue: '={{ $json.q }}' });
		expect(byEmail.success.map((item) => [item.json.found, item.json.id])).toEqual([
			[true, lead.ProspectID],
			[false, undefined],
		]);
		expect((byEmail.success[0].json.lead as IDataObject).FirstName).toBe('Ada');
		expect(byEmail.errors[0].json.error).toBe('No email to look for');
		expect(byEmail.errors[0].pairedItem).toEqual({ item: 2 });

		const byPhone = await setup.get([{}], { searchBy: 'phone', searchValue: '919876543210' });
		expect(byPhone.success[0].json).toMatchObject({ found: true, id: lead.ProspectID });
		const byId = await setup.get([{}], { searchBy: 'id', searchValue: lead.ProspectID });
		expect(byId.success[0].json).toMatchObject({ found: true, id: lead.ProspectID, matches: 1 });
		expectNoSecrets(setup, [byEmail, byPhone.success, byId.success]);
	});
});
