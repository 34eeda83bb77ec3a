import type { IDataObject } from 'n8n-workflow';

import { act365Setup, API_KEY, columns, DEVELOPER_KEY, everything, leads } from './setup';

describe('Act! 365 Contact Upsert: create or update', () => {
	let t: Awaited<ReturnType<typeof act365Setup>>;

	beforeAll(async () => {
		t = await act365Setup();
	});
	afterAll(() => t.close());
	beforeEach(() => t.act.reset());

	it('creates new contacts, updates existing ones, and reports action and id per item', async () => {
		const existing = t.act.seedContact({ emailAddress: 'lead1@example.org', firstName: 'Old', jobTitle: 'Founder' });
		const run = await t.upsert(leads(3));

		expect(run.errors).toHaveLength(0);
		expect(run.success.map((item) => [item.json.action, item.pairedItem])).toEqual([
			['inserted', { item: 0 }],
			['updated', { item: 1 }],
			['inserted', { item: 2 }],
		]);
		expect(run.success[1].json.id).toBe(existing.id);
		expect(run.success[1].json).toMatchObject({ crm: 'Act! 365', matchedOn: 'emailAddress', input: leads(3)[1] });
		for (const item of run.success) {
			const [stored] = t.act.contactsByEmail(String((item.json.input as IDataObject).emailAddress));
			expect(stored.id).toBe(item.json.id);
		}
		// The update touches only what was sent: the job title survives.
		expect(t.act.contactsByEmail('lead1@example.org')[0]).toMatchObject({ firstName: 'Name1', jobTitle: 'Founder' });
		// One look-up for all three, then one write each.
		expect(t.act.calls).toMatchObject({ searchContacts: 2, createContact: 2, updateContact: 1 });
	});

	it('turns two items with the same email (in any case) into one contact', async () => {
		const run = await t.upsert([
			{ emailAddress: 'Ada.Okafor@example.org', firstName: 'Ada' },
			{ emailAddress: 'other@example.org', firstName: 'Other' },
			{ emailAddress: 'ada.okafor@EXAMPLE.org', lastName: 'Okafor' },
		]);
		expect(run.errors).toHaveLength(0);
		expect(t.act.contactsByEmail('ada.okafor@example.org')).toHaveLength(1);
		expect(t.act.contactsByEmail('ada.okafor@example.org')[0]).toMatchObject({ firstName: 'Ada', lastName: 'Okafor' });
		expect(run.success[2].json).toMatchObject({ id: run.success[0].json.id, mergedWithItem: 0 });
		expect(t.act.countOf('createContact')).toBe(2);
	});

	it('makes one contact when two executions send the same new leads at once, as a form posted twice does', async () => {
		t.act.latencyMs = 20;
		try {
			const [first, second] = await Promise.all([t.upsert(leads(4)), t.upsert(leads(4))]);
			expect([...first.errors, ...second.errors]).toHaveLength(0);
			for (let i = 0; i < 4; i++) {
				const email = String(leads(4)[i].emailAddress);
				const contacts = t.act.contactsByEmail(email);
				expect(contacts).toHaveLength(1);
				// One execution created the contact; the other found it and updated it.
				expect([first.success[i].json.action, second.success[i].json.action].sort()).toEqual(['inserted', 'updated']);
				expect([first.success[i].json.id, second.success[i].json.id]).toEqual([contacts[0].id, contacts[0].id]);
			}
			expect(t.act.countOf('createContact')).toBe(4);
		} finally {
			t.act.latencyMs = 0;
		}
	});

	it('with workers sharing the credential, a twin another worker created at the same moment is merged into the oldest contact', async () => {
		const shared = t.addCredential({ sharingWorkers: 2 });
		let twinId = '';
		// Another worker's create lands between this run's look-up and its own create.
		t.act.injectFault({ endpoint: 'createContact', nth: 1, fault: { kind: 'action', run: () => (twinId = String(t.act.seedContact({ emailAddress: 'twin@example.org', firstName: 'Other' }).id)) } });
		const run = await t.upsert([{ emailAddress: 'twin@example.org', firstName: 'Ours', company: 'Twin Ltd' }], {}, { credentialId: shared.id });
		expect(run.errors).toHaveLength(0);
		const contacts = t.act.contactsByEmail('twin@example.org');
		expect(contacts).toHaveLength(1);
		expect(contacts[0]).toMatchObject({ id: twinId, firstName: 'Ours', company: 'Twin Ltd' });
		expect(run.success[0].json).toMatchObject({ action: 'updated', id: twinId });
		expect(t.act.countOf('deleteContact')).toBe(1);

		// One process on the credential (the default) skips the extra look-up: the twin stays.
		t.act.injectFault({ endpoint: 'createContact', nth: 1, fault: { kind: 'action', run: () => t.act.seedContact({ emailAddress: 'single@example.org' }) } });
		await t.upsert([{ emailAddress: 'single@example.org', firstName: 'Ours' }]);
		expect(t.act.contactsByEmail('single@example.org')).toHaveLength(2);
	});

	it('gives an item without email its own error naming the field, and still writes the others', async () => {
		const items = [{ emailAddress: 'a@example.org' }, { firstName: 'No email' }, { emailAddress: '   ' }, { emailAddress: 'b@example.org' }];
		const run = await t.upsert(items);
		expect(run.success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(run.errors.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		for (const error of run.errors) {
			expect(error.json.error).toBe('No Email Address to match the contact on');
			expect(error.json.details).toMatchObject({ field: 'emailAddress', fix: expect.stringContaining('Map a value to "Email Address"') });
		}
		expect(t.act.contacts()).toHaveLength(2);
	});

	it('rejects an invalid email and a bad custom value per item, naming the field', async () => {
		const run = await t.upsert([
			{ emailAddress: 'not-an-email' },
			{ emailAddress: 'ok@example.org', Lead_Score: 'lots' },
			{ emailAddress: 'fine@example.org', Lead_Score: '42' },
		]);
		expect(run.errors.map((item) => [item.pairedItem, (item.json.details as IDataObject).field])).toEqual([
			[{ item: 0 }, 'emailAddress'],
			[{ item: 1 }, 'Lead_Score'],
		]);
		expect(run.success).toHaveLength(1);
	});

	it('lists the closest real fields for an unknown input field, unless told to ignore unknown fields', async () => {
		const run = await t.upsert([{ emailAddress: 'x@example.org', frstName: 'Typo' }, { emailAddress: 'y@example.org' }]);
		expect(run.errors).toHaveLength(1);
		expect(run.errors[0].json.error).toBe('Field "frstName" does not exist in the CRM');
		expect((run.errors[0].json.details as IDataObject).fix).toMatch(/^Closest fields: firstName/);
		expect(run.success).toHaveLength(1);

		const ignoring = await t.upsert([{ emailAddress: 'x@example.org', frstName: 'Typo' }], { options: { ignoreUnknownFields: true } });
		expect(ignoring.errors).toHaveLength(0);
		expect(ignoring.success[0].json.action).toBe('inserted');
	});

	it('fails a defined mapping that names a field the contact does not have', async () => {
		const run = await t.upsert([{ mail: 'z@example.org' }], {
			columns: columns({ emailAddress: '={{ $json.mail }}', favouriteColour: 'blue' }),
		});
		expect(run.errors).toHaveLength(1);
		expect(run.errors[0].json.error).toBe('Field "favouriteColour" does not exist in the CRM');
	});

	it('writes custom fields from the live metadata into customFields, typed', async () => {
		const run = await t.upsert([
			{ emailAddress: 'c@example.org', Lead_Score: '87', Newsletter: 'yes', Interest: 'Pricing', Referral_Source: 'Webinar', birthday: '1990-04-02T10:00:00Z' },
		]);
		expect(run.errors).toHaveLength(0);
		expect(t.act.contactsByEmail('c@example.org')[0]).toMatchObject({
			birthday: '1990-04-02',
			customFields: { Lead_Score: 87, Newsletter: true, Interest: 'Pricing', Referral_Source: 'Webinar' },
		});
	});

	it('leaves fields alone for empty values, and clears them when "Clear Empty Fields" is on', async () => {
		t.act.seedContact({ emailAddress: 'e@example.org', company: 'Northwind Labs', jobTitle: 'CTO' });
		await t.upsert([{ emailAddress: 'e@example.org', company: '', jobTitle: 'CEO' }]);
		expect(t.act.contactsByEmail('e@example.org')[0]).toMatchObject({ company: 'Northwind Labs', jobTitle: 'CEO' });
		await t.upsert([{ emailAddress: 'e@example.org', company: '' }], { options: { clearEmptyFields: true } });
		expect(t.act.contactsByEmail('e@example.org')[0]).toMatchObject({ company: null, jobTitle: 'CEO' });
	});

	describe('when several existing contacts share the email', () => {
		let ids: string[];
		beforeEach(() => {
			ids = [1, 2, 3].map((n) => t.act.seedContact({ emailAddress: 'dup@example.org', firstName: `Copy${n}` }).id);
		});

		it('updates the oldest by default and names every match', async () => {
			const run = await t.upsert([{ emailAddress: 'dup@example.org', firstName: 'New' }]);
			expect(run.success[0].json).toMatchObject({ action: 'updated', id: ids[0], matchedIds: ids, updatedIds: [ids[0]] });
			expect(t.act.contacts().map((contact) => contact.firstName)).toEqual(['New', 'Copy2', 'Copy3']);
		});

		it('updates all of them when asked', async () => {
			const run = await t.upsert([{ emailAddress: 'dup@example.org', firstName: 'New' }], { options: { multipleMatches: 'updateAll' } });
			expect(run.success[0].json).toMatchObject({ action: 'updated', matchedIds: ids, updatedIds: ids });
			expect(t.act.contacts().map((contact) => contact.firstName)).toEqual(['New', 'New', 'New']);
		});

		it('fails the item naming the ids when asked, and writes nothing', async () => {
			const run = await t.upsert([{ emailAddress: 'dup@example.org', firstName: 'New' }, { emailAddress: 'single@example.org' }], {
				options: { multipleMatches: 'error' },
			});
			expect(run.success).toHaveLength(1);
			expect(run.errors).toHaveLength(1);
			expect(run.errors[0].json.error).toBe(`3 contacts in Act! 365 have this emailAddress: ${ids.join(', ')}`);
			expect(run.errors[0].json.details).toMatchObject({ code: 'MULTIPLE_MATCHES', field: 'emailAddress' });
			expect(t.act.countOf('updateContact')).toBe(0);
		});
	});

	it('matches on another chosen field', async () => {
		const existing = t.act.seedContact({ mobilePhone: '+44 7700 900123', emailAddress: 'old@example.org' });
		const run = await t.upsert([{ mobilePhone: '+44 7700 900123', emailAddress: 'new@example.org' }, { mobilePhone: '+44 7700 900999' }], {
			columns: columns(null, ['mobilePhone']),
		});
		expect(run.success.map((item) => item.json.action)).toEqual(['updated', 'inserted']);
		expect(run.success[0].json.id).toBe(existing.id);
		expect(t.act.contacts()).toHaveLength(2);
	});

	it('refuses a match field Act! cannot search, before any write', async () => {
		const run = await t.upsert([{ emailAddress: 'a@example.org', Lead_Score: 3 }], { columns: columns(null, ['Lead_Score']) }, { onError: 'stopWorkflow' });
		expect(run.error?.message).toBe('Act! contacts cannot be matched on "Lead_Score"');
		expect(t.act.countOf('createContact')).toBe(0);
	});

	it('splits a long look-up so no query string passes the server limit, and handles quotes', async () => {
		const many = Array.from({ length: 120 }, (_, i) => ({ emailAddress: `a.rather.long.mailbox.name.${i}@subdomain.example.org` }));
		many.push({ emailAddress: "o'brien@example.org" });
		t.act.seedContact({ emailAddress: "O'Brien@example.org" });
		const run = await t.upsert(many, { options: { batchSize: 500 } });
		expect(run.errors).toHaveLength(0);
		expect(run.success.at(-1)!.json.action).toBe('updated');
		expect(t.act.refusals.queryTooLong ?? 0).toBe(0);
		const lookups = t.act.log.filter((entry) => entry.endpoint === 'searchContacts' && entry.url.includes('%20or%20'));
		expect(lookups.length).toBeGreaterThanOrEqual(3);
		const lengths = lookups.map((entry) => entry.url.length - entry.url.indexOf('?') - 1);
		for (const length of lengths) expect(length).toBeLessThanOrEqual(2048);
		// Packed close to the limit (one clause is about 90 characters), not a few keys per call.
		for (const length of lengths.slice(0, -1)) expect(length).toBeGreaterThan(2048 - 120);
	});

	it('halves a look-up the server refuses as too long (the 2,048 cap is assumed), so a lower cap costs calls, not leads', async () => {
		t.act.configure({ maxQueryLength: 700 });
		try {
			const many = Array.from({ length: 60 }, (_, i) => ({ emailAddress: `a.rather.long.mailbox.name.${i}@subdomain.example.org` }));
			t.act.seedContact({ emailAddress: many[59].emailAddress as string, jobTitle: 'Kept' });
			const run = await t.upsert(many, { options: { batchSize: 500 } });
			expect(run.errors).toHaveLength(0);
			expect(run.success.map((item) => item.json.action)).toEqual([...Array.from({ length: 59 }, () => 'inserted'), 'updated']);
			expect(t.act.contacts()).toHaveLength(60);
			expect(t.act.refusals.queryTooLong).toBeGreaterThan(0);
			const answered = t.act.log.filter((entry) => entry.endpoint === 'searchContacts' && entry.status === 200);
			for (const entry of answered) expect(entry.url.length - entry.url.indexOf('?') - 1).toBeLessThanOrEqual(700);
		} finally {
			t.act.configure({ maxQueryLength: 2048 });
		}
	});

	it('pages a look-up whose matches exceed one page', async () => {
		for (let i = 0; i < 160; i++) t.act.seedContact({ emailAddress: 'crowd@example.org', firstName: `n${i}` });
		const run = await t.upsert([{ emailAddress: 'crowd@example.org', firstName: 'All' }], { options: { multipleMatches: 'error' } });
		expect(run.errors[0].json.error).toMatch(/^160 contacts in Act! 365 have this emailAddress/);
	});

	it('keeps the keys out of every output, error and URL', async () => {
		const run = await t.upsert([{ emailAddress: 'a@example.org' }, { emailAddress: 'bad' }]);
		const basic = Buffer.from(`${API_KEY}:${DEVELOPER_KEY}`).toString('base64');
		const seen = everything(run) + JSON.stringify(t.act.log.map((entry) => entry.url));
		for (const secret of [API_KEY, DEVELOPER_KEY, basic]) expect(seen).not.toContain(secret);
		expect(t.act.log.every((entry) => entry.headerNames.includes('authorization'))).toBe(true);
	});

	it('stops the workflow with the first failure and a count when errors are not routed', async () => {
		const run = await t.upsert([{ emailAddress: 'a@example.org' }, { firstName: 'none' }], {}, { onError: 'stopWorkflow' });
		expect(run.error?.message).toBe('No Email Address to match the contact on');
		expect(run.error?.description).toContain('1 of 2 items failed; 1 succeeded');
	});
});

describe('Act! 365 Contact Upsert: get', () => {
	let t: Awaited<ReturnType<typeof act365Setup>>;

	beforeAll(async () => {
		t = await act365Setup();
	});
	afterAll(() => t.close());
	beforeEach(() => t.act.reset());

	it('finds contacts by email and by id, and says when there is none', async () => {
		const ada = t.act.seedContact({ emailAddress: 'ada@example.org', firstName: 'Ada' });
		const copy = t.act.seedContact({ emailAddress: 'ADA@example.org', firstName: 'Copy' });
		const byEmail = await t.get([{ email: 'ada@example.org' }, { email: 'none@example.org' }], {
			searchBy: 'email',
			searchValue: '={{ $json.email }}',
		});
		expect(byEmail.success.map((item) => item.json)).toEqual([
			expect.objectContaining({ found: true, id: ada.id, matches: 2, matchedIds: [ada.id, copy.id], record: expect.objectContaining({ firstName: 'Ada' }) }),
			expect.objectContaining({ found: false, value: 'none@example.org' }),
		]);

		const byId = await t.get([{ id: copy.id }, { id: '0123456789abcdef01234567' }, { id: '' }], { searchBy: 'id', searchValue: '={{ $json.id }}' });
		expect(byId.success.map((item) => item.json.found)).toEqual([true, false]);
		expect(byId.success[0].json.record).toMatchObject({ firstName: 'Copy' });
		expect(byId.errors).toHaveLength(1);
		expect(byId.errors[0].json).toMatchObject({ error: 'No contact ID to look for', details: { field: 'searchValue', itemIndex: 2 } });
	});
});

describe('Act! 365 Contact Upsert where Act! takes no PATCH on contacts (undocumented either way)', () => {
	let t: Awaited<ReturnType<typeof act365Setup>>;

	beforeAll(async () => {
		t = await act365Setup();
		t.act.configure({ answers: { contactPatch: false } });
	});
	afterAll(() => t.close());
	beforeEach(() => t.act.reset());

	it('updates by reading the contact and sending it back whole with PUT, keeping the fields it does not set', async () => {
		const existing = t.act.seedContact({ emailAddress: 'lead1@example.org', firstName: 'Old', jobTitle: 'Founder' });
		const first = await t.upsert(leads(3));
		expect(first.errors).toHaveLength(0);
		expect(first.success.map((item) => item.json.action)).toEqual(['inserted', 'updated', 'inserted']);
		expect(first.success[1].json.id).toBe(existing.id);
		expect(t.act.contactsByEmail('lead1@example.org')[0]).toMatchObject({ firstName: 'Name1', jobTitle: 'Founder' });
		// The refused PATCH, then a read and a PUT.
		expect(t.act.log.filter((entry) => entry.endpoint === 'updateContact').map((entry) => [entry.method, entry.status])).toEqual([
			['PATCH', 405],
			['PUT', 200],
		]);

		// Act! refused PATCH once: later updates go straight to the read and the PUT.
		t.act.resetCounters();
		const second = await t.upsert([{ emailAddress: 'lead2@example.org', lastName: 'Later' }]);
		expect(second.errors).toHaveLength(0);
		expect(t.act.contactsByEmail('lead2@example.org')[0]).toMatchObject({ firstName: 'Name2', lastName: 'Later' });
		expect(t.act.log.filter((entry) => entry.endpoint === 'updateContact').map((entry) => entry.method)).toEqual(['PUT']);
		expect(t.act.countOf('getContact')).toBe(1);
	});
});
