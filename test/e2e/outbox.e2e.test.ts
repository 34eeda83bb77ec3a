/**
 * The lead outbox in a real n8n: the Zoho CRM webhook template and the replay workflow, with the
 * Zoho sandbox refusing every call (token, metadata and upsert) while leads arrive. The shipped
 * replay runs every minute; here it runs every 10 s, so "within two replay intervals" is measured
 * against that interval, while the pauses between a lead's tries are the shipped ones (1 minute,
 * doubling up to 6 hours). A second copy of the replay runs on the same schedule, so two replays
 * always overlap.
 */
import { RUNTIME } from '../../demo/runtime';
import { eventually, replayEvery, setConstant, startInstance, type Answer, type Instance, type WorkflowJson } from './instance';

const ZOHO_WEBHOOK = 'webhook/lead-intake/zoho';
const REPLAY_SECONDS = 10;
const LEADS = 200;
/** The shipped replay workflow and the second copy started beside it. */
const REPLAY_WORKFLOWS = ['LeadOutboxReplay', 'E2eOutboxReplay2'];
const CONCURRENCY = 25;
/** The target for the 95th percentile of the webhook's answers during the outage. */
const ANSWER_SECONDS = 2;

function fastReplay(workflow: WorkflowJson): void {
	replayEvery(workflow, REPLAY_SECONDS, { shippedPauses: true });
	setConstant(workflow, 'Claim token', 'LEASE_MINUTES', 0.5);
	// One retry inside the node keeps a replay during the outage short.
	for (const node of workflow.nodes) if (node.type.startsWith('n8n-nodes-lead-upsert.')) node.parameters.options.maxRetries = 1;
}

let n8n: Instance;

beforeAll(async () => {
	n8n = await startInstance({
		changeTemplates: (templates) => {
			fastReplay(templates['lead-outbox-replay.json']);
			setConstant(templates['zoho-crm-webhook.json'], 'Outbox: what to keep', 'FIRST_RETRY_SECONDS', 1);
		},
		extraWorkflows: (templates) => {
			const second = JSON.parse(JSON.stringify(templates['lead-outbox-replay.json'])) as WorkflowJson;
			second.id = REPLAY_WORKFLOWS[1];
			second.name = `${second.name} [second copy]`;
			return [second];
		},
	});
	console.log(`n8n ${RUNTIME.version} up at ${n8n.url}; seconds per step: ${JSON.stringify(n8n.timings)}`);
}, 20 * 60_000);

afterAll(async () => {
	await n8n?.stop();
});

const zohoLeads = (email: string) => n8n.sandboxes.zoho.records('Leads').filter((record) => String(record.Email).toLowerCase() === email);

/** Posts the leads `concurrency` at a time; returns each answer with the seconds it took. */
async function postAll(bodies: object[], concurrency = CONCURRENCY): Promise<Array<Answer & { seconds: number }>> {
	const answers: Array<Answer & { seconds: number }> = new Array(bodies.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < bodies.length) {
				const index = next++;
				const started = performance.now();
				const answer = await n8n.postJson(ZOHO_WEBHOOK, bodies[index]);
				answers[index] = { ...answer, seconds: (performance.now() - started) / 1000 };
			}
		}),
	);
	return answers;
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

function refuseEverything(): void {
	n8n.sandboxes.zoho.injectFault({ probability: 1, fault: { kind: 'status', status: 503 } });
}

/** Seconds of the webhook's answers with Zoho up, for comparison (measured by the first test on this machine). */
let healthyP95: number | undefined;

/**
 * The bound the outage answers are held to: the 2 s target, or, on a machine so loaded that even
 * the answers with Zoho up take longer (shared CI), at most 1 s more than those.
 */
const answerBound = () => Math.max(ANSWER_SECONDS, (healthyP95 ?? 0) + 1);

test(`with Zoho up: ${LEADS} leads at ${CONCURRENCY} at a time are stored and answered 200 (the baseline the outage is compared with)`, async () => {
	const run = Date.now().toString(36);
	const bodies = Array.from({ length: LEADS }, (_, index) => ({ email: `healthy-${run}-${index}@example.org`, lastName: `Lead ${index}` }));
	const answers = await postAll(bodies);
	const seconds = answers.map((answer) => answer.seconds);
	healthyP95 = percentile(seconds, 95);
	console.log(`healthy answers: p50 ${percentile(seconds, 50).toFixed(2)} s, p95 ${healthyP95.toFixed(2)} s, max ${Math.max(...seconds).toFixed(2)} s`);
	expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
	for (const body of bodies) expect(zohoLeads(body.email)).toHaveLength(1);
	expect(await n8n.outboxRows()).toEqual([]);
}, 5 * 60_000);

