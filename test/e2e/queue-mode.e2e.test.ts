/**
 * n8n in queue mode: a main process taking the webhooks, two `n8n worker` processes running the
 * executions, Redis and Postgres. 200 leads, 25 at a time, to each webhook template; then the
 * same with every token expiring halfway; then steady traffic over several short token
 * lifetimes. Checked in the sandboxes: no lead lost or stored twice, one token grant per
 * lifetime for all workers together, no call the CRM had to refuse.
 *
 * QUEUE_MODE_BASELINE_DIST=<a dist/ built from an earlier commit> runs the same against that
 * code, for before/after figures (its token checks fail where that code needed more grants).
 */
import { RUNTIME } from '../../demo/runtime';
import { startInstance, type Answer, type Instance } from './instance';

const WORKERS = 2;
const LEADS = 200;
const AT_ONCE = 25;
/** Token lifetime the sandboxes announce (expires_in) for the steady-traffic test. */
const TOKEN_LIFETIME_MS = 30_000;
const STEADY_MS = 3 * TOKEN_LIFETIME_MS + 5_000;
const STEADY_AT_ONCE = 3;

let n8n: Instance;

beforeAll(async () => {
	n8n = await startInstance({
		queue: { workers: WORKERS },
		packageDist: process.env.QUEUE_MODE_BASELINE_DIST,
		// Each worker keeps to its share of the vendors' per-account limits.
		credentialData: { acton: { sharingWorkers: WORKERS }, leadsquared: { sharingWorkers: WORKERS }, act365: { sharingWorkers: WORKERS } },
	});
	console.log(`n8n ${RUNTIME.version} in queue mode (${WORKERS} workers) at ${n8n.url}; seconds per step: ${JSON.stringify(n8n.timings)}`);
}, 20 * 60_000);

afterAll(async () => {
	await n8n?.stop();
});

beforeEach(() => {
	for (const sandbox of Object.values(n8n.sandboxes)) {
		sandbox.faults.clear();
		sandbox.resetCounters();
	}
});

interface Crm {
	label: string;
	path: string;
	/** How many records the sandbox holds for an e-mail. */
	stored(email: string): number;
	sandbox(): Instance['sandboxes'][keyof Instance['sandboxes']];
}

const CRMS: Crm[] = [
	{
		label: 'Zoho CRM',
		path: 'lead-intake/zoho',
		stored: (email) => n8n.sandboxes.zoho.records('Leads').filter((record) => String(record.Email).toLowerCase() === email).length,
		sandbox: () => n8n.sandboxes.zoho,
	},
	{
		label: 'LeadSquared',
		path: 'lead-intake/leadsquared',
		stored: (email) => n8n.sandboxes.leadsquared.leads().filter((lead) => lead.EmailAddress?.toLowerCase() === email).length,
		sandbox: () => n8n.sandboxes.leadsquared,
	},
	{
		label: 'Act-On',
		path: 'lead-intake/act-on',
		stored: (email) => n8n.sandboxes.acton.records('l-0001').filter((record) => record.email.toLowerCase() === email).length,
		sandbox: () => n8n.sandboxes.acton,
	},
	{
		label: 'Act! 365',
		path: 'lead-intake/act-365',
		stored: (email) => n8n.sandboxes.act365.contactsByEmail(email).length,
		sandbox: () => n8n.sandboxes.act365,
	},
];

/** Posts `count` new leads, `AT_ONCE` in flight at a time; answers in order. */
async function burst(crm: Crm, prefix: string, count = LEADS): Promise<{ emails: string[]; answers: Answer[]; seconds: number }> {
	const emails = Array.from({ length: count }, (_, i) => `${prefix}-${i}-${Date.now().toString(36)}@example.org`);
	const answers: Answer[] = new Array(count);
	let next = 0;
	const started = Date.now();
	await Promise.all(
		Array.from({ length: AT_ONCE }, async () => {
			while (next < count) {
				const i = next++;
				answers[i] = await n8n.postJson(`webhook/${crm.path}`, { email: emails[i], firstName: 'Queue', lastName: `Lead ${i}`, company: 'Workers Ltd' });
			}
		}),
	);
	return { emails, answers, seconds: (Date.now() - started) / 1000 };
}

/** Posts new leads, `STEADY_AT_ONCE` in flight at a time, for `ms`. */
async function steady(crm: Crm, prefix: string, ms: number): Promise<{ emails: string[]; answers: Answer[] }> {
	const emails: string[] = [];
	const answers: Answer[] = [];
	const until = Date.now() + ms;
	await Promise.all(
		Array.from({ length: STEADY_AT_ONCE }, async () => {
			while (Date.now() < until) {
				const i = emails.length;
				emails.push(`${prefix}-${i}-${Date.now().toString(36)}@example.org`);
				answers[i] = await n8n.postJson(`webhook/${crm.path}`, { email: emails[i], firstName: 'Steady', lastName: `Lead ${i}`, company: 'Workers Ltd' });
			}
		}),
	);
	return { emails, answers };
}

