/**
 * A webhook burst in a real n8n: many leads posted at once to each shipped webhook template, one
 * execution per lead. The executions share calls to the CRM, and every POST is answered with its
 * own lead's record.
 */
import { startInstance, type Answer, type Instance } from './instance';

/** As over the internet: long enough for leads to queue behind a call in flight. */
const LATENCY_MS = 50;
const LEADS = 50;
const CONCURRENT = 25;

let n8n: Instance;

beforeAll(async () => {
	n8n = await startInstance();
	for (const sandbox of Object.values(n8n.sandboxes)) sandbox.latencyMs = LATENCY_MS;
	console.log(`n8n up at ${n8n.url}; seconds per step: ${JSON.stringify(n8n.timings)}`);
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

interface Posted {
	email: string;
	answer: Answer;
}

/** Posts `count` leads, `concurrent` at a time, each a new address. */
async function burst(route: string, prefix: string, count = LEADS, concurrent = CONCURRENT): Promise<Posted[]> {
	const stamp = Date.now().toString(36);
	const leads = Array.from({ length: count }, (_, i) => ({ email: `${prefix}-${stamp}-${i}@example.org`, firstName: `Name${i}`, lastName: `Surname${i}` }));
	const posted: Posted[] = new Array(count);
	let next = 0;
	const worker = async () => {
		while (next < leads.length) {
			const index = next++;
			posted[index] = { email: leads[index].email, answer: await n8n.postJson(route, leads[index]) };
		}
	};
	await Promise.all(Array.from({ length: concurrent }, worker));
	return posted;
}

/**
 * What a new lead's answer says it did: LeadSquared's and Act-On's documented answers do not
 * tell a created record from an updated one, so those nodes say "upserted".
 */
const NEW_LEAD_ACTION: Record<string, string> = { 'Zoho CRM': 'inserted', 'Act! 365': 'inserted', LeadSquared: 'upserted', 'Act-On': 'upserted' };

/** Every POST answered 200 with the id of the one record its own address has. */
function expectOwnAnswers(posted: Posted[], crm: string, recordIds: (email: string) => string[]) {
	for (const { email, answer } of posted) {
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ ok: true, crm, action: NEW_LEAD_ACTION[crm], id: expect.any(String) });
		expect(recordIds(email)).toEqual([answer.json.id]);
	}
	expect(new Set(posted.map(({ answer }) => answer.json.id)).size).toBe(posted.length);
}

describe(`${LEADS} leads posted ${CONCURRENT} at a time to each webhook template`, () => {
	test('Zoho CRM: the leads share upsert calls', async () => {
		const zoho = n8n.sandboxes.zoho;
		const posted = await burst('webhook/lead-intake/zoho', 'burst-zoho');
		expectOwnAnswers(posted, 'Zoho CRM', (email) =>
			zoho
				.records('Leads')
				.filter((record) => String(record.Email).toLowerCase() === email)
				.map((record) => String(record.id)),
		);
		const upserts = zoho.countOf('upsert');
		console.log(`Zoho burst: ${upserts} upsert calls for ${LEADS} leads, ${zoho.countOf('fields')} field reads`);
		// One execution per call would be 50. The first lead goes alone; the others wait up to the
		// burst wait (500 ms) for more, so a call carries what n8n starts in about half a second.
		expect(upserts).toBeLessThanOrEqual(LEADS * 0.3);
		expect(zoho.countOf('fields')).toBeLessThanOrEqual(1);
	});

	test('LeadSquared: the leads share calls, through the bulk API once the single quota is spent', async () => {
		const lsq = n8n.sandboxes.leadsquared;
		const posted = await burst('webhook/lead-intake/leadsquared', 'burst-lsq');
		expectOwnAnswers(posted, 'LeadSquared', (email) =>
			lsq
				.leads()
				.filter((lead) => lead.EmailAddress?.toLowerCase() === email)
				.map((lead) => lead.ProspectID),
		);
		const single = lsq.countOf('createOrUpdate');
		const bulk = lsq.countOf('bulkCreateOrUpdate');
		console.log(`LeadSquared burst: ${single} single + ${bulk} bulk calls for ${LEADS} leads`);
		expect(bulk).toBeGreaterThan(0);
		expect(single + bulk).toBeLessThan(LEADS);
		expect(lsq.refusals.rateLimit ?? 0).toBe(0);
	});

	test('Act! 365: the contacts are looked up together, each created once', async () => {
		const act = n8n.sandboxes.act365;
		const posted = await burst('webhook/lead-intake/act-365', 'burst-act');
		expectOwnAnswers(posted, 'Act! 365', (email) => act.contactsByEmail(email).map((contact) => String(contact.id)));
		const lookUps = act.countOf('searchContacts');
		const creates = act.countOf('createContact');
		console.log(`Act! 365 burst: ${lookUps} look-ups + ${creates} creates for ${LEADS} leads`);
		expect(creates).toBe(LEADS);
		expect((lookUps + creates) / LEADS).toBeLessThanOrEqual(1.2);
	});

	test('Act-On: one call per lead (no batch write), within its pace', async () => {
		const acton = n8n.sandboxes.acton;
		const posted = await burst('webhook/lead-intake/act-on', 'burst-acton');
		expectOwnAnswers(posted, 'Act-On', (email) =>
			acton
				.records('l-0001')
				.filter((record) => record.email.toLowerCase() === email)
				.map((record) => String(record.id)),
		);
		const refused = Object.values(acton.refusals).reduce((sum, count) => sum + count, 0);
		console.log(`Act-On burst: ${acton.totalCalls()} calls for ${LEADS} leads, ${refused} refused`);
		expect(refused).toBe(0);
		expect(acton.totalCalls()).toBeLessThanOrEqual(LEADS + 2);
	});
});
