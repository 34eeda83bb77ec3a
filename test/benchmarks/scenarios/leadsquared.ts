import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox/framework';
import { LEADSQUARED_DEFAULT_KEYS, LeadSquaredSandbox } from '../../../sandbox/leadsquared/LeadSquaredSandbox';
import { describeAnswer, eachLead, N8N_RETRY_ON_FAIL, NO_RETRY, request, type RetryOnFail } from '../baseline';
import { seconds, slidingWindowMs } from '../floors';
import { credentialIdFor, executeNode, loadHarness } from '../node';
import { pacingTargets } from '../targets';
import type { ChildOutcome, Job, Mode, RunResult, Scenario, TargetCheck } from '../types';

const CREDENTIAL = 'leadSquaredLeadUpsertApi';
const KEYS = LEADSQUARED_DEFAULT_KEYS;
/** Enterprise: 25 calls per 5 s (rate-limits page, revisions A/B, and every endpoint's 429 text). */
const CALLS_PER_WINDOW = 25;
/** Bulk calls per 5 s: 5 (revision C, Pro); revision A says 1 on every plan. */
const BULK_CALLS_PER_WINDOW = 5;
const WINDOW_MS = 5000;
const BULK_SIZE = 25;
const ACTIVITY_EVENT = 205;

const LEAD = 'lead';
const ACTIVITY = 'activity';

function leads(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({
		EmailAddress: `bench${i}@example.org`,
		FirstName: `Name${i}`,
		LastName: `Surname${i}`,
		page: `/pricing?v=${i}`,
	}));
}

async function viaNode(job: Job): Promise<ChildOutcome> {
	const { CredentialStore } = loadHarness();
	const store = new CredentialStore();
	const limits =
		job.mode === 'limited'
			? { callsPerWindow: CALLS_PER_WINDOW, bulkCallsPerWindow: BULK_CALLS_PER_WINDOW, rateLimitWindowSeconds: WINDOW_MS / 1000 }
			: // Lifted, with bulk still the faster quota (1,000 single calls need two windows, the bulk
				// calls one), so the CPU run makes the same calls as the timed one.
				{ callsPerWindow: 500, bulkCallsPerWindow: 1_000_000, rateLimitWindowSeconds: 1 };
	const credential = store.add(CREDENTIAL, { region: 'custom', customBaseUrl: job.url, ...KEYS, ...limits }, credentialIdFor(job, CREDENTIAL));
	const columns = { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['EmailAddress'], schema: [] };
	const withActivity = job.work === ACTIVITY;
	return await executeNode({
		type: 'leadSquaredLeadUpsert',
		credentialType: CREDENTIAL,
		credentialId: credential.id,
		store,
		items: withActivity ? leads(job.leads) : leads(job.leads).map(({ page: _page, ...lead }) => lead),
		parameters: withActivity
			? {
					operation: 'upsertWithActivity',
					columns,
					activityEvent: ACTIVITY_EVENT,
					activityNote: 'Form submitted',
					activityFields: { mappingMode: 'defineBelow', value: { mx_Custom_1: '={{ $json.page }}' }, matchingColumns: [], schema: [] },
					// "page" belongs to the activity, not to the lead.
					options: { ignoreUnknownFields: true },
				}
			: { operation: 'upsert', columns, options: {} },
	});
}

const keysInQuery = () => new URLSearchParams({ accessKey: KEYS.accessKey, secretKey: KEYS.secretKey }).toString();

function leadDetails(lead: IDataObject) {
	return [
		{ Attribute: 'EmailAddress', Value: lead.EmailAddress },
		{ Attribute: 'FirstName', Value: lead.FirstName },
		{ Attribute: 'LastName', Value: lead.LastName },
		{ Attribute: 'SearchBy', Value: 'EmailAddress' },
	];
}

const utcNow = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

async function post(url: string, body: unknown, retry: RetryOnFail) {
	const answer = await request({ method: 'POST', url: `${url}?${keysInQuery()}`, json: body }, retry);
	// LeadSquared can refuse with HTTP 200 and Status "Error"; such a lead is lost all the same.
	return answer.body?.Status === 'Success' ? ({ ok: true } as const) : ({ ok: false, reason: describeAnswer(answer) } as const);
}

/** Seed 003: per lead, CreateCustom (lead and activity in one call), keys in the query string, sent once. */
async function seedStyle(job: Job): Promise<ChildOutcome> {
	const input = leads(job.leads);
	return await eachLead(job.leads, (i) =>
		post(
			`${job.url}/v2/ProspectActivity.svc/CreateCustom`,
			{
				LeadDetails: leadDetails(input[i]),
				Activity: {
					ActivityEvent: ACTIVITY_EVENT,
					ActivityNote: 'Form submitted',
					ActivityDateTime: utcNow(),
					Fields: [{ SchemaName: 'mx_Custom_1', Value: input[i].page }],
				},
			},
			NO_RETRY,
		),
	);
}

/** A hand-built chain: Lead.CreateOrUpdate per lead, one at a time, with Retry On Fail. */
async function perLead(job: Job): Promise<ChildOutcome> {
	const input = leads(job.leads);
	return await eachLead(job.leads, (i) => post(`${job.url}/v2/LeadManagement.svc/Lead.CreateOrUpdate`, leadDetails(input[i]), N8N_RETRY_ON_FAIL));
}

