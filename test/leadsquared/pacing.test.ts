import type { IDataObject } from 'n8n-workflow';

import { expectNoSecrets, leads, leadSquaredSetup, type PlanSettings, type Setup } from './setup';

let setup: Setup;
afterEach(async () => {
	await setup.close();
});

/**
 * LeadSquared's own 5-second window: a retry's backoff at the very end (up to 0.5 s) and
 * a busy test machine then stay small next to the floor.
 */
const WINDOW_MS = 5000;
const activityOptions = (extra: IDataObject = {}) => ({ options: { ignoreUnknownFields: true, maxParallelCalls: 4, ...extra } });

/** The soonest `calls` calls can all have started when at most `limit` may start in any window. */
const floorMs = (calls: number, limit: number, windowMs = WINDOW_MS) => (Math.ceil(calls / limit) - 1) * windowMs;

function expectEachLeadOnceWithOneActivity(count: number): void {
	const leadsStored = setup.sandbox.leads();
	expect(leadsStored).toHaveLength(count);
	expect(new Set(leadsStored.map((lead) => lead.EmailAddress.toLowerCase())).size).toBe(count);
	const perLead = new Map<string, number>();
	for (const activity of setup.sandbox.activities()) perLead.set(activity.RelatedProspectId, (perLead.get(activity.RelatedProspectId) ?? 0) + 1);
	expect(perLead.size).toBe(count);
	expect([...perLead.values()].every((n) => n === 1)).toBe(true);
	expect(leadsStored.every((lead) => perLead.has(lead.ProspectID))).toBe(true);
}

