/**
 * The templates in a real n8n (the runtime N8N_RUNTIME picks, the pinned 2.x by default, started
 * as a separate process on its own Node), with this package installed as a community package,
 * posting leads to the published webhooks and checking what the CRM sandboxes received. The CI
 * matrix runs this file on every supported n8n version.
 */
import { randomUUID } from 'node:crypto';

import { DEMO_CREDENTIALS } from '../../demo/credentials';
import { RUNTIME } from '../../demo/runtime';
import { eventually, replayEvery, setConstant, startInstance, type Answer, type Instance, type WorkflowJson } from './instance';

const ZOHO_WEBHOOK = 'webhook/lead-intake/zoho';
const REPLAY_SECONDS = 5;
const WRONG_CREDENTIAL = 'e2e/zoho-wrong-credential';
const UNKNOWN_CREDENTIAL = 'e2e/zoho-unknown-credential';
const NO_CREDENTIAL = 'e2e/zoho-no-credential';
const WRONG_REFRESH_TOKEN = '1000.sandbox.refresh-tokem';

/**
 * A copy of a template under another id and path. Everything else stays as shipped, apart from
 * what `change` does to its nodes.
 */
function variant(template: WorkflowJson, id: string, webhookPath: string, change: (node: WorkflowJson['nodes'][number]) => void): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(template)) as WorkflowJson;
	copy.id = id;
	copy.name = `${template.name} [${id}]`;
	for (const node of copy.nodes) {
		if (node.webhookId) node.webhookId = randomUUID();
		if (node.type === 'n8n-nodes-base.webhook') node.parameters.path = webhookPath;
		change(node);
	}
	return copy;
}

const isZohoNode = (node: WorkflowJson['nodes'][number]) => node.type === 'n8n-nodes-lead-upsert.zohoCrmLeadUpsert';

interface StoredLead {
	id: string;
	firstName?: string;
	lastName?: string;
	company?: string;
}

/** The other three webhook templates, and each sandbox's records for an e-mail in common words. */
const OTHER_CRMS = [
	{
		key: 'leadsquared' as const,
		label: 'LeadSquared',
		template: 'leadsquared-webhook.json',
		path: 'lead-intake/leadsquared',
		records: (email: string): StoredLead[] =>
			n8n.sandboxes.leadsquared
				.leads()
				.filter((lead) => lead.EmailAddress?.toLowerCase() === email)
				.map((lead) => ({ id: lead.ProspectID, firstName: lead.FirstName, lastName: lead.LastName, company: lead.Company })),
	},
	{
		key: 'acton' as const,
		label: 'Act-On',
		template: 'act-on-webhook.json',
		path: 'lead-intake/act-on',
		records: (email: string): StoredLead[] =>
			n8n.sandboxes.acton
				.records('l-0001')
				.filter((record) => record.email.toLowerCase() === email)
				.map((record) => ({ id: record.id, firstName: record.values['First Name'], lastName: record.values['Last Name'], company: record.values.Company })),
	},
	{
		key: 'act365' as const,
		label: 'Act! 365',
		template: 'act-365-webhook.json',
		path: 'lead-intake/act-365',
		records: (email: string): StoredLead[] =>
			n8n.sandboxes.act365
				.contactsByEmail(email)
				.map((contact) => ({ id: String(contact.id), firstName: contact.firstName as string, lastName: contact.lastName as string, company: contact.company as string })),
	},
];
const byKey = (key: (typeof OTHER_CRMS)[number]['key']) => OTHER_CRMS.find((crm) => crm.key === key)!;

let n8n: Instance;

