import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox/framework';
import { ZohoSandbox } from '../../../sandbox/zoho/ZohoSandbox';
import { describeAnswer, request, tokenFlows, type RetryOnFail } from '../baseline';
import { concurrencyMs, seconds } from '../floors';
import { credentialIdFor, executeNode, loadHarness } from '../node';
import type { ChildOutcome, Job, Mode, RunResult, Scenario, TargetCheck } from '../types';

const CREDENTIAL = 'zohoCrmLeadUpsertApi';
const REFRESH_TOKEN = '1000.benchmark.refresh-token';
const CLIENT = { clientId: '1000.SANDBOXCLIENTID', clientSecret: 'sandbox-client-secret' };
/** Zoho's sub-concurrency for heavy calls (upserts of more than 10 records), every edition. */
const CONCURRENCY = 10;
const BATCH = 100;
/** Enterprise base credits per rolling 24 h (an upsert costs 1 credit per 10 records). */
const DAILY_CREDITS = 50_000;
/** Access tokens per refresh token per 10 minutes. */
const MINTS_PER_WINDOW = 10;

function leads(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({
		Email: `bench${i}@example.org`,
		First_Name: `Name${i}`,
		Last_Name: `Surname${i}`,
		Company: 'Northwind Labs',
		Lead_Source: 'Web Form',
	}));
}

async function viaNode(job: Job): Promise<ChildOutcome> {
	const { CredentialStore } = loadHarness();
	const store = new CredentialStore();
	const credential = store.add(CREDENTIAL, {
		dataCenter: 'custom',
		customAccountsUrl: job.url,
		...CLIENT,
		refreshToken: REFRESH_TOKEN,
		accessToken: '',
		apiDomain: '',
	}, credentialIdFor(job, CREDENTIAL));
	return await executeNode({
		type: 'zohoCrmLeadUpsert',
		credentialType: CREDENTIAL,
		credentialId: credential.id,
		store,
		items: leads(job.leads),
		parameters: {
			operation: 'upsert',
			module: 'Leads',
			columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['Email'], schema: [] },
			options: {},
		},
	});
}

async function mintToken(url: string, retry: RetryOnFail): Promise<{ token: string } | { reason: string }> {
	const query = new URLSearchParams({
		grant_type: 'refresh_token',
		client_id: CLIENT.clientId,
		client_secret: CLIENT.clientSecret,
		refresh_token: REFRESH_TOKEN,
	});
	const answer = await request({ method: 'POST', url: `${url}/oauth/v2/token?${query}` }, retry);
	// Zoho refuses with HTTP 200 and an `error` body, or 400 once the mint limit is reached.
	const token = answer.body?.access_token as string | undefined;
	return token ? { token } : { reason: `token: ${describeAnswer(answer)}` };
}

async function upsertOne(url: string, token: string, lead: IDataObject, retry: RetryOnFail) {
	const answer = await request(
		{
			method: 'POST',
			url: `${url}/crm/v8/Leads/upsert`,
			headers: { authorization: `Zoho-oauthtoken ${token}` },
			json: { data: [lead], duplicate_check_fields: ['Email'] },
		},
		retry,
	);
	return answer.body?.data?.[0]?.status === 'success' ? ({ ok: true } as const) : ({ ok: false, reason: `upsert: ${describeAnswer(answer)}` } as const);
}

/** Seed 002: every form submission asks the accounts server for a token, then writes its lead; the hand-built chain gets one token for the run, then writes per lead. */
const { seedStyle, perLead } = tokenFlows(leads, mintToken, upsertOne);

export const zoho: Scenario = {
	crm: 'zoho',
	title: 'Zoho CRM',
	limitsText:
		`${CONCURRENCY} heavy calls in flight (sub-concurrency, every edition), ${DAILY_CREDITS.toLocaleString('en')} credits per rolling 24 h ` +
		`(Enterprise base; 1 credit per 10 records upserted), ${MINTS_PER_WINDOW} access tokens per refresh token per 10 minutes ` +
		'(zoho-crm.md §2.4 and §5.1–5.2)',
	sizesText:
		'1,000 and 10,000 leads through the node: at 100 records a call and 10 calls in flight, 10,000 leads take seconds. ' +
		'The baselines send 1,000: one call per lead at 50 ms makes 10,000 a 9-minute wait that shows nothing new.',
	variantsText: {
		node: 'Create or Update on Leads, Map Automatically, Match On Email, default options (batches of 100, 3 calls in flight)',
		seed: 'seed 002: per lead, a refresh-token grant, then an upsert of that one lead; no retry',
		perLead: 'one refresh-token grant for the run, then one upsert call per lead, one lead at a time, with n8n\'s Retry On Fail (3 tries, 1 s apart)',
	},
	plans: [
		{ variant: 'node', leads: 1000 },
		{ variant: 'node', leads: 10_000 },
		{ variant: 'seed', leads: 1000 },
		{ variant: 'perLead', leads: 1000 },
	],
	tokenEndpoints: ['token'],
	createSandbox: () => new ZohoSandbox({ refreshToken: REFRESH_TOKEN, clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret }),
	apiUrl: (sandbox: Sandbox) => sandbox.baseUrl,
	configure(sandbox: Sandbox, mode: Mode, latencyMs: number) {
		const unlimited = 1_000_000_000;
		sandbox.latencyMs = latencyMs;
		sandbox.configure(
			mode === 'limited'
				? { concurrencyLimit: CONCURRENCY, dailyCredits: DAILY_CREDITS, mintsPerWindow: MINTS_PER_WINDOW }
				: { concurrencyLimit: unlimited, dailyCredits: unlimited, mintsPerWindow: unlimited },
		);
		sandbox.reset();
	},
	floor(leads: number, latencyMs: number) {
		const calls = Math.ceil(leads / BATCH);
		const ms = latencyMs + concurrencyMs(calls, CONCURRENCY, latencyMs);
		return {
			ms,
			formula: `1 token call, then ⌈N/${BATCH}⌉ = ${calls} upserts of ${BATCH}, ${CONCURRENCY} in flight: L + ⌈${calls}/${CONCURRENCY}⌉·L = ${seconds(ms)}`,
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
				const thousands = run.leads / 1000;
				const upserts = (run.calls.upsert ?? 0) / thousands;
				const tokens = run.tokenCalls / thousands;
				const label = `${run.leads.toLocaleString('en')} leads`;
				return [
					{
						crm: 'Zoho CRM',
						target: `${label}: at most 10 upsert calls and 1 token call per 1,000 leads, every lead written`,
						pass: upserts <= 10 && tokens <= 1 && run.written === run.leads,
						measured: `${upserts.toFixed(1)} upsert calls and ${tokens.toFixed(2)} token calls per 1,000 leads; ${run.written} of ${run.leads} written`,
					},
				];
			});
	},
};
