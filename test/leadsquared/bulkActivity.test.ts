import type { IDataObject } from 'n8n-workflow';

import { autoMap, expectNoSecrets, leads, leadSquaredSetup, ROOMY, type PlanSettings, type Setup } from './setup';

let setup: Setup;
afterEach(async () => {
	await setup.close();
});

const details = (item: { json: IDataObject }) => item.json.details as IDataObject;
/** Forces the bulk APIs; "page" is an activity field, not a lead field. */
const bulk = (extra: IDataObject = {}) => ({ options: { ignoreUnknownFields: true, apiMode: 'bulk', ...extra } });

/** Activities per lead e-mail, to check "exactly one each". */
function activitiesByEmail(): Map<string, number> {
	const emailOf = new Map(setup.sandbox.leads().map((lead) => [lead.ProspectID, lead.EmailAddress]));
	const counts = new Map<string, number>();
	for (const activity of setup.sandbox.activities()) {
		const email = emailOf.get(activity.RelatedProspectId) ?? '?';
		counts.set(email, (counts.get(email) ?? 0) + 1);
	}
	return counts;
}

function expectEachLeadOnceWithOneActivity(count: number): void {
	const stored = setup.sandbox.leads();
	expect(stored).toHaveLength(count);
	expect(new Set(stored.map((lead) => lead.EmailAddress.toLowerCase())).size).toBe(count);
	const perLead = activitiesByEmail();
	expect(perLead.size).toBe(count);
	expect([...perLead.values()].every((n) => n === 1)).toBe(true);
}

