import type { IDataObject } from 'n8n-workflow';

import { autoMap, expectNoSecrets, leads, leadSquaredSetup, type Setup } from './setup';

let setup: Setup;
beforeEach(async () => {
	setup = await leadSquaredSetup();
});
afterEach(async () => {
	await setup.close();
});

const details = (item: { json: IDataObject }) => item.json.details as IDataObject;

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

describe('LeadSquared lead + activity', () => {
	test('creates or updates the lead by its search key and posts the activity with its fields', async () => {
		const existing = setup.sandbox.seedLead({ EmailAddress: 'ada@example.org', FirstName: 'Ada' });
		const { success, errors } = await setup.upsertWithActivity(
			[
				{ EmailAddress: 'ADA@example.org', LastName: 'Okafor', page: '/pricing' },
				{ EmailAddress: 'lin@example.net', LastName: 'Berg', page: '/demo' },
			],
			{ activityDateTime: '2026-11-20T09:15:00Z' },
		);
		expect(errors).toHaveLength(0);
		const activities = setup.sandbox.activities();
		expect(activities).toHaveLength(2);
		expect(success[0].json).toMatchObject({
			action: 'inserted',
			id: activities[0].Id,
			// CreateCustom's documented answer names one id (Message.Id); the lead's is not in it.
			leadId: null,
			activityEvent: 205,
			activityDateTime: '2026-11-20 09:15:00',
			crm: 'LeadSquared',
			searchBy: 'EmailAddress',
		});
		expect(activities[1].RelatedProspectId).toBe(setup.sandbox.findLeadByEmail('lin@example.net')?.ProspectID);
		expect(activities[0]).toMatchObject({
			RelatedProspectId: existing.ProspectID,
			ActivityEvent: 205,
			ActivityNote: 'Form submitted',
			ActivityDateTime: '2026-11-20 09:15:00',
			Fields: { mx_Custom_1: '/pricing' },
		});
		expect(setup.sandbox.findLeadByEmail('ada@example.org')).toMatchObject({ FirstName: 'Ada', LastName: 'Okafor' });
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expectNoSecrets(setup, [success, errors]);
	});

	test('two submissions of one lead in one run: one lead, two activities told apart by their time', async () => {
		const { success, errors } = await setup.upsertWithActivity(
			[
				{ EmailAddress: 'twice@example.org', page: '/a' },
				{ EmailAddress: 'Twice@example.org', page: '/b' },
			],
			{ activityDateTime: '2026-11-20 09:15:00' },
		);
		expect(errors).toHaveLength(0);
		expect(setup.sandbox.leads()).toHaveLength(1);
		expect(setup.sandbox.activities().map((activity) => activity.ActivityDateTime)).toEqual(['2026-11-20 09:15:00', '2026-11-20 09:15:01']);
		expect(success[0].json.leadId).toBe(success[1].json.leadId);
	});

	test('an unknown activity type fails every item, listing the valid ones, before any post', async () => {
		const { success, errors } = await setup.upsertWithActivity(leads(2), { activityEvent: 999 });
		expect(success).toHaveLength(0);
		expect(errors).toHaveLength(2);
		expect(errors[0].json.error).toBe('Unknown activity type 999');
		expect(details(errors[0])).toMatchObject({ field: 'activityEvent' });
		expect(String(details(errors[0]).fix)).toContain('205 (Form Submitted), 206 (Webinar Registered), 207 (Demo Requested)');
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(0);
	});

	test('the activity type may come from each item; a bad one fails that item alone', async () => {
		const { success, errors } = await setup.upsertWithActivity(
			[
				{ EmailAddress: 'a@example.org', type: 207 },
				{ EmailAddress: 'b@example.org', type: 'webinar' },
				{ EmailAddress: 'c@example.org', type: 205, page: '/c' },
			],
			{ activityEvent: '={{ $json.type }}', activityFields: { mappingMode: 'defineBelow', value: null, matchingColumns: [], schema: [] } },
		);
		expect(success.map((item) => item.json.activityEvent)).toEqual([207, 205]);
		expect(errors[0].json.error).toBe('Unknown activity type "webinar"');
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		expect(setup.sandbox.activities().map((activity) => activity.ActivityEvent)).toEqual([207, 205]);
	});

	test('a required activity field, a bad date, an empty search key: each fails its item, naming the field', async () => {
		const webinar = await setup.upsertWithActivity([{ EmailAddress: 'w@example.org', page: '' }, { EmailAddress: 'v@example.org', page: 'Q4 launch' }], {
			activityEvent: 206,
		});
		expect(webinar.success).toHaveLength(1);
		expect(webinar.errors[0].json.error).toBe('Activity field Webinar (mx_Custom_1) is required');
		expect(details(webinar.errors[0]).field).toBe('mx_Custom_1');

		const dated = await setup.upsertWithActivity([{ EmailAddress: 'd@example.org', when: 'next Tuesday' }], {
			activityDateTime: '={{ $json.when }}',
		});
		expect(details(dated.errors[0])).toMatchObject({ field: 'activityDateTime' });

		const blank = await setup.upsertWithActivity([{ EmailAddress: '', page: '/x' }]);
		expect(blank.errors[0].json.error).toBe('No value for the search key Email (EmailAddress)');
		expect(setup.sandbox.activities()).toHaveLength(1);
	});

	test('an activity field LeadSquared does not have for the type fails the item, naming the closest', async () => {
		const { errors } = await setup.upsertWithActivity([{ EmailAddress: 'f@example.org' }], {
			activityFields: { mappingMode: 'defineBelow', value: { mx_Custom_49: 'x' }, matchingColumns: [], schema: [] },
		});
		expect(errors[0].json.error).toBe('Field "mx_Custom_49" does not exist in the CRM');
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(0);
	});

	test('MXDuplicateEntryException on the lead fails the item naming the conflicting field; no activity is posted', async () => {
		setup.sandbox.seedLead({ EmailAddress: 'a@example.org', Phone: '111111' });
		setup.sandbox.seedLead({ EmailAddress: 'b@example.org', Phone: '222222' });
		const { success, errors } = await setup.upsertWithActivity([
			{ EmailAddress: 'a@example.org', Phone: '222222', page: '/clash' },
			{ EmailAddress: 'c@example.org', page: '/fine' },
		]);
		expect(success).toHaveLength(1);
		expect(details(errors[0])).toMatchObject({ field: 'Phone', code: 'MXDuplicateEntryException' });
		expect(errors[0].json.error).toContain('Phone Number (Phone)');
		expect(setup.sandbox.activities()).toHaveLength(1);
	});

	test('a drop-down activity value outside its options is refused unless "Skip Drop-Down Validation" is on', async () => {
		const parameters = {
			activityEvent: 206,
			activityFields: { mappingMode: 'defineBelow', value: { mx_Custom_1: 'Launch', mx_Custom_3: 'Recorded' }, matchingColumns: [], schema: [] },
		};
		const strict = await setup.upsertWithActivity([{ EmailAddress: 'g@example.org' }], parameters);
		expect(strict.errors[0].json.error).toContain("Invalid option 'Recorded'");
		expect(details(strict.errors[0]).field).toBe('mx_Custom_3');
		const lenient = await setup.upsertWithActivity([{ EmailAddress: 'g@example.org' }], {
			...parameters,
			options: { ignoreUnknownFields: true, skipDropDownValidation: true },
		});
		expect(lenient.errors).toHaveLength(0);
		expect(setup.sandbox.activities()).toHaveLength(1);
	});
});