test(`a Zoho outage (as long as 30 minutes, simulated): ${LEADS} leads at ${CONCURRENCY} at a time all answered 202 at once, none lost over an n8n restart, each stored once within two replay intervals of recovery`, async () => {
	const run = Date.now().toString(36);
	const bodies = Array.from({ length: LEADS }, (_, index) => ({ email: `outage-${run}-${index}@example.org`, firstName: 'Before', lastName: `Lead ${index}` }));
	refuseEverything();
	n8n.sandboxes.zoho.resetCounters();

	const firstHalf = await postAll(bodies.slice(0, LEADS / 2));
	await n8n.restart();
	const secondHalf = await postAll(bodies.slice(LEADS / 2));
	const answers = [...firstHalf, ...secondHalf];
	// A newer post of a queued lead replaces it in the outbox and is what gets stored.
	const newer = await n8n.postJson(ZOHO_WEBHOOK, { ...bodies[7], firstName: 'After' });

	const seconds = answers.map((answer) => answer.seconds);
	const p95 = (part: Array<{ seconds: number }>) => percentile(part.map((answer) => answer.seconds), 95).toFixed(2);
	console.log(
		`outage answers: p50 ${percentile(seconds, 50).toFixed(2)} s, p95 ${percentile(seconds, 95).toFixed(2)} s (before the restart ${p95(firstHalf)} s, after ${p95(secondHalf)} s), max ${Math.max(...seconds).toFixed(2)} s (with Zoho up: p95 ${healthyP95?.toFixed(2)} s); Zoho calls during the outage ${JSON.stringify(n8n.sandboxes.zoho.calls)}`,
	);
	expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
	expect(answers.every((answer) => answer.json.ok === true && answer.json.queued === true)).toBe(true);
	expect(newer).toMatchObject({ status: 202, json: { queued: true } });

	const queued = await n8n.outboxRows();
	expect(queued.filter((row) => row.status === 'queued')).toHaveLength(LEADS);
	expect(new Set(queued.map((row) => row.key)).size).toBe(LEADS);
	expect(queued.every((row) => !/refresh|secret|Zoho-oauthtoken/i.test(`${row.lastError} ${row.fix}`))).toBe(true);
	expect(n8n.sandboxes.zoho.records('Leads').filter((record) => String(record.Email).includes(run))).toHaveLength(0);

	// Let the replays try (and fail) a few times during the outage, then recover.
	await new Promise((resolve) => setTimeout(resolve, 2 * REPLAY_SECONDS * 1000));
	const tried = await n8n.outboxRows();
	expect(tried).toHaveLength(LEADS);
	expect(tried.every((row) => row.status === 'queued')).toBe(true);
	expect(Math.max(...tried.map((row) => row.attempts))).toBeGreaterThan(1);
	// What a 30-minute outage leaves: every lead tried six times, after pauses of 1, 2, 4, 8 and 16
	// minutes, its next try 16 to 32 minutes away. A lead a replay holds right now is aged once released.
	const ageMinutes = 20;
	await eventually(async () => {
		await n8n.updateOutboxRows(
			[
				{ columnName: 'status', condition: 'eq', value: 'queued' },
				{ columnName: 'claim', condition: 'eq', value: 'open' },
				{ columnName: 'nextAttemptAt', condition: 'lt', value: new Date(Date.now() + 10 * 60_000).toISOString() },
			],
			{ attempts: 6, nextAttemptAt: new Date(Date.now() + ageMinutes * 60_000).toISOString() },
		);
		const rows = await n8n.outboxRows();
		return rows.every((row) => row.claim === 'open' && new Date(row.nextAttemptAt).getTime() > Date.now() + 10 * 60_000) ? true : undefined;
	}, 'every queued lead to wait as after a 30-minute outage', 60_000);
	n8n.sandboxes.zoho.faults.clear();
	const recovered = Date.now();

	await eventually(async () => ((await n8n.outboxRows()).length === 0 ? true : undefined), 'the outbox to empty', 4 * REPLAY_SECONDS * 1000 + 30_000);
	const emptySeen = Date.now();
	// "Within two replay intervals" counts replay runs, not seconds: the outbox must be empty before
	// the third schedule tick after recovery starts its runs. On a loaded machine a run over 200 leads
	// takes seconds of its own, which the 10 s interval here (against the shipped minute) magnifies.
	// A run that started under a second before the empty table was seen (one poll: 200 ms and a read)
	// cannot have stored 200 leads in that time, so it does not count.
	const runs = (await Promise.all(REPLAY_WORKFLOWS.map(async (id) => n8n.executions(id))))
		.flat()
		.filter((run) => Date.parse(run.startedAt) > recovered && Date.parse(run.startedAt) < emptySeen - 1_000)
		.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
	const ticks: Array<typeof runs> = [];
	for (const run of runs) {
		const tick = ticks[ticks.length - 1];
		// Both copies start on the same tick, well within half an interval of each other.
		if (tick && Date.parse(run.startedAt) - Date.parse(tick[0].startedAt) < (REPLAY_SECONDS * 1000) / 2) tick.push(run);
		else ticks.push([run]);
	}
	const sinceRecovery = (at: string | number) => (((typeof at === 'number' ? at : Date.parse(at)) - recovered) / 1000).toFixed(1);
	const described = ticks.map((tick) => tick.map((run) => `${sinceRecovery(run.startedAt)}–${run.stoppedAt ? sinceRecovery(run.stoppedAt) : '…'}`).join(' & '));
	console.log(
		`outbox seen empty ${sinceRecovery(emptySeen)} s after recovery (replay every ${REPLAY_SECONDS} s; every lead's next try was ${ageMinutes} minutes away); replay runs before that, seconds from recovery: ${described.join(', ')}`,
	);
	expect(ticks.length).toBeGreaterThan(0);
	expect(ticks.length).toBeLessThanOrEqual(2);
	for (const [index, body] of bodies.entries()) {
		const stored = zohoLeads(body.email);
		expect(stored).toHaveLength(1);
		expect(stored[0]).toMatchObject({ Last_Name: `Lead ${index}`, First_Name: index === 7 ? 'After' : 'Before' });
	}
	expect(percentile(seconds, 95)).toBeLessThanOrEqual(answerBound());
}, 10 * 60_000);

