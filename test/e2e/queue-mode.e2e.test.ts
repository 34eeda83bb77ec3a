/**
 * n8n in queue mode: a main process taking the webhooks, two `n8n worker` processes running the
 * executions, Redis and Postgres. 200 leads, 25 at a time, to each webhook template; then the
 * same with every token expiring halfway. Checked in the sandboxes: no lead lost or stored
 * twice, no token grant beyond what the lifetimes need, no call the CRM had to refuse.
 */
import { RUNTIME } from '../../demo/runtime';
import { startInstance, type Answer, type Instance } from './instance';

const WORKERS = 2;
const LEADS = 200;
const AT_ONCE = 25;

let n8n: Instance;

beforeAll(async () => {
	n8n = await startInstance({
		queue: { workers: WORKERS },
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

function totalRefusals(crm: Crm): number {
	return Object.values(crm.sandbox().refusals).reduce((sum, count) => sum + count, 0);
}

function expectEveryLeadStoredOnce(crm: Crm, run: Awaited<ReturnType<typeof burst>>): void {
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

	test('Zoho CRM, every token expiring halfway: each worker gets at most one new token, every lead stored once', async () => {
		const zoho = CRMS[0];
		n8n.sandboxes.zoho.injectFault({ endpoint: 'upsert', nth: LEADS / 2, fault: { kind: 'action', run: () => n8n.sandboxes.zoho.actions().expireTokens() } });
		const run = await burst(zoho, 'zoho-expiry');
		console.log(`Zoho CRM with expiry: token calls ${n8n.sandboxes.zoho.countOf('token')}, refusals ${JSON.stringify(n8n.sandboxes.zoho.refusals)}`);
		expectEveryLeadStoredOnce(zoho, run);
		expect(n8n.sandboxes.zoho.countOf('token')).toBeGreaterThanOrEqual(1);
		expect(n8n.sandboxes.zoho.countOf('token')).toBeLessThanOrEqual(WORKERS);
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
		expect(grants.refresh).toBeGreaterThanOrEqual(1);
		// One refresh that wins, at most one per other worker that is refused (and re-reads the credential).
		expect(grants.refresh).toBeLessThanOrEqual(WORKERS);
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
});