beforeAll(async () => {
	n8n = await startInstance({
		// The outbox replay every few seconds instead of every minute, so a queued lead is stored within the test.
		changeTemplates: (templates) => {
			replayEvery(templates['lead-outbox-replay.json'], REPLAY_SECONDS);
			setConstant(templates['zoho-crm-webhook.json'], 'Outbox: what to keep', 'FIRST_RETRY_SECONDS', 1);
		},
		extraCredentials: (urls) => [
			{
				id: 'zohoWrongToken01',
				name: 'Zoho CRM (mistyped refresh token)',
				type: DEMO_CREDENTIALS.zoho.type,
				data: {
					dataCenter: 'custom',
					customAccountsUrl: urls.zoho,
					clientId: '1000.SANDBOXCLIENTID',
					clientSecret: 'sandbox-client-secret',
					refreshToken: WRONG_REFRESH_TOKEN,
					accessToken: '',
					apiDomain: '',
				},
			},
		],
		extraWorkflows: (templates) => {
			const zoho = templates['zoho-crm-webhook.json'];
			return [
				variant(zoho, 'E2eZohoWrongCred', WRONG_CREDENTIAL, (node) => {
					if (isZohoNode(node)) node.credentials = { zohoCrmLeadUpsertApi: { id: 'zohoWrongToken01', name: 'Zoho CRM (mistyped refresh token)' } };
				}),
				// As after importing the template into an instance that has no credential with its id.
				variant(zoho, 'E2eZohoUnknownCr', UNKNOWN_CREDENTIAL, (node) => {
					if (isZohoNode(node)) node.credentials = { zohoCrmLeadUpsertApi: { id: 'notInThisN8n0001', name: 'Zoho CRM account' } };
				}),
				variant(zoho, 'E2eZohoNoCred001', NO_CREDENTIAL, (node) => {
					if (isZohoNode(node)) delete node.credentials;
				}),
				...OTHER_CRMS.map((crm) =>
					variant(templates[crm.template], `E2eNoCred${crm.key.slice(0, 7).padEnd(7, '0')}`, `e2e/${crm.key}-no-credential`, (node) => {
						if (node.type.startsWith('n8n-nodes-lead-upsert.')) delete node.credentials;
					}),
				),
			];
		},
	});
	console.log(`n8n ${RUNTIME.version} up at ${n8n.url}; seconds per step: ${JSON.stringify(n8n.timings)}`);
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

const zohoLeads = (email: string) => n8n.sandboxes.zoho.records('Leads').filter((record) => String(record.Email).toLowerCase() === email);
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}@example.org`;

describe('Web form lead → Zoho CRM (webhook template)', () => {
	test('stores a posted lead and answers 200 with its id; posting it again updates the same record on the same token', async () => {
		const email = unique('ada');
		const first = await n8n.postJson(ZOHO_WEBHOOK, { email: email.toUpperCase(), firstName: ' Ada ', lastName: 'Lovelace' });
		expect(first.status).toBe(200);
		expect(first.json).toEqual({ ok: true, crm: 'Zoho CRM', action: 'inserted', id: expect.any(String) });
		expect(zohoLeads(email)).toEqual([expect.objectContaining({ id: first.json.id, Email: email, First_Name: 'Ada', Last_Name: 'Lovelace' })]);
		const tokensAfterFirst = n8n.sandboxes.zoho.countOf('token');
		expect(tokensAfterFirst).toBeLessThanOrEqual(1);

		const second = await n8n.postJson(ZOHO_WEBHOOK, { email, lastName: 'Lovelace', company: 'Analytical Engines' });
		expect(second.status).toBe(200);
		expect(second.json).toEqual({ ok: true, crm: 'Zoho CRM', action: 'updated', id: first.json.id });
		expect(zohoLeads(email)).toEqual([expect.objectContaining({ id: first.json.id, Company: 'Analytical Engines', First_Name: 'Ada' })]);
		// The second execution reused the token the first one stored.
		expect(n8n.sandboxes.zoho.countOf('token')).toBe(tokensAfterFirst);
		expect(n8n.sandboxes.zoho.countOf('upsert')).toBe(2);
	});

	test.each<[string, () => Promise<Answer>, RegExp]>([
		['broken JSON', () => n8n.post(ZOHO_WEBHOOK, '{"email": "ada@example.org", lastName}', 'application/json'), /parse|JSON/i],
		['a JSON list', () => n8n.postJson(ZOHO_WEBHOOK, [{ email: 'ada@example.org', lastName: 'L' }]), /must be one JSON object/],
		['plain text', () => n8n.post(ZOHO_WEBHOOK, 'ada@example.org', 'text/plain'), /must be one JSON object/],
		['no email', () => n8n.postJson(ZOHO_WEBHOOK, { lastName: 'Lovelace' }), /Missing "email"/],
		['no last name', () => n8n.postJson(ZOHO_WEBHOOK, { email: 'ada@example.org' }), /Missing "lastName"/],
		['an invalid email', () => n8n.postJson(ZOHO_WEBHOOK, { email: 'ada at example.org', lastName: 'L' }), /"email" is not a valid e-mail address: "ada at example.org"/],
		['an email that is not text', () => n8n.postJson(ZOHO_WEBHOOK, { email: { address: 'ada@example.org' }, lastName: 'L' }), /"email" must be text, not object/],
		['two problems', () => n8n.postJson(ZOHO_WEBHOOK, { email: 'ada' }), /Missing "lastName".* "email" is not a valid e-mail address: "ada"/],
	])('a body with %s gets a 4xx saying what is wrong, and Zoho is never called', async (_case, send, words) => {
		const answer = await send();
		expect(answer.status).toBeGreaterThanOrEqual(400);
		expect(answer.status).toBeLessThan(500);
		expect(`${answer.json?.error ?? ''} ${answer.json?.message ?? ''} ${answer.json?.hint ?? ''}`).toMatch(words);
		expect(answer.text).not.toMatch(/stacktrace|at .*\.js:\d+/);
		expect(n8n.sandboxes.zoho.totalCalls()).toBe(0);
	});

	test('a plain HTML form post (form-encoded fields) is accepted like JSON', async () => {
		const email = unique('html-form');
		const answer = await n8n.post(ZOHO_WEBHOOK, new URLSearchParams({ email, lastName: 'Form', company: 'Posted' }).toString(), 'application/x-www-form-urlencoded');
		expect(answer.status).toBe(200);
		expect(zohoLeads(email)).toEqual([expect.objectContaining({ id: answer.json.id, Last_Name: 'Form', Company: 'Posted' })]);
	});

	test('Zoho failing for a moment (503 on the first upsert): the answer is still 200 and the lead is stored once', async () => {
		const email = unique('outage');
		n8n.sandboxes.zoho.injectFault({ endpoint: 'upsert', nth: 1, times: 1, fault: { kind: 'status', status: 503 } });
		const answer = await n8n.postJson(ZOHO_WEBHOOK, { email, lastName: 'Outage' });
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ ok: true, action: 'inserted' });
		expect(zohoLeads(email)).toEqual([expect.objectContaining({ id: answer.json.id })]);
		expect(n8n.sandboxes.zoho.countOf('upsert')).toBe(2);
	});

	test('an answer lost after Zoho stored the lead: the repeat finds it, no duplicate', async () => {
		const email = unique('lost');
		n8n.sandboxes.zoho.injectFault({ endpoint: 'upsert', nth: 1, fault: { kind: 'lostResponse' } });
		const answer = await n8n.postJson(ZOHO_WEBHOOK, { email, lastName: 'Lost' });
		expect(answer.status).toBe(200);
		expect(zohoLeads(email)).toHaveLength(1);
		expect(zohoLeads(email)[0].id).toBe(answer.json.id);
		expect(n8n.sandboxes.zoho.countOf('upsert')).toBe(2);
	});

	test('an outage longer than the node retries: 202 "queued" to the sender, and the outbox replay stores the lead once', async () => {
		const email = unique('later');
		// The try and the node's retry fail; the replay's call succeeds.
		n8n.sandboxes.zoho.injectFault({ endpoint: 'upsert', nth: 1, times: 2, fault: { kind: 'status', status: 503 } });
		const answer = await n8n.postJson(ZOHO_WEBHOOK, { email, lastName: 'Later' });
		expect(answer.status).toBe(202);
		expect(answer.json).toMatchObject({ ok: true, queued: true, crm: 'Zoho CRM' });
		expect(zohoLeads(email)).toHaveLength(0);
		const row = (await n8n.outboxRows()).find((candidate) => candidate.email === email);
		expect(row).toMatchObject({ crm: 'Zoho CRM', status: 'queued', attempts: 1, reason: 'crm-unavailable' });
		expect(JSON.parse(row!.lead)).toMatchObject({ email, lastName: 'Later' });

		const stored = await eventually(() => (zohoLeads(email).length > 0 ? zohoLeads(email) : undefined), 'the replay to store the lead', 30_000);
		expect(stored).toEqual([expect.objectContaining({ Email: email, Last_Name: 'Later' })]);
		await eventually(async () => ((await n8n.outboxRows()).some((candidate) => candidate.email === email) ? undefined : true), 'the stored lead to leave the outbox');
		expect(n8n.sandboxes.zoho.countOf('upsert')).toBe(3);
	});

	test('a lead Zoho refuses (400 INVALID_DATA): 503 with the reason and the fix, kept as "needs attention", never replayed', async () => {
		const email = unique('refused');
		n8n.sandboxes.zoho.injectFault({ endpoint: 'upsert', probability: 1, fault: { kind: 'status', status: 400, body: { code: 'INVALID_DATA', message: 'invalid data', status: 'error', details: {} } } });
		const answer = await n8n.postJson(ZOHO_WEBHOOK, { email, lastName: 'Refused' });
		expect(answer.status).toBe(503);
		expect(answer.json).toMatchObject({ kept: true, error: expect.stringMatching(/^Zoho CRM did not store the lead: /), reason: 'refused' });
		expect(answer.json.retry).toMatch(/needs attention/);
		const row = (await n8n.outboxRows()).find((candidate) => candidate.email === email);
		expect(row).toMatchObject({ status: 'needs attention', attempts: 1, reason: 'refused' });
		expect(row!.fix).toBe(answer.json.fix);

		const upserts = n8n.sandboxes.zoho.countOf('upsert');
		await new Promise((resolve) => setTimeout(resolve, 3 * REPLAY_SECONDS * 1000));
		expect(n8n.sandboxes.zoho.countOf('upsert')).toBe(upserts);
		expect(zohoLeads(email)).toHaveLength(0);
	});
});

describe('credentials after import', () => {
	test('a mistyped refresh token: the answer says in plain words what to fix, and no lead is sent', async () => {
		const answer = await n8n.postJson(`webhook/${WRONG_CREDENTIAL}`, { email: unique('token'), lastName: 'Token' });
		expect(answer.status).toBe(503);
		expect(answer.json.error).toBe('Zoho CRM did not store the lead: Zoho CRM refused to issue an access token: invalid_code');
		expect(answer.json.fix).toMatch(/generate a new grant code/);
		expect(answer.text).not.toContain(WRONG_REFRESH_TOKEN);
		expect(n8n.sandboxes.zoho.countOf('token')).toBe(1);
		expect(n8n.sandboxes.zoho.countOf('upsert')).toBe(0);
	});

	test('a credential id this n8n does not have (a template imported as is): the answer says to choose a credential', async () => {
		const answer = await n8n.postJson(`webhook/${UNKNOWN_CREDENTIAL}`, { email: unique('unknown'), lastName: 'Unknown' });
		expect(answer.status).toBe(503);
		expect(answer.json.error).toBe('Zoho CRM did not store the lead: The credential chosen for this node does not exist in this n8n (ID notInThisN8n0001)');
		expect(answer.json.fix).toMatch(/imported from another n8n.*choose your account under "Credential to connect with"/);
		expect(n8n.sandboxes.zoho.totalCalls()).toBe(0);
	});

	test.each([
		['Zoho CRM', NO_CREDENTIAL, 'zoho'],
		...OTHER_CRMS.map((crm) => [crm.label, `e2e/${crm.key}-no-credential`, crm.key]),
	])('%s: a node with no credential chosen answers that one must be chosen, and the CRM is never called', async (label, webhookPath, key) => {
		const answer = await n8n.postJson(`webhook/${webhookPath}`, { email: unique('nocred'), lastName: 'None' });
		expect(answer.status).toBe(503);
		expect(answer.json.error).toBe(`${label} did not store the lead: No credential is chosen for this node`);
		expect(answer.json.fix).toMatch(/choose your account under "Credential to connect with"/);
		expect(n8n.sandboxes[key as keyof Instance['sandboxes']].totalCalls()).toBe(0);
	});
});

describe('Web form lead → LeadSquared, Act-On, Act! 365 (webhook templates)', () => {
	test.each(OTHER_CRMS.map((crm) => [crm.label, crm]))('%s: a posted lead is stored once and updated on a second post', async (label, crm) => {
		const email = unique(crm.key);
		const first = await n8n.postJson(`webhook/${crm.path}`, { email, firstName: 'Grace', lastName: 'Hopper' });
		expect(first.status).toBe(200);
		// LeadSquared's and Act-On's documented upsert answers do not say whether the record was new.
		const [created, updated] = crm.key === 'act365' ? ['inserted', 'updated'] : ['upserted', 'upserted'];
		expect(first.json).toEqual({ ok: true, crm: label, action: created, id: expect.any(String) });
		const second = await n8n.postJson(`webhook/${crm.path}`, { email, company: 'Navy' });
		expect(second.status).toBe(200);
		expect(second.json).toEqual({ ok: true, crm: label, action: updated, id: first.json.id });

		const stored = crm.records(email);
		expect(stored).toHaveLength(1);
		expect(stored[0]).toMatchObject({ id: first.json.id, firstName: 'Grace', lastName: 'Hopper', company: 'Navy' });
	});

	test.each(OTHER_CRMS.map((crm) => [crm.label, crm]))('%s: a malformed body gets a 400 and the CRM is never called', async (_label, crm) => {
		const answer = await n8n.postJson(`webhook/${crm.path}`, { email: 'grace.example.org' });
		expect(answer.status).toBe(400);
		expect(answer.json.error).toMatch(/"email" is not a valid e-mail address/);
		expect(n8n.sandboxes[crm.key].totalCalls()).toBe(0);
	});

	test.each(OTHER_CRMS.map((crm) => [crm.label, crm]))('%s down longer than the node retries: 202 "queued", and the outbox replay stores the lead once', async (label, crm) => {
		const email = unique(`${crm.key}-later`);
		n8n.sandboxes[crm.key].injectFault({ probability: 1, fault: { kind: 'status', status: 503 } });
		const answer = await n8n.postJson(`webhook/${crm.path}`, { email, firstName: 'Katherine', lastName: 'Johnson' });
		expect(answer.status).toBe(202);
		expect(answer.json).toMatchObject({ ok: true, queued: true, crm: label });
		expect((await n8n.outboxRows()).filter((row) => row.email === email)).toEqual([expect.objectContaining({ crm: label, status: 'queued' })]);
		expect(crm.records(email)).toHaveLength(0);

		n8n.sandboxes[crm.key].faults.clear();
		const stored = await eventually(() => (crm.records(email).length > 0 ? crm.records(email) : undefined), `the replay to store the lead in ${label}`, 30_000);
		expect(stored).toEqual([expect.objectContaining({ firstName: 'Katherine', lastName: 'Johnson' })]);
		await eventually(async () => ((await n8n.outboxRows()).some((row) => row.email === email) ? undefined : true), 'the stored lead to leave the outbox');
		expect(crm.records(email)).toHaveLength(1);
	});

	test('Act! 365: an answer lost after the contact was created is checked before any repeat, so there is one contact', async () => {
		const email = unique('act-lost');
		n8n.sandboxes.act365.injectFault({ endpoint: 'createContact', nth: 1, fault: { kind: 'lostResponse' } });
		const answer = await n8n.postJson('webhook/lead-intake/act-365', { email, lastName: 'Lost' });
		expect(answer.status).toBe(200);
		expect(n8n.sandboxes.act365.contactsByEmail(email)).toHaveLength(1);
		expect(n8n.sandboxes.act365.contactsByEmail(email)[0].id).toBe(answer.json.id);
		expect(n8n.sandboxes.act365.countOf('createContact')).toBe(1);
	});
});

describe('Web form lead → all four CRMs (fan-out template)', () => {
	test('one post stores the lead once in each CRM and answers with each record id', async () => {
		const email = unique('fan');
		const answer = await n8n.postJson('webhook/lead-intake/all-crms', { email, firstName: 'Katherine', lastName: 'Johnson', company: 'NASA' });
		expect(answer.status).toBe(200);
		expect(answer.json.ok).toBe(true);
		expect(answer.json.failed).toEqual([]);
		const ids = Object.fromEntries((answer.json.stored as Array<{ crm: string; id: string; action: string }>).map((entry) => [entry.crm, entry.id]));
		expect(Object.keys(ids).sort()).toEqual(['Act! 365', 'Act-On', 'LeadSquared', 'Zoho CRM']);
		expect(zohoLeads(email)).toEqual([expect.objectContaining({ id: ids['Zoho CRM'], Company: 'NASA' })]);
		for (const crm of OTHER_CRMS) {
			expect(crm.records(email)).toEqual([expect.objectContaining({ id: ids[crm.label], lastName: 'Johnson', company: 'NASA' })]);
		}
	});

	test('one CRM refusing the lead: 503 naming that CRM and its reason, the other three still store it', async () => {
		const email = unique('fan-partial');
		n8n.sandboxes.acton.injectFault({ endpoint: 'upsertRecord', probability: 1, fault: { kind: 'status', status: 400, body: { errorCode: '10010', message: 'Invalid Column Specified' } } });
		const answer = await n8n.postJson('webhook/lead-intake/all-crms', { email, lastName: 'Partial' });
		expect(answer.status).toBe(503);
		expect(answer.json.ok).toBe(false);
		expect(answer.json.failed).toEqual([{ crm: 'Act-On', error: expect.any(String), fix: expect.anything() }]);
		expect((answer.json.stored as Array<{ crm: string }>).map((entry) => entry.crm).sort()).toEqual(['Act! 365', 'LeadSquared', 'Zoho CRM']);
		expect(zohoLeads(email)).toHaveLength(1);
		expect(byKey('acton').records(email)).toHaveLength(0);
	});

	test('one CRM down: 202 naming it as queued, the lead waits in the outbox for that CRM only, and the replay stores it there', async () => {
		const email = unique('fan-queued');
		n8n.sandboxes.acton.injectFault({ endpoint: 'upsertRecord', probability: 1, fault: { kind: 'status', status: 503 } });
		const answer = await n8n.postJson('webhook/lead-intake/all-crms', { email, lastName: 'Queued', company: 'Later' });
		expect(answer.status).toBe(202);
		expect(answer.json).toMatchObject({ ok: true, queued: ['Act-On'], failed: [] });
		expect((answer.json.stored as Array<{ crm: string }>).map((entry) => entry.crm).sort()).toEqual(['Act! 365', 'LeadSquared', 'Zoho CRM']);
		const rows = (await n8n.outboxRows()).filter((row) => row.email === email);
		expect(rows).toEqual([expect.objectContaining({ crm: 'Act-On', status: 'queued', reason: 'crm-unavailable' })]);

		n8n.sandboxes.acton.faults.clear();
		const stored = await eventually(() => (byKey('acton').records(email).length > 0 ? byKey('acton').records(email) : undefined), 'the replay to store the lead in Act-On', 30_000);
		expect(stored).toEqual([expect.objectContaining({ lastName: 'Queued', company: 'Later' })]);
		expect(zohoLeads(email)).toHaveLength(1);
		await eventually(async () => ((await n8n.outboxRows()).some((row) => row.email === email) ? undefined : true), 'the stored lead to leave the outbox');
	});
	test('one CRM down and the lead posted again with newer values: the newer lead waits in place of the first, and that CRM ends with the newer values once', async () => {
		const email = unique('fan-newer');
		n8n.sandboxes.zoho.injectFault({ probability: 1, fault: { kind: 'status', status: 503 } });
		const first = await n8n.postJson('webhook/lead-intake/all-crms', { email, lastName: 'Older', company: 'First' });
		expect(first).toMatchObject({ status: 202, json: { queued: ['Zoho CRM'] } });
		const second = await n8n.postJson('webhook/lead-intake/all-crms', { email, lastName: 'Newer', company: 'Second' });
		expect(second).toMatchObject({ status: 202, json: { queued: ['Zoho CRM'] } });
		const rows = (await n8n.outboxRows()).filter((row) => row.email === email);
		expect(rows).toEqual([expect.objectContaining({ crm: 'Zoho CRM', status: 'queued' })]);
		expect(JSON.parse(rows[0].lead)).toMatchObject({ lastName: 'Newer', company: 'Second' });

		n8n.sandboxes.zoho.faults.clear();
		await eventually(async () => ((await n8n.outboxRows()).some((row) => row.email === email) ? undefined : true), 'the replay to store the lead and empty its row', 30_000);
		expect(zohoLeads(email)).toEqual([expect.objectContaining({ Last_Name: 'Newer', Company: 'Second' })]);
		for (const crm of OTHER_CRMS) expect(crm.records(email)).toEqual([expect.objectContaining({ lastName: 'Newer', company: 'Second' })]);
	});
});

describe('Contact form → Zoho CRM (form template)', () => {
	test('the published form renders, and a submission is stored in Zoho', async () => {
		const page = await fetch(`${n8n.url}/form/lead-form/zoho`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('Talk to us');

		const email = unique('form');
		const form = new FormData();
		// The form posts its fields in order as field-0, field-1…: Email, First name, Last name, Company, Phone.
		for (const [index, value] of [email, 'Hedy', 'Lamarr', 'Frequency Hopping', ''].entries()) form.append(`field-${index}`, value);
		const answer = await n8n.post('form/lead-form/zoho', form);
		expect(answer.status).toBe(200);
		const stored = await eventually(() => (zohoLeads(email).length > 0 ? zohoLeads(email) : undefined), 'the form lead in Zoho');
		expect(stored).toEqual([expect.objectContaining({ First_Name: 'Hedy', Last_Name: 'Lamarr', Company: 'Frequency Hopping' })]);
	});
});