describe.each([
	['documented activity rows', false],
	['activity rows with ActivityDateTime', true],
])('LeadSquared pacing at the plan limit, lead + activity (%s)', (_mode, activityListDateTime) => {
	test('1,000 leads + activities under lost answers, resets and 503s: each lead once, one activity each, no refusal, near the floor', async () => {
		// 248 per window: the 1,000 posts alone already start a fifth window (floor 20 s), and the
		// metadata calls and fault checks fit in it, so the floor is the same with or without them.
		const plan: PlanSettings = { callsPerWindow: 248, bulkCallsPerWindow: 1, rateLimitWindowSeconds: WINDOW_MS / 1000 };
		setup = await leadSquaredSetup(plan, { latencyMs: 5, seed: 3, answers: { activityListDateTime } });
		setup.sandbox.injectFault({ endpoint: 'activityCreateCustom', probability: 0.01, fault: { kind: 'lostResponse' } });
		setup.sandbox.injectFault({ endpoint: 'activityCreateCustom', probability: 0.005, fault: { kind: 'reset' } });
		setup.sandbox.injectFault({ endpoint: 'activityCreateCustom', probability: 0.005, fault: { kind: 'status', status: 503 } });

		const started = Date.now();
		const { success, errors } = await setup.upsertWithActivity(leads(1000), activityOptions({ maxParallelCalls: 8 }));
		const wallMs = Date.now() - started;

		const fired = setup.sandbox.faults.firedByKind;
		expect(fired.lostResponse).toBeGreaterThan(0);
		// A lost post is recovered where the activity rows show it, otherwise refused naming the lead.
		expect(errors).toHaveLength(activityListDateTime ? 0 : fired.lostResponse);
		expect(success).toHaveLength(1000 - errors.length);
		expect([...success, ...errors].map((item) => (item.pairedItem as { item: number }).item).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 1000 }, (_, item) => item),
		);
		expectEachLeadOnceWithOneActivity(1000);
		expect(success.filter((item) => item.json.recoveredAfterLostAnswer).length).toBe(activityListDateTime ? fired.lostResponse : 0);

		expect(setup.sandbox.refusals.rateLimit ?? 0).toBe(0);
		// Metadata once per execution, never per lead (LeadSquared has no token to fetch).
		expect(setup.sandbox.countOf('metadata')).toBe(1);
		expect(setup.sandbox.countOf('activityTypes')).toBe(1);
		expect(setup.sandbox.countOf('activitySetting')).toBe(1);
		const calls = setup.sandbox.totalCalls();
		const floor = floorMs(calls, plan.callsPerWindow);
		console.log(
			`LeadSquared 1,000 leads + activities: ${calls} calls (${setup.sandbox.countOf('activityCreateCustom')} CreateCustom, ` +
				`${setup.sandbox.countOf('getByEmail')} lead checks, ${setup.sandbox.countOf('activityRetrieve')} activity checks; faults ${JSON.stringify(fired)}), ` +
				`${wallMs} ms vs floor ${floor} ms = ${(wallMs / floor).toFixed(3)}x; floor for 1,000 posts alone ${floorMs(1000, plan.callsPerWindow)} ms`,
		);
		expect(wallMs).toBeGreaterThanOrEqual(floor);
		expect(wallMs / floor).toBeLessThanOrEqual(1.1);
		expectNoSecrets(setup, [success, errors]);
	});

	test('1,000 leads through the bulk quota: 40 calls, no refusal, near the floor', async () => {
		// 5 bulk calls (125 leads) against 10 single ones per second: bulk wins.
		const plan: PlanSettings = { callsPerWindow: 10, bulkCallsPerWindow: 5, rateLimitWindowSeconds: 1 };
		setup = await leadSquaredSetup(plan, { latencyMs: 5 });
		const items = leads(1000).map(({ page: _page, ...lead }) => lead);
		const started = Date.now();
		const { success, errors } = await setup.upsert(items, { options: { maxParallelCalls: 4 } });
		const wallMs = Date.now() - started;
		expect(errors).toHaveLength(0);
		expect(success.every((item) => item.json.api === 'bulk' && item.json.action === 'upserted')).toBe(true);
		expect(setup.sandbox.countOf('bulkCreateOrUpdate')).toBe(40);
		expect(setup.sandbox.countOf('createOrUpdate')).toBe(0);
		expect(setup.sandbox.leads()).toHaveLength(1000);
		expect(setup.sandbox.refusals.rateLimit ?? 0).toBe(0);
		const floor = floorMs(40, plan.bulkCallsPerWindow, 1000);
		console.log(`LeadSquared bulk 1,000 leads: 40 bulk calls, ${wallMs} ms vs floor ${floor} ms = ${(wallMs / floor).toFixed(3)}x`);
		expect(wallMs / floor).toBeLessThanOrEqual(1.1);
	});

	test('parallel executions on one credential share its pace', async () => {
		const plan: PlanSettings = { callsPerWindow: 50, bulkCallsPerWindow: 1, rateLimitWindowSeconds: 1 };
		setup = await leadSquaredSetup(plan);
		const runs = await Promise.all([
			setup.upsertWithActivity(leads(60, 'first'), activityOptions()),
			setup.upsertWithActivity(leads(60, 'second'), activityOptions()),
		]);
		expect(runs.map((run) => run.success.length)).toEqual([60, 60]);
		expect(setup.sandbox.refusals.rateLimit ?? 0).toBe(0);
		expectEachLeadOnceWithOneActivity(120);
	});
});

describe.each([429, 200] as const)('LeadSquared refusing calls with HTTP %i', (status) => {
	test('when other tools spend the quota, refused calls are retried at the stated pace; nothing is lost or posted twice', async () => {
		// The credential says 40 per window; the account really allows 20 (others share it).
		setup = await leadSquaredSetup({ callsPerWindow: 40, bulkCallsPerWindow: 1, rateLimitWindowSeconds: 1 }, { limit: 20, rateLimitStatus: status });
		const { success, errors } = await setup.upsertWithActivity(leads(60), activityOptions());
		expect(errors).toHaveLength(0);
		expect(success).toHaveLength(60);
		expectEachLeadOnceWithOneActivity(60);
		const refused = setup.sandbox.refusals.rateLimit ?? 0;
		expect(refused).toBeGreaterThan(0);
		// The refusal states the real limit; the node paces to it from then on instead of being refused again and again.
		expect(refused).toBeLessThanOrEqual(25);
		console.log(`LeadSquared refusals with HTTP ${status}: ${refused} of ${setup.sandbox.totalCalls()} calls`);
	});
});
