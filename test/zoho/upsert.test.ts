import { leads, REFRESH_TOKEN, zohoSetup } from './setup';

let setup: Awaited<ReturnType<typeof zohoSetup>>;
beforeEach(async () => {
	setup = await zohoSetup();
});
afterEach(async () => {
	await setup.close();
});

describe('Zoho CRM Lead Upsert: upsert', () => {
	test('inserts new leads and updates existing ones, saying which and giving the record id', async () => {
		const existing = setup.zoho.seedRecord('Leads', { Email: 'ada@example.org', Last_Name: 'Okafor' });
		const { success, errors } = await setup.upsert([
			{ Email: 'ADA@example.org', Last_Name: 'Okafor', Company: 'Northwind Labs' },
			{ Email: 'lin@example.net', Last_Name: 'Berg' },
		]);
		expect(errors).toHaveLength(0);
		expect(success.map((item) => item.json.action)).toEqual(['updated', 'inserted']);
		expect(success[0].json.id).toBe(existing.id);
		expect(success[0].json.matchedOn).toBe('Email');
		const inserted = setup.zoho.records().find((record) => record.Email === 'lin@example.net');
		expect(success[1].json.id).toBe(inserted?.id);
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(success[1].json.input).toEqual({ Email: 'lin@example.net', Last_Name: 'Berg' });
		expect(setup.zoho.records()).toHaveLength(2);
		expect(setup.zoho.records()[0].Company).toBe('Northwind Labs');
	});

	test('1,000 leads go in 10 upsert calls with one token call, each lead stored once', async () => {
		const { success, errors } = await setup.upsert(leads(1000));
		expect(errors).toHaveLength(0);
		expect(success).toHaveLength(1000);
		expect(setup.zoho.countOf('upsert')).toBe(10);
		expect(setup.zoho.countOf('token')).toBe(1);
		expect(new Set(setup.zoho.records().map((record) => record.Email)).size).toBe(1000);
		expect(setup.zoho.records()).toHaveLength(1000);
	});

	test('two consecutive executions use one token call in total, reusing the stored token', async () => {
		await setup.upsert(leads(3, 'first'));
		await setup.upsert(leads(3, 'second'));
		expect(setup.zoho.countOf('token')).toBe(1);
		expect(setup.store.get(setup.credential.id).data.accessToken).toMatch(/^1000\./);
		expect(setup.store.get(setup.credential.id).data.apiDomain).toBe(setup.zoho.baseUrl);
	});

	test('parallel executions share one token request', async () => {
		const runs = await Promise.all([0, 1, 2, 3, 4].map((n) => setup.upsert(leads(2, `parallel${n}-`))));
		expect(runs.every((run) => run.success.length === 2)).toBe(true);
		expect(setup.zoho.countOf('token')).toBe(1);
	});

	test('an expired token is refreshed once and the batch goes through', async () => {
		await setup.upsert(leads(1, 'warm'));
		setup.zoho.actions().expireTokens();
		const { success } = await setup.upsert(leads(5, 'after-expiry'));
		expect(success).toHaveLength(5);
		expect(setup.zoho.countOf('token')).toBe(2);
		expect(setup.zoho.refusals.invalidToken).toBe(1);
	});

	test('holding a newer token another n8n process stored, a refused call gets a new token, never this process\'s older one', async () => {
		await setup.upsert(leads(1, 'warm'));
		// Another worker (queue mode) minted a token and saved it to the database after ours.
		const answer = await fetch(`${setup.zoho.baseUrl}/oauth/v2/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'refresh_token', client_id: setup.zoho.clientId, client_secret: setup.zoho.clientSecret, refresh_token: REFRESH_TOKEN }),
		});
		const theirs = (await answer.json()) as { access_token: string };
		const stored = setup.store.get(setup.credential.id).data;
		const ours = stored.accessToken;
		expect(Date.parse(String(stored.tokenIssuedAt))).toBeLessThanOrEqual(Date.now());
		Object.assign(stored, { accessToken: theirs.access_token, tokenIssuedAt: new Date(Date.now() + 1).toISOString() });
		setup.zoho.actions().expireTokens();

		const { success, errors } = await setup.upsert(leads(5, 'after-expiry'));
		expect(errors).toHaveLength(0);
		expect(success).toHaveLength(5);
		// Ours, theirs, and one new one; the refused call was repeated once, with the new token.
		expect(setup.zoho.countOf('token')).toBe(3);
		expect(setup.zoho.refusals.invalidToken).toBe(1);
		expect([ours, theirs.access_token]).not.toContain(setup.store.get(setup.credential.id).data.accessToken);
	});

	test('a bad record fails alone: its neighbours in the same batch are written', async () => {
		const { success, errors } = await setup.upsert([
			{ Email: 'one@example.org', Last_Name: 'One' },
			// The node checks e-mails itself; a phone with words in it only Zoho refuses.
			{ Email: 'two@example.org', Last_Name: 'Two', Phone: 'call me maybe' },
			{ Email: 'three@example.org', First_Name: 'No surname' },
			{ Email: 'four@example.org', Last_Name: 'Four' },
		]);
		expect(setup.zoho.countOf('upsert')).toBe(1);
		expect(success.map((item) => item.json.input)).toEqual([
			{ Email: 'one@example.org', Last_Name: 'One' },
			{ Email: 'four@example.org', Last_Name: 'Four' },
		]);
		expect(errors).toHaveLength(2);
		const [invalid, missing] = errors;
		// The CRM's own complaint, on the item it concerns.
		expect(invalid.json.error).toContain('Phone');
		expect(invalid.json.error).toContain('invalid data');
		expect(invalid.json.details).toMatchObject({ field: 'Phone', code: 'INVALID_DATA', itemIndex: 1 });
		expect(invalid.pairedItem).toEqual({ item: 1 });
		expect(missing.json.error).toBe('Required field Last_Name is missing');
		expect(missing.json.details).toMatchObject({ field: 'Last_Name', code: 'MANDATORY_NOT_FOUND' });
		expect(String((missing.json.details as { fix: string }).fix)).toContain('Map a value');
		expect(setup.zoho.records().map((record) => record.Email).sort()).toEqual(['four@example.org', 'one@example.org']);
	});

	test('a field the module does not have is refused before sending, naming the closest real fields', async () => {
		const { success, errors } = await setup.upsert([
			{ Email: 'a@example.org', Last_Name: 'A', Compnay: 'Typo Inc' },
			{ Email: 'b@example.org', Last_Name: 'B' },
		]);
		expect(success).toHaveLength(1);
		expect(errors[0].json.error).toBe('Field "Compnay" does not exist in the CRM');
		expect(String((errors[0].json.details as { fix: string }).fix)).toMatch(/^Closest fields: Company/);
		expect(setup.zoho.records()).toHaveLength(1);
	});

	test('"Ignore Unknown Input Fields" skips keys the module lacks', async () => {
		const { success, errors } = await setup.upsert([{ Email: 'a@example.org', Last_Name: 'A', utm_source: 'ads' }], {
			options: { ignoreUnknownFields: true },
		});
		expect(errors).toHaveLength(0);
		expect(success[0].json.action).toBe('inserted');
		expect(setup.zoho.records()[0]).not.toHaveProperty('utm_source');
	});

	test('mapped values from expressions, shaped for their field types', async () => {
		const { success, errors } = await setup.upsert(
			[{ mail: 'typed@example.org', surname: 'Typed', interests: 'CRM; Analytics', demo: '2026-12-01T10:00:00Z', staff: '42', optOut: 'yes' }],
			{
				columns: {
					mappingMode: 'defineBelow',
					value: {
						Email: '={{ $json.mail }}',
						Last_Name: '={{ $json.surname }}',
						Product_Interest: '={{ $json.interests }}',
						Demo_Date: '={{ $json.demo }}',
						No_of_Employees: '={{ $json.staff }}',
						Email_Opt_Out: '={{ $json.optOut }}',
						Phone: '={{ $json.phone }}',
					},
					matchingColumns: ['Email'],
					schema: [],
				},
			},
		);
		expect(errors).toHaveLength(0);
		expect(success[0].json.action).toBe('inserted');
		const [record] = setup.zoho.records();
		expect(record.Product_Interest).toEqual(['CRM', 'Analytics']);
		expect(record.Demo_Date).toBe('2026-12-01');
		expect(record.No_of_Employees).toBe(42);
		expect(record.Email_Opt_Out).toBe(true);
		// An empty mapped value is left out, not sent as "" (Zoho would reject a blank phone).
		expect(record).not.toHaveProperty('Phone');
	});

	test('"Clear Empty Fields" sends empty values as null so Zoho clears them', async () => {
		setup.zoho.seedRecord('Leads', { Email: 'clear@example.org', Last_Name: 'Clear', Phone: '+4930123456' });
		const { success } = await setup.upsert([{ Email: 'clear@example.org', Phone: '' }], { options: { clearEmptyFields: true } });
		expect(success[0].json.action).toBe('updated');
		expect(setup.zoho.records()[0].Phone).toBeNull();
	});

	test('a value the field type cannot take fails that item only, naming field and fix', async () => {
		const { success, errors } = await setup.upsert([
			{ Email: 'n@example.org', Last_Name: 'N', No_of_Employees: 'many' },
			{ Email: 'ok@example.org', Last_Name: 'Ok' },
		]);
		expect(success).toHaveLength(1);
		expect(errors[0].json.error).toBe('Field "No_of_Employees" needs a number, got "many"');
		expect(errors[0].json.details).toMatchObject({ field: 'No_of_Employees' });
		expect(setup.zoho.countOf('upsert')).toBe(1);
	});

	test('items with the same email in one run become one write and one record', async () => {
		const { success, errors } = await setup.upsert([
			{ Email: 'twice@example.org', Last_Name: 'First', Company: 'Old Co' },
			{ Email: 'other@example.org', Last_Name: 'Other' },
			{ Email: 'Twice@Example.org', Company: 'New Co' },
		]);
		expect(errors).toHaveLength(0);
		expect(success).toHaveLength(3);
		expect(success[2].json.id).toBe(success[0].json.id);
		expect(success[2].json.mergedWithItem).toBe(0);
		const twice = setup.zoho.records().filter((record) => String(record.Email).toLowerCase() === 'twice@example.org');
		expect(twice).toHaveLength(1);
		expect(twice[0]).toMatchObject({ Last_Name: 'First', Company: 'New Co' });
	});

	test('a merged write Zoho refuses for one item is sent again item by item, so the other item still goes in', async () => {
		setup.zoho.seedRecord('Leads', { Email: 'owner@example.org', Last_Name: 'Owner', External_Lead_ID: 'TAKEN' });
		const { success, errors } = await setup.upsert([
			{ Email: 'form@example.org', Last_Name: 'Form', Company: 'Northwind Labs' },
			{ Email: 'other@example.org', Last_Name: 'Other' },
			// The same person posted again, with an id that belongs to another lead.
			{ Email: 'FORM@example.org', External_Lead_ID: 'TAKEN' },
		]);
		expect(success.map((item) => [item.pairedItem, item.json.action])).toEqual([
			[{ item: 0 }, 'inserted'],
			[{ item: 1 }, 'inserted'],
		]);
		expect(success[0].json.mergedWithItem).toBeUndefined();
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 2 });
		expect(errors[0].json.details).toMatchObject({ field: 'External_Lead_ID', code: 'DUPLICATE_DATA', itemIndex: 2 });
		const form = setup.zoho.records().filter((record) => record.Email === 'form@example.org');
		expect(form).toHaveLength(1);
		expect(form[0]).toMatchObject({ Last_Name: 'Form', Company: 'Northwind Labs' });
		expect(form[0].External_Lead_ID).toBeUndefined();
		// The batch of two records, then the refused one's two items, one round each.
		expect(setup.zoho.countOf('upsert')).toBe(3);
	});

	test('matches on a unique custom field chosen in "Match On"', async () => {
		const existing = setup.zoho.seedRecord('Leads', { Email: 'old@example.org', Last_Name: 'Ext', External_Lead_ID: 'FORM-7' });
		const { success } = await setup.upsert([{ External_Lead_ID: 'FORM-7', Email: 'new@example.org' }], {
			columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['External_Lead_ID', 'Email'], schema: [] },
		});
		expect(success[0].json).toMatchObject({ action: 'updated', id: existing.id, matchedOn: 'External_Lead_ID' });
		expect(setup.zoho.records()).toHaveLength(1);
		expect(setup.zoho.records()[0].Email).toBe('new@example.org');
	});

	test('a duplicate on another unique field surfaces as DUPLICATE_DATA naming it', async () => {
		setup.zoho.seedRecord('Leads', { Email: 'owner@example.org', Last_Name: 'Owner', External_Lead_ID: 'TAKEN' });
		const { errors } = await setup.upsert([{ Email: 'someone@example.org', Last_Name: 'Else', External_Lead_ID: 'TAKEN' }]);
		expect(errors[0].json.error).toContain('already has this External_Lead_ID');
		expect(errors[0].json.details).toMatchObject({ field: 'External_Lead_ID', code: 'DUPLICATE_DATA' });
	});

	test('"Match On" with a field Zoho cannot check for duplicates stops with the fields it can use', async () => {
		const columns = { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['Company'], schema: [] };
		const stopped = await setup.upsert([{ Email: 'a@example.org', Last_Name: 'A' }], { columns }, 'stopWorkflow');
		expect(stopped.error?.message).toBe('Zoho cannot match Leads records on Company');
		expect(stopped.error?.description).toContain('Email, External_Lead_ID');
		// With "continue (using error output)" every item goes to the error output, none passes as a success.
		const continued = await setup.upsert([{ Email: 'a@example.org', Last_Name: 'A' }, { Email: 'b@example.org' }], { columns });
		expect(continued.success).toHaveLength(0);
		expect(continued.errors.map((item) => item.json.error)).toEqual([
			'Zoho cannot match Leads records on Company',
			'Zoho cannot match Leads records on Company',
		]);
		expect(setup.zoho.countOf('upsert')).toBe(0);
	});

	test('a non-object input item gets a clear error; the others go through', async () => {
		const { success, errors } = await setup.upsert([{ Email: 'fine@example.org', Last_Name: 'Fine' }, {}]);
		expect(success).toHaveLength(1);
		expect(errors[0].json.error).toBe('Nothing to send: no mapped field has a value');
		expect(String((errors[0].json.details as { fix: string }).fix)).toContain('Email');
	});

	test('automations, assignment rule and multi-select append reach Zoho as asked', async () => {
		await setup.upsert([{ Email: 'auto@example.org', Last_Name: 'Auto', Product_Interest: 'CRM' }], {
			options: { trigger: [], larId: '5843104000000090001', appendMultiSelect: true },
		});
		expect(setup.zoho.lastUpsertBody).toMatchObject({
			trigger: [],
			lar_id: '5843104000000090001',
			duplicate_check_fields: ['Email'],
			data: [{ Email: 'auto@example.org', Product_Interest: ['CRM'], $append_values: { Product_Interest: true } }],
		});
		// Without the option Zoho runs its automations as for records created in its UI.
		await setup.upsert([{ Email: 'auto@example.org', Last_Name: 'Auto' }]);
		expect(setup.zoho.lastUpsertBody).not.toHaveProperty('trigger');
	});

	test('without "continue on error" the node stops with the first failure and says how many were written', async () => {
		const { error, success } = await setup.upsert(
			[
				{ Email: 'good@example.org', Last_Name: 'Good' },
				{ Email: 'bad', Last_Name: 'Bad' },
			],
			{},
			'stopWorkflow',
		);
		expect(success).toHaveLength(0);
		expect(error?.message).toContain('Email');
		expect(error?.description).toContain('1 of 2 items failed; 1 succeeded');
		expect(setup.zoho.records()).toHaveLength(1);
	});

	test('secrets never reach outputs, errors or request URLs', async () => {
		const { success, errors } = await setup.upsert([
			{ Email: 'a@example.org', Last_Name: 'A' },
			{ Email: 'bad', Last_Name: 'B' },
		]);
		const stored = setup.store.get(setup.credential.id).data;
		const everything = JSON.stringify([success, errors]);
		for (const secret of [stored.clientSecret, stored.refreshToken, stored.accessToken]) {
			expect(String(secret).length).toBeGreaterThan(8);
			expect(everything).not.toContain(String(secret));
			for (const entry of setup.zoho.log) expect(entry.url).not.toContain(String(secret));
		}
		// The token request carries its secrets in the body, not the query string.
		expect(setup.zoho.log.find((entry) => entry.endpoint === 'token')?.url).toBe('/oauth/v2/token');
	});
});
