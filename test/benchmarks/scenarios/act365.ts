import type { IDataObject } from 'n8n-workflow';

import { Act365Sandbox, MAX_TOP } from '../../../sandbox/act365/Act365Sandbox';
import type { Sandbox } from '../../../sandbox/framework';
import { describeAnswer, eachLead, N8N_RETRY_ON_FAIL, NO_RETRY, request, type RetryOnFail } from '../baseline';
import { seconds, slidingWindowMs } from '../floors';
import { credentialIdFor, executeNode, loadHarness } from '../node';
import { pacingTargets, runLabel } from '../targets';
import type { ChildOutcome, Job, Mode, RunResult, Scenario, TargetCheck } from '../types';

const CREDENTIAL = 'act365LeadUpsertApi';
const KEYS = { apiKey: 'bench-api-key', developerKey: 'bench-developer-key' };
/**
 * Act! 365 publishes no limit; the Act! Web API announces one per minute in X-RateLimit-*
 * headers without a number. 600 a minute makes the limit, not the latency, set the pace.
 */
const LIMIT = 600;
const WINDOW_MS = 60_000;
/** Calls in flight for the node: its maximum, so a minute's allowance is spent early in the window. */
const NODE_PARALLEL_CALLS = 10;

function leads(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({
		emailAddress: `bench${i}@example.org`,
		firstName: `Name${i}`,
		lastName: `Surname${i}`,
		company: 'Northwind Labs',
	}));
}

async function viaNode(job: Job): Promise<ChildOutcome> {
	const { CredentialStore } = loadHarness();
	const store = new CredentialStore();
	// No limit of its own: the node follows the one Act! announces in its X-RateLimit headers.
	const credential = store.add(CREDENTIAL, {
		authentication: 'apiKeys',
		host: 'custom',
		baseUrl: job.url,
		apiKey: KEYS.apiKey,
		developerApiKey: KEYS.developerKey,
		accessToken: '',
	}, credentialIdFor(job, CREDENTIAL));
	return await executeNode({
		type: 'act365ContactUpsert',
		credentialType: CREDENTIAL,
		credentialId: credential.id,
		store,
		items: leads(job.leads),
		parameters: {
			operation: 'upsert',
			columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['emailAddress'], schema: [] },
			options: { maxParallelCalls: NODE_PARALLEL_CALLS },
		},
	});
}

const basic = () => `Basic ${Buffer.from(`${KEYS.apiKey}:${KEYS.developerKey}`).toString('base64')}`;

/** Look-up by e-mail, then a create or an update: Act! has no upsert. */
async function lookUpAndWrite(url: string, lead: IDataObject, retry: RetryOnFail) {
	const filter = `emailAddress eq '${String(lead.emailAddress).replace(/'/g, "''")}'`;
	const found = await request({ method: 'GET', url: `${url}/Contacts?$filter=${encodeURIComponent(filter)}&$top=1`, headers: { authorization: basic() } }, retry);
	if (found.status !== 200 || !Array.isArray(found.body)) return { ok: false, reason: `look-up: ${describeAnswer(found)}` } as const;
	const existing = found.body[0] as { id?: string } | undefined;
	const written = await request(
		existing?.id
			? { method: 'PATCH', url: `${url}/Contacts/${existing.id}`, headers: { authorization: basic() }, json: lead }
			: { method: 'POST', url: `${url}/Contacts`, headers: { authorization: basic() }, json: lead },
		retry,
	);
	return written.status < 300 ? ({ ok: true } as const) : ({ ok: false, reason: `write: ${describeAnswer(written)}` } as const);
}

/** The seeds' pattern (seed 001 goes through the Cloud Elements hub, which does the same): a look-up and a write per lead, sent once. */
async function seedStyle(job: Job): Promise<ChildOutcome> {
	const input = leads(job.leads);
	return await eachLead(job.leads, (i) => lookUpAndWrite(job.url, input[i], NO_RETRY));
}

/** Without an upsert there is no single-request flow: a look-up and a write per lead, with Retry On Fail. */
async function perLead(job: Job): Promise<ChildOutcome> {
	const input = leads(job.leads);
	return await eachLead(job.leads, (i) => lookUpAndWrite(job.url, input[i], N8N_RETRY_ON_FAIL));
}

export const act365: Scenario = {
	crm: 'act365',
	title: 'Act! 365',
	limitsText:
		`${LIMIT} calls per ${WINDOW_MS / 1000} s, announced in X-RateLimit-Limit/-Remaining/-Reset and refused with 429 and Retry-After ` +
		'(act-365.md §2.6 and §3.5: Act! 365 publishes no limit; the Act! Web API sends these headers per minute without a number, so the number is ours)',
	sizesText:
		`1,000 leads for every flow. At ${LIMIT} calls a minute, 10,000 leads (over 10,000 calls) need at least 16 minutes, too long for one benchmark run.`,
	variantsText: {
		node:
			`Create or Update, Map Automatically, Match On emailAddress, Max Parallel Calls ${NODE_PARALLEL_CALLS}; the credential sets no limit of its own, ` +
			'so the node follows the limit Act! announces (look-ups batched by e-mail, then one create or update per contact)',
		seed: 'per lead, an OData look-up by e-mail, then a create (or an update); no retry',
		perLead:
			'the same two calls per lead, one lead at a time, with n8n\'s Retry On Fail (3 tries, 1 s apart): Act! has no upsert, so no flow can do a lead in one request',
	},
	plans: [
		{ variant: 'node', leads: 1000 },
		{ variant: 'seed', leads: 1000 },
		{ variant: 'perLead', leads: 1000 },
	],
	tokenEndpoints: [],
	createSandbox: () => new Act365Sandbox({ apiKey: KEYS.apiKey, developerKey: KEYS.developerKey }),
	apiUrl: (sandbox: Sandbox) => `${sandbox.baseUrl}/act/api`,
	configure(sandbox: Sandbox, mode: Mode, latencyMs: number) {
		sandbox.latencyMs = latencyMs;
		sandbox.configure(mode === 'limited' ? { limit: LIMIT, windowMs: WINDOW_MS } : { limit: 0 });
		sandbox.reset();
	},
	floor(leads: number, latencyMs: number) {
		const lookUps = Math.ceil(leads / MAX_TOP);
		const calls = leads + lookUps;
		const ms = slidingWindowMs(calls, LIMIT, WINDOW_MS, latencyMs);
		return {
			ms,
			formula:
				`N writes plus ⌈N/${MAX_TOP}⌉ look-ups (${MAX_TOP} contacts, the most one page returns) = ${calls} calls at ${LIMIT} per ${WINDOW_MS / 1000} s: ` +
				`(⌈${calls}/${LIMIT}⌉−1)·${WINDOW_MS / 1000} s + L = ${seconds(ms)}`,
		};
	},
	execute(job: Job) {
		if (job.variant === 'node') return viaNode(job);
		if (job.variant === 'seed') return seedStyle(job);
		return perLead(job);
	},
	targets(runs: RunResult[]): TargetCheck[] {
		return runs
			.filter((run) => run.variant === 'node')
			.flatMap((run) => {
				const perLeadCalls = run.totalCalls / run.leads;
				return [
					...pacingTargets(run),
					{
						crm: run.title,
						target: `${runLabel(run)}: at most 1.1 calls per lead`,
						pass: perLeadCalls <= 1.1,
						measured: `${run.totalCalls} calls = ${perLeadCalls.toFixed(3)} per lead (${Object.entries(run.calls).map(([k, v]) => `${k} ${v}`).join(', ')})`,
					},
				];
			});
	},
};