describe('LeadSquared lead + activity through the bulk APIs', () => {
	beforeEach(async () => {
		setup = await leadSquaredSetup();
	});

	test('a bulk lead call then a bulk activity call per batch: leads by search key, activities with their fields', async () => {
		const existing = setup.sandbox.seedLead({ EmailAddress: 'ada@example.org', FirstName: 'Ada' });
		const { success, errors } = await setup.upsertWithActivity(
			[
				{ EmailAddress: 'ADA@example.org', LastName: 'Okafor', page: '/pricing' },
				{ EmailAddress: 'lin@example.net', LastName: 'Berg', page: '/demo' },
				{ EmailAddress: 'kim@example.com', page: '/trial' },
			],
			{ activityDateTime: '2026-11-20T09:15:00Z', ...bulk({ batchSize: 2 }) },
		);
		expect(errors).toHaveLength(0);
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(2);
		expect(setup.sandbox.countOf('activityBulkAdd')).toBe(2);
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(0);
		expect(setup.sandbox.countOf('createOrUpdate')).toBe(0);

		const activities = setup.sandbox.activities();
		expect(activities).toHaveLength(3);
		expect(success[0].json).toMatchObject({
			action: 'inserted',
			id: activities[0].Id,
			leadId: existing.ProspectID,
			activityEvent: 205,
			activityDateTime: '2026-11-20 09:15:00',
			crm: 'LeadSquared',
			searchBy: 'EmailAddress',
			api: 'bulk',
		});
		expect(success.map((item) => item.json.leadId)).toEqual([
			existing.ProspectID,
			setup.sandbox.findLeadByEmail('lin@example.net')?.ProspectID,
			setup.sandbox.findLeadByEmail('kim@example.com')?.ProspectID,
		]);
		expect(activities.map((activity) => [activity.Id, activity.ActivityNote, activity.ActivityDateTime, activity.Fields])).toEqual(
			success.map((item, i) => [item.json.id, 'Form submitted', '2026-11-20 09:15:00', { mx_Custom_1: ['/pricing', '/demo', '/trial'][i] }]),
		);
		expect(setup.sandbox.findLeadByEmail('ada@example.org')).toMatchObject({ FirstName: 'Ada', LastName: 'Okafor' });
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expectNoSecrets(setup, [success, errors]);
	});

	test('a lead refused in its row, an activity refused in its row and bad input each fail their item alone, naming the field', async () => {
		setup.sandbox.seedLead({ EmailAddress: 'a@example.org', Phone: '111111' });
		setup.sandbox.seedLead({ EmailAddress: 'b@example.org', Phone: '222222' });
		const { success, errors } = await setup.upsertWithActivity(
			[
				{ EmailAddress: 'a@example.org', Phone: '222222', attendance: 'Live' },
				{ EmailAddress: 'c@example.org', attendance: 'Recorded' },
				{ EmailAddress: '', attendance: 'Live' },
				{ EmailAddress: 'd@example.org', attendance: 'On demand' },
			],
			{
				activityEvent: 206,
				activityFields: {
					mappingMode: 'defineBelow',
					value: { mx_Custom_1: 'Q4 launch', mx_Custom_3: '={{ $json.attendance }}' },
					matchingColumns: [],
					schema: [],
				},
				...bulk(),
			},
		);
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 3 }]);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);

		expect(details(errors[0])).toMatchObject({ field: 'Phone', code: 'MXDuplicateEntryException' });
		expect(errors[0].json.error).toContain('Phone Number (Phone)');
		expect(errors[1].json.error).toContain("Invalid option 'Recorded'");
		expect(details(errors[1])).toMatchObject({ field: 'mx_Custom_3', code: 'MXInvalidInputException' });
		expect(errors[2].json.error).toBe('No value for the search key Email (EmailAddress)');

		// The refused lead gets no activity; the lead whose activity was refused is still written.
		expect(setup.sandbox.findLeadByEmail('c@example.org')).toBeDefined();
		expect(setup.sandbox.activities().map((activity) => activity.Fields.mx_Custom_3)).toEqual(['On demand']);
		expect(success[0].json.id).toBe(setup.sandbox.activities()[0].Id);
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(1);
		expect(setup.sandbox.countOf('activityBulkAdd')).toBe(1);
	});

	test.each([
		['in one call', 25, 1],
		['in parallel batches', 1, 3],
	])('two submissions of one lead %s: one lead, two activities told apart by their time', async (_case, batchSize, maxParallelCalls) => {
		const { success, errors } = await setup.upsertWithActivity(
			[
				{ EmailAddress: 'twice@example.org', FirstName: 'Tw', page: '/a' },
				{ EmailAddress: 'Twice@example.org', LastName: 'Ice', page: '/b' },
			],
			{ activityDateTime: '2026-11-20 09:15:00', ...bulk({ batchSize, maxParallelCalls }) },
		);
		expect(errors).toHaveLength(0);
		expect(setup.sandbox.leads()).toHaveLength(1);
		expect(setup.sandbox.findLeadByEmail('twice@example.org')).toMatchObject({ FirstName: 'Tw', LastName: 'Ice' });
		expect(setup.sandbox.activities().map((activity) => [activity.ActivityDateTime, activity.Fields.mx_Custom_1])).toEqual([
			['2026-11-20 09:15:00', '/a'],
			['2026-11-20 09:15:01', '/b'],
		]);
		expect(success[0].json.leadId).toBe(success[1].json.leadId);
	});

	test.each([
		['documented activity rows', false],
		['activity rows with ActivityDateTime', true],
	])('a lost answer on the activity call is checked on each lead before anything is sent again (%s): one activity each, never two', async (_mode, activityListDateTime) => {
		setup.sandbox.configure({ answers: { activityListDateTime } });
		setup.sandbox.injectFault({ endpoint: 'activityBulkAdd', nth: 1, fault: { kind: 'lostResponse' } });
		const { success, errors } = await setup.upsertWithActivity(leads(3), bulk({ batchSize: 2, maxParallelCalls: 1 }));
		const activities = setup.sandbox.activities();
		if (activityListDateTime) {
			expect(errors).toHaveLength(0);
			expect(success.map((item) => item.json.recoveredAfterLostAnswer)).toEqual([true, true, undefined]);
			expect(success.map((item) => item.json.id)).toEqual(activities.map((activity) => activity.Id));
			expect(success[0].json.leadId).toBe(setup.sandbox.findLeadByEmail('lead0@example.org')?.ProspectID);
		} else {
			// From CreatedOn alone the posts cannot be told from others: refused, naming each lead.
			expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			const leadId = setup.sandbox.findLeadByEmail('lead0@example.org')?.ProspectID;
			expect(errors[0].json.error).toBe(`LeadSquared may already have posted this activity on lead ${leadId} (EmailAddress lead0@example.org): its answer was lost`);
			expect(success.map((item) => item.json.id)).toEqual([activities[2].Id]);
		}
		expect([...activitiesByEmail().values()]).toEqual([1, 1, 1]);
		expect(setup.sandbox.countOf('activityBulkAdd')).toBe(2);
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(2);
		// The lead IDs are known from the bulk lead call: only the activities are looked up.
		expect(setup.sandbox.countOf('activityRetrieve')).toBe(2);
		expect(setup.sandbox.countOf('getByEmail')).toBe(0);
	});

	test('a dropped connection or a 503 on the activity call: nothing found, only the activities are sent again', async () => {
		setup.sandbox.injectFault({ endpoint: 'activityBulkAdd', nth: 1, fault: { kind: 'reset' } });
		setup.sandbox.injectFault({ endpoint: 'activityBulkAdd', nth: 3, fault: { kind: 'status', status: 503 } });
		const { success, errors } = await setup.upsertWithActivity(leads(4), bulk({ batchSize: 2, maxParallelCalls: 1 }));
		expect(errors).toHaveLength(0);
		expect(success.every((item) => item.json.recoveredAfterLostAnswer === undefined)).toBe(true);
		expectEachLeadOnceWithOneActivity(4);
		expect(setup.sandbox.countOf('activityBulkAdd')).toBe(4);
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(2);
		expect(setup.sandbox.countOf('activityRetrieve')).toBe(4);
	});

	test('a lost answer on the lead call repeats the lead call (it is idempotent) without looking for activities never sent', async () => {
		setup.sandbox.injectFault({ endpoint: 'bulkCreateOrUpdate', nth: 1, fault: { kind: 'lostResponse' } });
		const { success, errors } = await setup.upsertWithActivity(leads(3), bulk());
		expect(errors).toHaveLength(0);
		expect(success.every((item) => item.json.action === 'inserted' && item.json.recoveredAfterLostAnswer === undefined)).toBe(true);
		expect(success).toHaveLength(3);
		expectEachLeadOnceWithOneActivity(3);
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(2);
		expect(setup.sandbox.countOf('activityBulkAdd')).toBe(1);
		expect(setup.sandbox.countOf('activityRetrieve')).toBe(0);
	});

	test('when the activity call keeps failing, a refused lead keeps its own error and the others say the activity call gave up', async () => {
		setup.sandbox.seedLead({ EmailAddress: 'a@example.org', Phone: '111111' });
		setup.sandbox.seedLead({ EmailAddress: 'b@example.org', Phone: '222222' });
		setup.sandbox.injectFault({ endpoint: 'activityBulkAdd', probability: 1, fault: { kind: 'status', status: 503 } });
		const { success, errors } = await setup.upsertWithActivity(
			[
				{ EmailAddress: 'a@example.org', Phone: '222222', page: '/clash' },
				{ EmailAddress: 'e@example.org', page: '/e' },
				{ EmailAddress: 'f@example.org', page: '/f' },
			],
			bulk({ maxRetries: 1 }),
		);
		expect(success).toHaveLength(0);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(details(errors[0])).toMatchObject({ field: 'Phone', code: 'MXDuplicateEntryException' });
		for (const item of errors.slice(1)) {
			expect(item.json.error).toBe('LeadSquared answered HTTP 503: An internal error occurred. Please try again later.');
			expect(String(details(item).fix)).toMatch(/^Gave up after 2 tries/);
		}
		expect(setup.sandbox.activities()).toHaveLength(0);
		expect(setup.sandbox.countOf('activityBulkAdd')).toBe(2);
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(1);
	});
});