/** Documented activity rows (CreatedOn only) against rows that also show ActivityDateTime and ActivityNote. */
describe.each([
	['documented activity rows', false],
	['activity rows with ActivityDateTime', true],
])('LeadSquared lead + activity: answers lost after LeadSquared wrote (%s)', (_mode, activityListDateTime) => {
	beforeEach(() => {
		setup.sandbox.configure({ answers: { activityListDateTime } });
	});

	/** The lost item: recovered where the row shows the post, otherwise refused without a second post. */
	function expectLostItem(item: { json: IDataObject } | undefined, errorItem: { json: IDataObject } | undefined, email: string): void {
		const leadId = setup.sandbox.findLeadByEmail(email)?.ProspectID;
		if (activityListDateTime) {
			expect(item?.json).toMatchObject({ recoveredAfterLostAnswer: true, leadId });
		} else {
			expect(errorItem?.json.error).toBe(`LeadSquared may already have posted this activity on lead ${leadId} (EmailAddress ${email}): its answer was lost`);
			expect(details(errorItem!)).toMatchObject({ code: 'ACTIVITY_UNCONFIRMED', fix: expect.stringContaining('check its activities') });
		}
	}

	test('a lost answer is checked on the lead before anything is sent again: one activity, never two', async () => {
		setup.sandbox.injectFault({ endpoint: 'activityCreateCustom', nth: 2, fault: { kind: 'lostResponse' } });
		const { success, errors } = await setup.upsertWithActivity(leads(3), { options: { ignoreUnknownFields: true, maxParallelCalls: 1 } });
		expect(success.length + errors.length).toBe(3);
		expect(errors).toHaveLength(activityListDateTime ? 0 : 1);
		expectLostItem(
			success.find((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 1),
			errors[0],
			'lead1@example.org',
		);
		if (activityListDateTime) expect(success[1].json.id).toBe(setup.sandbox.activities()[1].Id);
		expect([...activitiesByEmail().values()]).toEqual([1, 1, 1]);
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(3);
		expect(setup.sandbox.countOf('getByEmail')).toBe(1);
		expect(setup.sandbox.countOf('activityRetrieve')).toBe(1);
	});

	test('a dropped connection or a 503 before the write: the check finds nothing and the post is sent again', async () => {
		setup.sandbox.injectFault({ endpoint: 'activityCreateCustom', nth: 1, fault: { kind: 'reset' } });
		setup.sandbox.injectFault({ endpoint: 'activityCreateCustom', nth: 3, fault: { kind: 'status', status: 503 } });
		const { success, errors } = await setup.upsertWithActivity(leads(2), { options: { ignoreUnknownFields: true, maxParallelCalls: 1 } });
		expect(errors).toHaveLength(0);
		expect(success.every((item) => item.json.recoveredAfterLostAnswer === undefined)).toBe(true);
		expect([...activitiesByEmail().values()]).toEqual([1, 1]);
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(4);
	});

	test('a timed-out call is checked the same way', async () => {
		setup.sandbox.injectFault({ endpoint: 'activityCreateCustom', nth: 1, fault: { kind: 'timeout' } });
		const { success, errors } = await setup.upsertWithActivity(leads(1), { options: { ignoreUnknownFields: true, timeout: 1000 } });
		expect(errors).toHaveLength(0);
		expect(success).toHaveLength(1);
		expect(setup.sandbox.activities()).toHaveLength(1);
	});

	test.each([
		['Phone', { Phone: '+91 98765 43210', page: '/p' }],
		['mx_Customer_Id', { mx_Customer_Id: 'CUST-42', page: '/c' }],
	])('searching by %s, a lost answer never leads to a second post', async (searchBy, item) => {
		setup.sandbox.injectFault({ endpoint: 'activityCreateCustom', nth: 1, fault: { kind: 'lostResponse' } });
		const { success, errors } = await setup.upsertWithActivity([item], { columns: autoMap(searchBy) });
		if (activityListDateTime) {
			expect(errors).toHaveLength(0);
			expect(success[0].json).toMatchObject({ recoveredAfterLostAnswer: true, searchBy });
		} else {
			expect(success).toHaveLength(0);
			expect(errors[0].json.error).toContain(`(${searchBy} ${Object.values(item)[0]})`);
		}
		expect(setup.sandbox.leads()).toHaveLength(1);
		expect(setup.sandbox.activities()).toHaveLength(1);
		expect(setup.sandbox.countOf('activityCreateCustom')).toBe(1);
	});

	test('an earlier activity on the same lead is never mistaken for a post that did not arrive', async () => {
		const lead = setup.sandbox.seedLead({ EmailAddress: 'seen@example.org' });
		await setup.upsertWithActivity([{ EmailAddress: 'seen@example.org', page: '/first' }], { activityDateTime: '2026-11-20 09:15:00' });
		setup.sandbox.injectFault({ endpoint: 'activityCreateCustom', nth: 1, fault: { kind: 'reset' } });
		const { success, errors } = await setup.upsertWithActivity([{ EmailAddress: 'seen@example.org', page: '/second' }], {
			activityDateTime: '2026-11-20 09:15:00',
		});
		const posted = setup.sandbox.activities().filter((activity) => activity.RelatedProspectId === lead.ProspectID).map((a) => a.Fields.mx_Custom_1);
		// A recent post with other values might still be this one as far as documented fields go
		// (ActivityDateTime and the Data keys only ever confirm a post), so the item is refused
		// rather than risking a second post.
		expect(success).toHaveLength(0);
		expect(errors[0].json.error).toContain('may already have posted this activity');
		expect(posted).toEqual(['/first']);
	});
});
