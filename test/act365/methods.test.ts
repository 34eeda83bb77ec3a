import type { ResourceMapperFields } from 'n8n-workflow';

import { callNodeMethod } from '../harness';
import { ACT365_CREDENTIAL, act365Setup, NODE_TYPE } from './setup';

describe('Act! 365 field picker', () => {
	let t: Awaited<ReturnType<typeof act365Setup>>;

	beforeAll(async () => {
		t = await act365Setup();
	});
	afterAll(() => t.close());
	beforeEach(() => t.act.reset());

	const getFields = (credentialId: string) =>
		callNodeMethod<ResourceMapperFields>({
			type: NODE_TYPE,
			kind: 'resourceMapping',
			method: 'getFields',
			parameters: { operation: 'upsert' },
			credentials: { [ACT365_CREDENTIAL]: credentialId },
			store: t.store,
		});

	it('lists core and visible custom contact fields from Act! 365 metadata, typed, with email as the match', async () => {
		const { fields } = await getFields(t.credential.id);
		const byId = Object.fromEntries(fields.map((field) => [field.id, field]));
		expect(byId.emailAddress).toMatchObject({ displayName: 'Email Address (emailAddress)', defaultMatch: true, canBeUsedToMatch: true, type: 'string' });
		expect(byId.mobilePhone).toMatchObject({ canBeUsedToMatch: true, defaultMatch: false });
		expect(byId.firstName).toMatchObject({ canBeUsedToMatch: false });
		expect(byId.birthday.type).toBe('dateTime');
		expect(byId.Lead_Score).toMatchObject({ displayName: 'Lead Score (Lead_Score)', type: 'number', canBeUsedToMatch: false });
		expect(byId.Newsletter.type).toBe('boolean');
		expect(byId.Interest).toMatchObject({ type: 'options', options: expect.arrayContaining([{ name: 'Pricing', value: 'Pricing' }]) });
		// Hidden custom fields and opportunity fields stay out.
		expect(byId.Legacy_Id).toBeUndefined();
		expect(byId.Deal_Source).toBeUndefined();
		expect(t.act.countOf('metadata')).toBe(1);
	});

	it('shows a custom field added in Act! the next time the picker opens', async () => {
		await getFields(t.credential.id);
		t.act.metadata.push({ name: 'Webinar_Date', displayName: 'Webinar Date', type: 'Field', fieldType: 'Date', show: true });
		const { fields } = await getFields(t.credential.id);
		expect(fields.find((field) => field.id === 'Webinar_Date')).toMatchObject({ type: 'dateTime' });
	});

	it('reads the Web API column list in Act! Premium mode', async () => {
		const credential = t.webApiCredential();
		const { fields } = await getFields(credential.id);
		const byId = Object.fromEntries(fields.map((field) => [field.id, field]));
		expect(byId.emailAddress).toMatchObject({ defaultMatch: true, canBeUsedToMatch: true });
		expect(byId.Lead_Score).toMatchObject({ displayName: 'Lead Score (Lead_Score)', type: 'number' });
		expect(byId.Newsletter.type).toBe('boolean');
		expect(t.act.countOf('authorize')).toBe(1);
	});
});
