/**
 * The outbox replay's end states in a real n8n: a lead given up after the replay's time limit and
 * a lead the CRM refuses once it answers again, each notified exactly once and never sent again.
 * The replay runs every few seconds (its pauses are seconds, its 72 hours are 20 seconds), and its
 * "Notify" placeholder posts to a receiver in this test, as a user's e-mail or Slack node would.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { RUNTIME } from '../../demo/runtime';
import { eventually, notifyTo, replayEvery, setConstant, startInstance, type Instance } from './instance';

const REPLAY_SECONDS = 5;
const GIVE_UP_SECONDS = 20;
const LEADS = 5;

/** What the Notify node posted, one entry per notification. */
const notified: Array<{ email: string; status: string; crm: string; fix: string }> = [];
let receiver: http.Server;
let n8n: Instance;

beforeAll(async () => {
	receiver = http.createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			notified.push(JSON.parse(body));
			response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	const notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
	n8n = await startInstance({
		changeTemplates: (templates) => {
			const replay = templates['lead-outbox-replay.json'];
			replayEvery(replay, REPLAY_SECONDS);
			setConstant(replay, 'Reschedule or set aside', 'GIVE_UP_AFTER_HOURS', `${GIVE_UP_SECONDS} / 3600`);
			for (const node of replay.nodes) if (node.type.startsWith('n8n-nodes-lead-upsert.')) node.parameters.options.maxRetries = 1;
			notifyTo(replay, notifyUrl);
		},
	});
	console.log(`n8n ${RUNTIME.version} up at ${n8n.url}; seconds per step: ${JSON.stringify(n8n.timings)}`);
}, 20 * 60_000);

afterAll(async () => {
	await n8n?.stop();
	await new Promise((resolve) => receiver?.close(resolve));
});

const run = () => Date.now().toString(36);
const notificationsFor = (emails: string[]) => notified.filter((entry) => emails.includes(entry.email));

async function postQueued(route: string, emails: string[]): Promise<void> {
	for (const email of emails) {
		const answer = await n8n.postJson(route, { email, lastName: 'Waiting' });
		expect(answer).toMatchObject({ status: 202, json: { queued: true } });
	}
}

test(`a CRM down for longer than the replay keeps trying: each lead is "given up" with the reason, notified once, and not sent again`, async () => {
	const tag = run();
	const emails = Array.from({ length: LEADS }, (_, index) => `given-up-${tag}-${index}@example.org`);
	n8n.sandboxes.leadsquared.injectFault({ probability: 1, fault: { kind: 'status', status: 503 } });
	await postQueued('webhook/lead-intake/leadsquared', emails);

	const rows = await eventually(async () => {
		const mine = (await n8n.outboxRows()).filter((row) => emails.includes(row.email));
		return mine.length === LEADS && mine.every((row) => row.status === 'given up') ? mine : undefined;
	}, 'every lead to be given up', (GIVE_UP_SECONDS + 6 * REPLAY_SECONDS) * 1000);
	for (const row of rows) {
		expect(row).toMatchObject({ crm: 'LeadSquared', reason: 'crm-unavailable' });
		expect(row.attempts).toBeGreaterThan(2);
		expect(row.fix).toMatch(/^Given up after \d+ tries/);
	}
	await eventually(() => (notificationsFor(emails).length >= LEADS ? true : undefined), 'the notifications', 10_000);

	// Given up means left alone: no more tries and no second notification, even once the CRM is back.
	const calls = n8n.sandboxes.leadsquared.totalCalls();
	n8n.sandboxes.leadsquared.faults.clear();
	await new Promise((resolve) => setTimeout(resolve, 3 * REPLAY_SECONDS * 1000));
	expect(n8n.sandboxes.leadsquared.totalCalls()).toBe(calls);
	expect(n8n.sandboxes.leadsquared.leads().filter((lead) => emails.includes(String(lead.EmailAddress).toLowerCase()))).toHaveLength(0);
	const attempts = Object.fromEntries(rows.map((row) => [row.email, row.attempts]));
	for (const row of (await n8n.outboxRows()).filter((candidate) => emails.includes(candidate.email))) expect(row.attempts).toBe(attempts[row.email]);
	const notes = notificationsFor(emails);
	expect(notes.map((entry) => entry.email).sort()).toEqual([...emails].sort());
	expect(notes.every((entry) => entry.status === 'given up' && entry.crm === 'LeadSquared' && /^Given up after/.test(entry.fix))).toBe(true);
}, 5 * 60_000);

test('queued leads the CRM refuses once it answers again: each becomes "needs attention" with the fix, is notified once, and is not sent again', async () => {
	const tag = run();
	const emails = Array.from({ length: LEADS }, (_, index) => `refused-later-${tag}-${index}@example.org`);
	n8n.sandboxes.zoho.injectFault({ probability: 1, fault: { kind: 'status', status: 503 } });
	await postQueued('webhook/lead-intake/zoho', emails);
	n8n.sandboxes.zoho.faults.clear();
	n8n.sandboxes.zoho.injectFault({ endpoint: 'upsert', probability: 1, fault: { kind: 'status', status: 400, body: { code: 'INVALID_DATA', message: 'invalid data', status: 'error', details: {} } } });

	const rows = await eventually(async () => {
		const mine = (await n8n.outboxRows()).filter((row) => emails.includes(row.email));
		return mine.length === LEADS && mine.every((row) => row.status === 'needs attention') ? mine : undefined;
	}, 'every lead to need attention', 6 * REPLAY_SECONDS * 1000);
	for (const row of rows) expect(row).toMatchObject({ crm: 'Zoho CRM', reason: 'refused', fix: expect.stringMatching(/\S/) });
	await eventually(() => (notificationsFor(emails).length >= LEADS ? true : undefined), 'the notifications', 10_000);

	const upserts = n8n.sandboxes.zoho.countOf('upsert');
	await new Promise((resolve) => setTimeout(resolve, 3 * REPLAY_SECONDS * 1000));
	expect(n8n.sandboxes.zoho.countOf('upsert')).toBe(upserts);
	const notes = notificationsFor(emails);
	expect(notes.map((entry) => entry.email).sort()).toEqual([...emails].sort());
	expect(notes.every((entry) => entry.status === 'needs attention' && entry.crm === 'Zoho CRM')).toBe(true);
}, 5 * 60_000);