function totalRefusals(crm: Crm): number {
	return Object.values(crm.sandbox().refusals).reduce((sum, count) => sum + count, 0);
}

function expectEveryLeadStoredOnce(crm: Crm, run: { emails: string[]; answers: Answer[] }): void {
	const statuses = run.answers.map((answer) => answer.status);
	expect(statuses.filter((status) => status !== 200)).toEqual([]);
	expect(run.answers.every((answer) => answer.json?.ok === true && typeof answer.json.id === 'string')).toBe(true);
	const counts = run.emails.map((email) => crm.stored(email));
	expect(counts.filter((count) => count === 0)).toHaveLength(0); // none lost
	expect(counts.filter((count) => count > 1)).toHaveLength(0); // none stored twice
}

describe(`queue mode, ${WORKERS} workers: ${LEADS} leads, ${AT_ONCE} at a time, to each webhook template`, () => {
	beforeAll(async () => {
		// One lead each first: the credentials' first token, as a running n8n has by then.
		for (const crm of CRMS) {
			const answer = await n8n.postJson(`webhook/${crm.path}`, { email: `warm-${crm.path.split('/')[1]}@example.org`, lastName: 'Warm' });
			expect(answer.status).toBe(200);
		}
	}, 120_000);

	test.each(CRMS.map((crm) => [crm.label, crm]))(
		'%s: every lead stored once, no new token, no refusal',
		async (label, crm) => {
			const grantsBefore = n8n.sandboxes.acton.tokenCalls();
			const run = await burst(crm, 'queue');
			console.log(`${label}: ${LEADS} leads in ${run.seconds.toFixed(1)} s, calls ${JSON.stringify(crm.sandbox().calls)}, refusals ${JSON.stringify(crm.sandbox().refusals)}`);
			expectEveryLeadStoredOnce(crm, run);
			expect(totalRefusals(crm)).toBe(0);
			if (crm.label === 'Zoho CRM') expect(n8n.sandboxes.zoho.countOf('token')).toBe(0);
			if (crm.label === 'Act-On') expect(n8n.sandboxes.acton.tokenCalls()).toEqual(grantsBefore);
		},
		10 * 60_000,
	);

	test('the fan-out template: every lead stored once in each of the four CRMs, no new token, no refusal', async () => {
		const fanOut: Crm = { label: 'all four', path: 'lead-intake/all-crms', stored: () => 0, sandbox: () => n8n.sandboxes.zoho };
		const actOnGrants = n8n.sandboxes.acton.tokenCalls();
		const run = await burst(fanOut, 'fan-out');
		console.log(`Fan-out: ${LEADS} leads in ${run.seconds.toFixed(1)} s`);
		expect(run.answers.map((answer) => answer.status).filter((status) => status !== 200)).toEqual([]);
		expect(run.answers.every((answer) => answer.json?.ok === true && answer.json.stored.length === 4)).toBe(true);
		for (const crm of CRMS) {
			const counts = run.emails.map((email) => crm.stored(email));
			expect([crm.label, counts.filter((count) => count !== 1).length]).toEqual([crm.label, 0]);
			expect([crm.label, totalRefusals(crm)]).toEqual([crm.label, 0]);
		}
		expect(n8n.sandboxes.zoho.countOf('token')).toBe(0);
		expect(n8n.sandboxes.acton.tokenCalls()).toEqual(actOnGrants);
	}, 10 * 60_000);

	test('Zoho CRM, every token expiring halfway: one new token for all workers, every lead stored once', async () => {
		const zoho = CRMS[0];
		// Executions share upsert calls (70 for the 200 leads measured here, 18 in one process): the
		// 15th call falls early in the burst, with most leads still to come.
		n8n.sandboxes.zoho.injectFault({ endpoint: 'upsert', nth: 15, fault: { kind: 'action', run: () => n8n.sandboxes.zoho.actions().expireTokens() } });
		const run = await burst(zoho, 'zoho-expiry');
		console.log(`Zoho CRM with expiry: token calls ${n8n.sandboxes.zoho.countOf('token')}, refusals ${JSON.stringify(n8n.sandboxes.zoho.refusals)}`);
		expectEveryLeadStoredOnce(zoho, run);
		expect(n8n.sandboxes.zoho.countOf('token')).toBe(1);
	}, 10 * 60_000);

	test('Act-On, every access token expiring halfway: refreshed without a single password login, every lead stored once', async () => {
		const acton = CRMS[2];
		n8n.sandboxes.acton.injectFault({ endpoint: 'upsertRecord', nth: LEADS / 2, fault: { kind: 'action', run: () => n8n.sandboxes.acton.actions().expireAccessTokens() } });
		const before = n8n.sandboxes.acton.tokenCalls();
		const run = await burst(acton, 'acton-expiry');
		// The sandbox counts grants since it started, not since the last counter reset.
		const after = n8n.sandboxes.acton.tokenCalls();
		const grants = { password: after.password - before.password, refresh: after.refresh - before.refresh };
		console.log(`Act-On with expiry: token calls ${JSON.stringify(grants)}, refusals ${JSON.stringify(n8n.sandboxes.acton.refusals)}`);
		expectEveryLeadStoredOnce(acton, run);
		expect(grants.password).toBe(0);
		// One refresh for all workers: the others read the tokens it stored.
		expect(grants.refresh).toBe(1);
	}, 10 * 60_000);

	test('Act! 365: the same new lead posted twice at once, 25 times over: one contact each, both answers naming it', async () => {
		const act365 = CRMS[3];
		const emails = Array.from({ length: 25 }, (_, i) => `twice-${i}-${Date.now().toString(36)}@example.org`);
		const pairs = await Promise.all(
			emails.map(async (email) => await Promise.all([0, 1].map(async (copy) => await n8n.postJson(`webhook/${act365.path}`, { email, firstName: `Copy ${copy}`, lastName: 'Twice' })))),
		);
		console.log(`Act! 365 twice: calls ${JSON.stringify(n8n.sandboxes.act365.calls)}`);
		for (const [index, email] of emails.entries()) {
			const contacts = n8n.sandboxes.act365.contactsByEmail(email);
			expect(pairs[index].map((answer) => answer.status)).toEqual([200, 200]);
			expect(contacts).toHaveLength(1);
			expect(pairs[index].map((answer) => answer.json.id)).toEqual([contacts[0].id, contacts[0].id]);
		}
	}, 10 * 60_000);

	test('Zoho CRM and Act-On, steady traffic over several token lifetimes: one token grant per lifetime for all workers, no call refused', async () => {
		// expires_in is the vendors' own field: a short lifetime is an answer either may give.
		n8n.sandboxes.zoho.configure({ tokenTtlMs: TOKEN_LIFETIME_MS });
		n8n.sandboxes.acton.configure({ accessTokenTtlMs: TOKEN_LIFETIME_MS });
		// The stored tokens were issued for an hour: end them, so the next ones carry the short lifetime.
		n8n.sandboxes.zoho.actions().expireTokens();
		n8n.sandboxes.acton.actions().expireAccessTokens();
		for (const crm of [CRMS[0], CRMS[2]]) expect((await n8n.postJson(`webhook/${crm.path}`, { email: `short-${crm.path.split('/')[1]}@example.org`, lastName: 'Short' })).status).toBe(200);
		n8n.sandboxes.zoho.resetCounters();
		n8n.sandboxes.acton.resetCounters();
		const actOnBefore = n8n.sandboxes.acton.tokenCalls();
		const started = Date.now();
		const runs = await Promise.all([CRMS[0], CRMS[2]].map(async (crm) => await steady(crm, `steady-${crm.path.split('/')[1]}`, STEADY_MS)));
		const lifetimes = (Date.now() - started) / TOKEN_LIFETIME_MS;
		const actOnAfter = n8n.sandboxes.acton.tokenCalls();
		const zohoGrants = n8n.sandboxes.zoho.countOf('token');
		const actOnGrants = { password: actOnAfter.password - actOnBefore.password, refresh: actOnAfter.refresh - actOnBefore.refresh };
		console.log(
			`Steady traffic, ${lifetimes.toFixed(1)} token lifetimes of ${TOKEN_LIFETIME_MS / 1000} s, ${WORKERS} workers: Zoho ${runs[0].answers.length} leads, ${zohoGrants} token grants, refusals ${JSON.stringify(n8n.sandboxes.zoho.refusals)}; Act-On ${runs[1].answers.length} leads, token calls ${JSON.stringify(actOnGrants)}, refusals ${JSON.stringify(n8n.sandboxes.acton.refusals)}`,
		);
		expectEveryLeadStoredOnce(CRMS[0], runs[0]);
		expectEveryLeadStoredOnce(CRMS[2], runs[1]);
		// Each token is renewed once, by one worker, in its last 10 to 25 %, before it expires.
		expect(zohoGrants).toBeGreaterThanOrEqual(Math.floor(lifetimes) - 1);
		expect(zohoGrants).toBeLessThanOrEqual(Math.ceil(lifetimes / 0.75));
		expect(n8n.sandboxes.zoho.refusals.invalidToken ?? 0).toBe(0);
		expect(actOnGrants.password).toBe(0);
		expect(actOnGrants.refresh).toBeGreaterThanOrEqual(Math.floor(lifetimes) - 1);
		expect(actOnGrants.refresh).toBeLessThanOrEqual(Math.ceil(lifetimes / 0.75));
		expect(totalRefusals(CRMS[2])).toBe(0);
	}, 10 * 60_000);
});