describe('LeadSquared lead + activity: choosing the API', () => {
	test('Automatic takes the bulk APIs only when two bulk calls per 25 leads finish sooner than one call per lead', async () => {
		// 50 leads: one call each is 2 windows at 25 per window; bulk is 2 lead calls (1 window at 2 per
		// window) for Create or Update, but 4 calls (2 windows) with the activity posts: a tie keeps single calls.
		const plan: PlanSettings = { callsPerWindow: 25, bulkCallsPerWindow: 2, rateLimitWindowSeconds: 0.5 };
		setup = await leadSquaredSetup(plan);
		const items = leads(50);
		const withActivity = await setup.upsertWithActivity(items);
		expect(withActivity.success).toHaveLength(50);
		expect(withActivity.success.every((item) => item.json.api === 'single')).toBe(true);
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(50);
		const leadsOnly = await setup.upsert(items.map(({ page: _page, ...lead }) => lead));
		expect(leadsOnly.success.every((item) => item.json.api === 'bulk')).toBe(true);
		await setup.close();

		// With room for 4 bulk calls per window the bulk APIs win for the activity flow too.
		setup = await leadSquaredSetup({ ...plan, bulkCallsPerWindow: 4 });
		const { success, errors } = await setup.upsertWithActivity(items);
		expect(errors).toHaveLength(0);
		expect(success.every((item) => item.json.api === 'bulk')).toBe(true);
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(2);
		expect(setup.sandbox.countOf('activityBulkAdd')).toBe(2);
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(0);
		expectEachLeadOnceWithOneActivity(50);
	});

	test('"One Lead per Call" keeps CreateCustom even when bulk would be faster', async () => {
		setup = await leadSquaredSetup({ ...ROOMY, callsPerWindow: 10, bulkCallsPerWindow: 100 });
		const { success } = await setup.upsertWithActivity(leads(5), { options: { ignoreUnknownFields: true, apiMode: 'single' } });
		expect(success.every((item) => item.json.api === 'single')).toBe(true);
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(5);
		expect(setup.sandbox.countOf('activityBulkAdd')).toBe(0);
	});
});