function leadFloor(leads: number, latencyMs: number) {
	const singles = slidingWindowMs(leads, CALLS_PER_WINDOW, WINDOW_MS, latencyMs);
	const bulkCalls = Math.ceil(leads / BULK_SIZE);
	const bulk = slidingWindowMs(bulkCalls, BULK_CALLS_PER_WINDOW, WINDOW_MS, latencyMs);
	const ms = Math.min(singles, bulk);
	return {
		ms,
		formula:
			`best of singles, N calls at ${CALLS_PER_WINDOW} per ${WINDOW_MS / 1000} s: (⌈N/${CALLS_PER_WINDOW}⌉−1)·${WINDOW_MS / 1000} s + L = ${seconds(singles)}, ` +
			`and bulk, ⌈N/${BULK_SIZE}⌉ = ${bulkCalls} calls at ${BULK_CALLS_PER_WINDOW} per ${WINDOW_MS / 1000} s: (⌈${bulkCalls}/${BULK_CALLS_PER_WINDOW}⌉−1)·${WINDOW_MS / 1000} s + L = ${seconds(bulk)} → ${seconds(ms)}`,
	};
}

function activityFloor(leads: number, latencyMs: number) {
	const singles = slidingWindowMs(leads, CALLS_PER_WINDOW, WINDOW_MS, latencyMs);
	const bulkCalls = 2 * Math.ceil(leads / BULK_SIZE);
	const bulk = slidingWindowMs(bulkCalls, BULK_CALLS_PER_WINDOW, WINDOW_MS, latencyMs);
	const ms = Math.min(singles, bulk);
	return {
		ms,
		formula:
			`best of one CreateCustom per lead at ${CALLS_PER_WINDOW} per ${WINDOW_MS / 1000} s = ${seconds(singles)}, ` +
			`and bulk: ${bulkCalls / 2} bulk lead upserts plus ${bulkCalls / 2} bulk activity posts (Bulk/CustomActivity/Add/ByLeadId, 25 a call) ` +
			`at ${BULK_CALLS_PER_WINDOW} per ${WINDOW_MS / 1000} s = ${seconds(bulk)} → ${seconds(ms)}`,
	};
}

export const leadsquared: Scenario = {
	crm: 'leadsquared',
	title: 'LeadSquared',
	limitsText:
		`${CALLS_PER_WINDOW} calls per ${WINDOW_MS / 1000} s (Enterprise; leadsquared.md §7, rate-limits page revisions A/B), ` +
		`bulk calls ${BULK_CALLS_PER_WINDOW} per ${WINDOW_MS / 1000} s in a separate bucket (revision C; revision A's 1 per 5 s would make bulk no faster than singles), refusals as HTTP 429`,
	sizesText:
		'1,000 leads for every flow. At these limits 10,000 leads take at least 6 minutes in bulk and 33 minutes one lead per call, too long for one benchmark run.',
	workLabels: { [LEAD]: 'lead', [ACTIVITY]: 'lead + activity' },
	variantsText: {
		node:
			'**lead**: Create or Update, Map Automatically, Search By EmailAddress, the credential set to the plan\'s limits (it picks bulk when the bulk quota is faster); ' +
			'**lead + activity**: Create or Update and Post Activity (event 205, the page as mx_Custom_1), which picks the bulk APIs by itself ' +
			'when they are faster (per 25 leads, one bulk lead upsert and one bulk activity post) over one CreateCustom per lead, paced',
		seed: 'seed 003: per lead, one CreateCustom call (lead and activity), keys in the query string, no pacing, no retry',
		perLead: 'one Lead.CreateOrUpdate call per lead, one lead at a time, keys in the query string, with n8n\'s Retry On Fail (3 tries, 1 s apart)',
	},
	plans: [
		{ variant: 'node', leads: 1000, work: LEAD },
		{ variant: 'node', leads: 1000, work: ACTIVITY },
		{ variant: 'seed', leads: 1000, work: ACTIVITY },
		{ variant: 'perLead', leads: 1000, work: LEAD },
	],
	tokenEndpoints: [],
	createSandbox: () => new LeadSquaredSandbox(),
	apiUrl: (sandbox: Sandbox) => (sandbox as LeadSquaredSandbox).hostUrl(),
	configure(sandbox: Sandbox, mode: Mode, latencyMs: number) {
		sandbox.latencyMs = latencyMs;
		sandbox.configure(
			mode === 'limited'
				? { limit: CALLS_PER_WINDOW, windowMs: WINDOW_MS, bulkLimit: BULK_CALLS_PER_WINDOW, bulkWindowMs: WINDOW_MS, rateLimitStatus: 429 }
				: { limit: 1_000_000_000, windowMs: 1000, bulkLimit: 1_000_000_000, bulkWindowMs: 1000 },
		);
		sandbox.reset();
	},
	floor: (leads: number, latencyMs: number, work?: string) => (work === ACTIVITY ? activityFloor(leads, latencyMs) : leadFloor(leads, latencyMs)),
	execute(job: Job) {
		if (job.variant === 'node') return viaNode(job);
		if (job.variant === 'seed') return seedStyle(job);
		return perLead(job);
	},
	targets(runs: RunResult[]): TargetCheck[] {
		// Both flows: lead alone, and lead + activity (which the bulk APIs bring near its floor too).
		return runs.filter((run) => run.variant === 'node').flatMap(pacingTargets);
	},
};