test('a newer post stored live while an older try of the same e-mail is queued: the queued row takes the newer lead, so the replay never writes the older one over it', async () => {
	const email = `overtaken-${Date.now().toString(36)}@example.org`;
	refuseEverything();
	expect(await n8n.postJson(ZOHO_WEBHOOK, { email, firstName: 'Older', lastName: 'Lead' })).toMatchObject({ status: 202, json: { queued: true } });
	expect((await n8n.outboxRows()).filter((row) => row.email === email)).toHaveLength(1);
	n8n.sandboxes.zoho.faults.clear();

	const newer = await n8n.postJson(ZOHO_WEBHOOK, { email, firstName: 'Newer', lastName: 'Lead' });
	expect(newer.status).toBe(200);
	// Right after the answer: the queued row (unless a replay already stored and removed it) holds the newer lead.
	const row = await eventually(async () => {
		const rows = (await n8n.outboxRows()).filter((candidate) => candidate.email === email);
		return rows.length === 0 || rows[0].lead.includes('Newer') ? rows : undefined;
	}, 'the queued row to take the newer lead', 10_000);
	expect(row.every((candidate) => candidate.status === 'queued')).toBe(true);

	await eventually(async () => ((await n8n.outboxRows()).some((candidate) => candidate.email === email) ? undefined : true), 'the row to be replayed', 2 * REPLAY_SECONDS * 1000 + 15_000);
	expect(zohoLeads(email)).toHaveLength(1);
	expect(zohoLeads(email)[0]).toMatchObject({ First_Name: 'Newer' });
}, 5 * 60_000);

test('10 leads Zoho refuses among 200 during an outage: those 10 end as "needs attention" with the fix after one try, the other 190 are stored', async () => {
	const run = Date.now().toString(36);
	const bad = new Set(Array.from({ length: 10 }, (_, index) => index * 20 + 3));
	// Zoho's Last_Name holds 80 characters: the node refuses a longer one, naming the field.
	const bodies = Array.from({ length: LEADS }, (_, index) => ({ email: `mixed-${run}-${index}@example.org`, lastName: bad.has(index) ? 'X'.repeat(120) : `Lead ${index}` }));
	refuseEverything();
	const answers = await postAll(bodies);
	const seconds = answers.map((answer) => answer.seconds);
	console.log(`mixed answers: p95 ${percentile(seconds, 95).toFixed(2)} s, statuses ${JSON.stringify(countBy(answers.map((answer) => answer.status)))}`);
	for (const [index, answer] of answers.entries()) {
		// The node may know Zoho's fields from before the outage and refuse a bad lead at once (503, needs attention).
		if (!bad.has(index)) expect(answer.status).toBe(202);
		else expect([202, 503]).toContain(answer.status);
	}
	n8n.sandboxes.zoho.faults.clear();

	const rows = await eventually(async () => {
		const left = (await n8n.outboxRows()).filter((row) => row.email.includes(run));
		return left.length === bad.size && left.every((row) => row.status !== 'queued') ? left : undefined;
	}, 'the good leads to be stored and the bad ones set aside', 2 * REPLAY_SECONDS * 1000 + 15_000);
	for (const row of rows) {
		expect(row.status).toBe('needs attention');
		expect(row.reason).toBe('invalid-lead');
		expect(`${row.lastError} ${row.fix}`).toMatch(/Last_Name|Last Name/);
		expect(bad.has(Number(row.email.split('-').pop()!.split('@')[0]))).toBe(true);
	}
	for (const [index, body] of bodies.entries()) expect(zohoLeads(body.email)).toHaveLength(bad.has(index) ? 0 : 1);

	// Set aside means set aside: later replays do not send them again.
	const attempts = Object.fromEntries(rows.map((row) => [row.key, row.attempts]));
	await new Promise((resolve) => setTimeout(resolve, 2 * REPLAY_SECONDS * 1000));
	for (const row of (await n8n.outboxRows()).filter((candidate) => candidate.email.includes(run))) expect(row.attempts).toBe(attempts[row.key]);
	expect(percentile(seconds, 95)).toBeLessThanOrEqual(answerBound());
}, 10 * 60_000);

function countBy(values: number[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}