describe.each([
	['documented activity rows', false],
	['activity rows with ActivityDateTime', true],
])('LeadSquared lead + activity through the bulk APIs at the plan limit (%s)', (_mode, activityListDateTime) => {
	test('1,000 leads under lost answers, resets and 503s: each lead once, one activity each, no refusal, near the bulk floor', async () => {
		// 5-second windows, as LeadSquared's: a late retry's backoff stays small next to the floor.
		// 30 bulk calls per window make the 80 bulk calls (plus repeats) three windows; 200 single
		// calls per window would need five, so Automatic picks bulk, and the checks for lost
		// activities (one Retrieve per lead of a lost call) fit in the single quota.
		const windowMs = 5000;
		const plan: PlanSettings = { callsPerWindow: 200, bulkCallsPerWindow: 30, rateLimitWindowSeconds: windowMs / 1000 };
		setup = await leadSquaredSetup(plan, { latencyMs: 5, seed: 7, answers: { activityListDateTime } });
		setup.sandbox.injectFault({ endpoint: 'activityBulkAdd', nth: 3, fault: { kind: 'lostResponse' } });
		setup.sandbox.injectFault({ endpoint: 'activityBulkAdd', nth: 9, fault: { kind: 'reset' } });
		setup.sandbox.injectFault({ endpoint: 'activityBulkAdd', nth: 17, fault: { kind: 'status', status: 503 } });
		setup.sandbox.injectFault({ endpoint: 'activityBulkAdd', probability: 0.04, fault: { kind: 'lostResponse' } });
		setup.sandbox.injectFault({ endpoint: 'bulkCreateOrUpdate', nth: 5, fault: { kind: 'reset' } });
		setup.sandbox.injectFault({ endpoint: 'bulkCreateOrUpdate', nth: 12, fault: { kind: 'lostResponse' } });

		const started = Date.now();
		const { success, errors } = await setup.upsertWithActivity(leads(1000), { options: { ignoreUnknownFields: true, maxParallelCalls: 4 } });
		const wallMs = Date.now() - started;

		const fired = setup.sandbox.faults.firedByKind;
		// One lost answer is the lead call's (the 12th); the others are activity calls'.
		expect(fired.lostResponse).toBeGreaterThanOrEqual(2);
		expect(fired.reset).toBe(2);
		expect(fired.status503).toBe(1);
		// Every activity of a lost activity call (25 a call) is found and reported, or, where the
		// rows cannot show it is the post, refused naming the lead: never posted again.
		const lostActivityCalls = fired.lostResponse - 1;
		const unconfirmed = activityListDateTime ? 0 : 25 * lostActivityCalls;
		expect(errors).toHaveLength(unconfirmed);
		expect(errors.every((item) => /may already have posted this activity on lead /.test(String(item.json.error)))).toBe(true);
		expect(success).toHaveLength(1000 - unconfirmed);
		expect([...success, ...errors].map((item) => (item.pairedItem as { item: number }).item).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 1000 }, (_, item) => item),
		);
		expect(success.every((item) => item.json.api === 'bulk')).toBe(true);
		expectEachLeadOnceWithOneActivity(1000);
		expect(new Set(success.map((item) => item.json.id)).size).toBe(success.length);
		expect(success.filter((item) => item.json.recoveredAfterLostAnswer).length).toBe(activityListDateTime ? 25 * lostActivityCalls : 0);
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(0);
		expect(setup.sandbox.refusals.rateLimit ?? 0).toBe(0);

		const bulkCalls = setup.sandbox.countOf('bulkCreateOrUpdate') + setup.sandbox.countOf('activityBulkAdd');
		const floor = (Math.ceil(bulkCalls / plan.bulkCallsPerWindow) - 1) * windowMs;
		console.log(
			`LeadSquared bulk 1,000 leads + activities: ${bulkCalls} bulk calls (${setup.sandbox.countOf('bulkCreateOrUpdate')} lead, ` +
				`${setup.sandbox.countOf('activityBulkAdd')} activity), ${setup.sandbox.countOf('activityRetrieve')} activity checks; ` +
				`faults ${JSON.stringify(fired)}; ${wallMs} ms vs floor ${floor} ms = ${(wallMs / floor).toFixed(3)}x`,
		);
		expect(wallMs).toBeGreaterThanOrEqual(floor);
		expect(wallMs / floor).toBeLessThanOrEqual(1.1);
		expectNoSecrets(setup, [success, errors]);
	});
});

test('searching by a custom unique field works on the bulk path too', async () => {
	setup = await leadSquaredSetup();
	const { success, errors } = await setup.upsertWithActivity(
		[
			{ mx_Customer_Id: 'CUST-1', FirstName: 'One', page: '/1' },
			{ mx_Customer_Id: 'CUST-2', page: '/2' },
		],
		{ columns: autoMap('mx_Customer_Id'), ...bulk() },
	);
	expect(errors).toHaveLength(0);
	expect(success.every((item) => item.json.searchBy === 'mx_Customer_Id' && item.json.api === 'bulk')).toBe(true);
	expect(setup.sandbox.leads().map((lead) => lead.mx_Customer_Id)).toEqual(['CUST-1', 'CUST-2']);
	expect(setup.sandbox.activities()).toHaveLength(2);
});
