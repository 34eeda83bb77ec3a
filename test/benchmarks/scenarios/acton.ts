import type { IDataObject } from 'n8n-workflow';

import { ActOnSandbox } from '../../../sandbox/acton/ActOnSandbox';
import type { Sandbox } from '../../../sandbox/framework';
import { describeAnswer, request, tokenFlows, type RetryOnFail } from '../baseline';
import { seconds, slidingWindowMs } from '../floors';
import { credentialIdFor, executeNode, loadHarness } from '../node';
import { pacingTargets, runLabel } from '../targets';
import type { ChildOutcome, Job, Mode, RunResult, Scenario, TargetCheck } from '../types';

const CREDENTIAL = 'actOnLeadUpsertApi';
const USER = { username: 'marketing@example.com', password: 'Sandbox-Pass-1' };
const CLIENT = { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret' };
/** The "Web Leads" list: E-mail Address, First Name, Last Name, Company… */
const LIST = 'l-0001';
/** act-on.md §5: 5 calls per second, 5 password grants per hour, 30,000 calls a day. */
const CALLS_PER_SECOND = 5;
const PASSWORD_GRANTS_PER_HOUR = 5;
const DAILY_QUOTA = 30_000;
/** Leads in the execution that follows the measured one, to count its token calls. */
const NEXT_RUN_LEADS = 5;

function leads(count: number, prefix = 'bench'): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({
		'E-mail Address': `${prefix}${i}@example.org`,
		'First Name': `First${i}`,
		'Last Name': `Last${i}`,
		Company: 'Northwind Labs',
	}));
}

async function viaNode(job: Job, endMeasurement: () => Promise<void>): Promise<ChildOutcome> {
	const { CredentialStore } = loadHarness();
	const store = new CredentialStore();
	const credential = store.add(CREDENTIAL, {
		host: 'custom',
		customBaseUrl: job.url,
		...USER,
		...CLIENT,
		callsPerSecond: job.mode === 'limited' ? CALLS_PER_SECOND : 1_000_000,
		accessToken: '',
		refreshToken: '',
		tokenExpiresAt: '',
	}, credentialIdFor(job, CREDENTIAL));
	const execution = (items: IDataObject[]) =>
		executeNode({
			type: 'actOnLeadUpsert',
			credentialType: CREDENTIAL,
			credentialId: credential.id,
			store,
			items,
			parameters: {
				operation: 'upsert',
				list: { __rl: true, mode: 'list', value: LIST },
				columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['E-mail Address'], schema: [] },
				options: {},
			},
		});
	const outcome = await execution(leads(job.leads));
	await endMeasurement();
	// The next form submissions, within the token's hour: the parent counts their token calls.
	const next = await execution(leads(NEXT_RUN_LEADS, 'next'));
	return { ...outcome, extra: { nextRunLeads: NEXT_RUN_LEADS, nextRunWritten: next.written } };
}

async function passwordGrant(url: string, retry: RetryOnFail): Promise<{ token: string } | { reason: string }> {
	const answer = await request(
		{
			method: 'POST',
			url: `${url}/token`,
			form: { grant_type: 'password', username: USER.username, password: USER.password, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret },
		},
		retry,
	);
	const token = answer.body?.access_token as string | undefined;
	return token ? { token } : { reason: `token: ${describeAnswer(answer)}` };
}

async function putRecord(url: string, token: string, lead: IDataObject, retry: RetryOnFail) {
	const email = encodeURIComponent(String(lead['E-mail Address']));
	const answer = await request(
		{ method: 'PUT', url: `${url}/api/1/list/${LIST}/record?email=${email}`, headers: { authorization: `Bearer ${token}` }, json: lead },
		retry,
	);
	return answer.body?.status === 'success' ? ({ ok: true } as const) : ({ ok: false, reason: `upsert: ${describeAnswer(answer)}` } as const);
}

/** Seed 000: the scriptlet asks for a token with the user's password on every submission, then PUTs the lead; the hand-built chain gets one token for the run, then writes per lead. */
const { seedStyle, perLead } = tokenFlows(leads, passwordGrant, putRecord);

export const acton: Scenario = {
	crm: 'acton',
	title: 'Act-On',
	limitsText:
		`${CALLS_PER_SECOND} calls per second, ${PASSWORD_GRANTS_PER_HOUR} password grants per hour, ${DAILY_QUOTA.toLocaleString('en')} calls a day ` +
		'(act-on.md §2.5 and §5; the refusals\' status and body are not documented, the emulator answers 429)',
	sizesText:
		'1,000 leads for every flow: at 5 calls per second they need at least 200 s; 10,000 would need 33 minutes (and a third of the daily quota).',
	variantsText: {
		node:
			'Create or Update into the "Web Leads" list, Map Automatically, default options (5 calls in flight, paced to the credential\'s 5 calls per second); ' +
			`then a second execution of ${NEXT_RUN_LEADS} leads with the same credential, to count its token calls`,
		seed: 'seed 000: per lead, a password grant, then a PUT of that lead; no retry',
		perLead:
			'one password grant for the run, then one PUT per lead, one lead at a time, with n8n\'s Retry On Fail (3 tries, 1 s apart). ' +
			'Act-On has no batch call, so this is the node\'s own call pattern without its pacing',
	},
	plans: [
		{ variant: 'node', leads: 1000 },
		{ variant: 'seed', leads: 1000 },
		{ variant: 'perLead', leads: 1000 },
	],
	tokenEndpoints: ['token'],
	createSandbox: () => new ActOnSandbox(),
	apiUrl: (sandbox: Sandbox) => sandbox.baseUrl,
	configure(sandbox: Sandbox, mode: Mode, latencyMs: number) {
		const unlimited = 1_000_000_000;
		sandbox.latencyMs = latencyMs;
		sandbox.configure(
			mode === 'limited'
				? { callsPerSecond: CALLS_PER_SECOND, callWindowMs: 1000, passwordGrantsPerHour: PASSWORD_GRANTS_PER_HOUR, dailyQuota: DAILY_QUOTA }
				: { callsPerSecond: unlimited, passwordGrantsPerHour: unlimited, dailyQuota: unlimited },
		);
		sandbox.reset();
	},
	floor(leads: number, latencyMs: number) {
		const upserts = slidingWindowMs(leads, CALLS_PER_SECOND, 1000, latencyMs);
		const ms = latencyMs + upserts;
		return {
			ms,
			formula: `1 token call (not counted against the per-second limit), then N upserts at ${CALLS_PER_SECOND} per second: L + (⌈N/${CALLS_PER_SECOND}⌉−1)·1 s + L = ${seconds(ms)}`,
		};
	},
	execute(job: Job, endMeasurement: () => Promise<void>) {
		if (job.variant === 'node') return viaNode(job, endMeasurement);
		if (job.variant === 'seed') return seedStyle(job);
		return perLead(job);
	},
	targets(runs: RunResult[]): TargetCheck[] {
		return runs
			.filter((run) => run.variant === 'node')
			.flatMap((run) => {
				const nextTokens = run.followUpCalls.token ?? 0;
				return [
					...pacingTargets(run),
					{
						crm: run.title,
						target: `${runLabel(run)}: at most 1 token call in the run, 0 in the next run within the token's lifetime`,
						pass: run.tokenCalls <= 1 && nextTokens === 0 && run.extra.nextRunWritten === run.extra.nextRunLeads,
						measured: `${run.tokenCalls} in the run; ${nextTokens} in the next run of ${run.extra.nextRunLeads} leads (${run.extra.nextRunWritten} written)`,
					},
				];
			});
	},
};
