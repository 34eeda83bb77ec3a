import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { SandboxReply, SandboxRequest } from '../../sandbox/framework/http';
import { runNode } from '../harness';
import { act365Setup, leads as act365Leads } from '../act365/setup';
import { leadSquaredSetup, leads as lsqLeads, type PlanSettings } from '../leadsquared/setup';
import { ZOHO_CREDENTIAL, zohoCredentialData, zohoSetup, zohoUpsertParameters } from '../zoho/setup';

/**
 * Many executions of one lead each, started together in one process as a webhook burst runs
 * them: they share calls to the CRM, and each gets exactly its own lead's answer.
 */

type ZohoSetup = Awaited<ReturnType<typeof zohoSetup>>;

const lead = (i: number, prefix = 'burst'): IDataObject => ({ Email: `${prefix}${i}@example.org`, Last_Name: `Surname${i}`, Company: 'Northwind Labs' });

/**
 * The e-mail addresses of every upsert call the emulator received, call by call; `refuse` names
 * calls (1-based) answered with a whole-request refusal instead.
 */
function recordUpsertCalls(setup: ZohoSetup, refuse: number[] = []): string[][] {
	const calls: string[][] = [];
	const zoho = setup.zoho as unknown as { upsert(req: SandboxRequest): SandboxReply };
	const upsert = zoho.upsert.bind(zoho);
	zoho.upsert = (req) => {
		const data = (req.body as { data?: Array<{ Email?: string }> } | undefined)?.data ?? [];
		calls.push(data.map((record) => String(record.Email)));
		if (refuse.includes(calls.length)) {
			return { status: 400, body: { code: 'INVALID_REQUEST', message: 'unable to process your request', status: 'error', details: {} } };
		}
		return upsert(req);
	};
	return calls;
}

let serial = 0;

/** A credential of its own per test: pacers, lanes and metadata caches never carry over. */
function freshCredential(setup: ZohoSetup) {
	return setup.store.add(ZOHO_CREDENTIAL, zohoCredentialData(setup.zoho), `zoho-combine-${process.pid}-${++serial}`);
}

/** One execution: a lead, as a webhook runs it, or a batch of them. */
function zohoRun(setup: ZohoSetup, credentialId: string, item: IDataObject | IDataObject[], options: INodeParameters = {}) {
	return runNode({
		type: 'zohoCrmLeadUpsert',
		store: setup.store,
		credentials: { [ZOHO_CREDENTIAL]: credentialId },
		items: Array.isArray(item) ? item : [item],
		onError: 'continueErrorOutput',
		parameters: zohoUpsertParameters(options),
	});
}

describe('Engine: executions running at once share calls', () => {
	let setup: ZohoSetup;

	beforeEach(async () => {
		setup = await zohoSetup();
		// Long enough for a burst to queue behind the first call, as over the internet.
		setup.zoho.latencyMs = 60;
	});

	afterEach(async () => {
		await setup.close();
	});

	test('25 one-lead executions started together make a few upsert calls, each answered with its own lead', async () => {
		const calls = recordUpsertCalls(setup);
		const credential = freshCredential(setup);
		const items = Array.from({ length: 25 }, (_, i) => lead(i));
		const runs = await Promise.all(items.map(async (item) => await zohoRun(setup, credential.id, item)));

		expect(setup.zoho.countOf('upsert')).toBeLessThanOrEqual(3);
		expect(calls.flat().sort()).toEqual(items.map((item) => String(item.Email)).sort());
		// The first lead went alone, at once; the others shared the next call.
		expect(calls[0]).toHaveLength(1);
		// The module's fields were read once for all 25.
		expect(setup.zoho.countOf('fields')).toBe(1);
		const records = setup.zoho.records();
		expect(records).toHaveLength(25);
		runs.forEach((run, i) => {
			expect(run.errors).toEqual([]);
			expect(run.success).toHaveLength(1);
			const [output] = run.success;
			expect(output.pairedItem).toEqual({ item: 0 });
			expect(output.json.input).toEqual(items[i]);
			expect(output.json.action).toBe('inserted');
			expect(output.json.id).toBe(records.find((record) => record.Email === items[i].Email)?.id);
		});
	});

	test('one execution\'s bad lead fails that execution alone; its call neighbours are written', async () => {
		const calls = recordUpsertCalls(setup);
		const credential = freshCredential(setup);
		const items = Array.from({ length: 10 }, (_, i) => (i === 6 ? { Email: 'bad-phone@example.org', Last_Name: 'Bad', Phone: 'call me maybe' } : lead(i)));
		const runs = await Promise.all(items.map(async (item) => await zohoRun(setup, credential.id, item)));

		// The node checks e-mails itself; a phone with words in it only Zoho refuses, inside the shared call.
		expect(calls.some((call) => call.length > 1 && call.includes('bad-phone@example.org'))).toBe(true);
		runs.forEach((run, i) => {
			if (i === 6) {
				expect(run.success).toEqual([]);
				expect(run.errors).toHaveLength(1);
				expect(run.errors[0].json.details).toMatchObject({ field: 'Phone', code: 'INVALID_DATA', itemIndex: 0, input: items[6] });
			} else {
				expect(run.errors).toEqual([]);
				expect(run.success[0].json.input).toEqual(items[i]);
			}
		});
		expect(setup.zoho.records()).toHaveLength(9);
	});

	test('a shared call refused as a whole is sent again per execution, so every good lead is written', async () => {
		// The second call (the one the burst shares) is refused without per-record results.
		const calls = recordUpsertCalls(setup, [2]);
		const credential = freshCredential(setup);
		const items = Array.from({ length: 8 }, (_, i) => lead(i, 'refused'));
		const runs = await Promise.all(items.map(async (item) => await zohoRun(setup, credential.id, item)));

		expect(calls[1].length).toBeGreaterThan(1);
		// The refused call's leads went again, one execution per call.
		expect(calls.slice(2).every((call) => call.length === 1)).toBe(true);
		expect(calls.slice(2).flat().sort()).toEqual([...calls[1]].sort());
		runs.forEach((run, i) => {
			expect(run.errors).toEqual([]);
			expect(run.success[0].json.input).toEqual(items[i]);
		});
		expect(setup.zoho.records()).toHaveLength(8);
	});

	test('two executions with the same e-mail never share a call: the later one updates after the earlier one', async () => {
		const calls = recordUpsertCalls(setup);
		const credential = freshCredential(setup);
		const first = zohoRun(setup, credential.id, lead(0, 'warmup'));
		const items = [lead(1), { ...lead(2), Email: 'twice@example.org', Last_Name: 'Earlier' }, lead(3), { ...lead(4), Email: 'twice@example.org', Last_Name: 'Later' }];
		const runs = await Promise.all(items.map(async (item) => await zohoRun(setup, credential.id, item)));
		await first;

		for (const call of calls) expect(call.filter((email) => email === 'twice@example.org').length).toBeLessThanOrEqual(1);
		const withTwice = calls.map((call, index) => (call.includes('twice@example.org') ? index : -1)).filter((index) => index >= 0);
		expect(withTwice).toHaveLength(2);
		expect(runs[1].success[0].json.action).toBe('inserted');
		expect(runs[3].success[0].json.action).toBe('updated');
		expect(runs[3].success[0].json.id).toBe(runs[1].success[0].json.id);
		expect(setup.zoho.records().find((record) => record.Email === 'twice@example.org')?.Last_Name).toBe('Later');
	});

	test('"Combine With Other Executions" off: every execution makes its own call', async () => {
		const credential = freshCredential(setup);
		const runs = await Promise.all(
			Array.from({ length: 6 }, async (_, i) => await zohoRun(setup, credential.id, lead(i, 'alone'), { combineExecutions: false })),
		);
		expect(runs.every((run) => run.success.length === 1)).toBe(true);
		expect(setup.zoho.countOf('upsert')).toBe(6);
	});

	test('a lone execution sends at once; "Max Wait to Combine" holds the first lead for the others', async () => {
		const calls = recordUpsertCalls(setup);
		const credential = freshCredential(setup);
		await zohoRun(setup, credential.id, lead(0, 'lone'));
		expect(calls).toEqual([['lone0@example.org']]);

		const later = Array.from({ length: 5 }, (_, i) => lead(i, 'lingered'));
		const runs = await Promise.all(later.map(async (item) => await zohoRun(setup, credential.id, item, { combineMaxWaitMs: 300 })));
		expect(runs.every((run) => run.success.length === 1)).toBe(true);
		// Without the wait the first of them would have gone alone.
		expect(calls.slice(1)).toHaveLength(1);
		expect([...calls[1]].sort()).toEqual(later.map((item) => String(item.Email)).sort());
	});

	test('leads arriving one by one while a call is in flight wait "Max Wait in a Burst" and share the next call; 0 sends each call as the last one ends', async () => {
		// Twelve executions, one every 40 ms: a form under load, not twelve at the same instant.
		const calls = recordUpsertCalls(setup);
		const staggered = async (prefix: string, options: INodeParameters) => {
			const credential = freshCredential(setup);
			// A lead first, as a running n8n has had: the token and the module's fields are at hand.
			await zohoRun(setup, credential.id, lead(99, `${prefix}-first`), options);
			calls.splice(0);
			const items = Array.from({ length: 12 }, (_, i) => lead(i, prefix));
			const runs = await Promise.all(
				items.map(async (item, i) => {
					await new Promise((resolve) => setTimeout(resolve, i * 40));
					return await zohoRun(setup, credential.id, item, options);
				}),
			);
			runs.forEach((run, i) => {
				expect(run.errors).toEqual([]);
				expect(run.success[0].json.input).toEqual(items[i]);
			});
			return items;
		};
		await staggered('burstwait', {});
		const withWait = calls.splice(0);
		await staggered('nowait', { combineBurstWaitMs: 0 });
		const withoutWait = calls.splice(0);

		// The first lead goes at once; the 11 behind it arrive within 440 ms, inside one 500 ms wait.
		expect(withWait[0]).toHaveLength(1);
		expect(withWait).toHaveLength(2);
		// Without the wait a call leaves as soon as the one before it ends, with whoever is queued.
		expect(withoutWait.length).toBeGreaterThan(3);
		expect(setup.zoho.records()).toHaveLength(26);
	});

	test('a lead arriving just after a shared call ended still counts as the burst and waits for the next leads; one execution at a time never waits', async () => {
		const calls = recordUpsertCalls(setup);
		const credential = freshCredential(setup);
		const options = { combineBurstWaitMs: 1000 };
		await zohoRun(setup, credential.id, lead(99, 'warm'), options);

		// One execution after another: every call carries one execution's lead, so none of them waits.
		for (let i = 0; i < 3; i++) {
			const started = Date.now();
			await zohoRun(setup, credential.id, lead(i, 'sequential'), options);
			expect(Date.now() - started).toBeLessThan(700);
		}
		calls.splice(0);

		// Three at once: the first goes alone, the other two share the next call, which ends the burst's first part.
		await Promise.all([0, 1, 2].map(async (i) => await zohoRun(setup, credential.id, lead(i, 'opening'), options)));
		expect(calls.map((call) => call.length)).toEqual([1, 2]);
		calls.splice(0);

		// The burst goes on a moment later, with nothing in flight: the first of these waits for the three behind it.
		await new Promise((resolve) => setTimeout(resolve, 50));
		const later = [0, 1, 2, 3].map((i) => lead(i, 'continued'));
		const runs = await Promise.all(
			later.map(async (item, i) => {
				await new Promise((resolve) => setTimeout(resolve, i * 60));
				return await zohoRun(setup, credential.id, item, options);
			}),
		);
		runs.forEach((run, i) => expect(run.success[0].json.input).toEqual(later[i]));
		expect(calls).toHaveLength(1);
		expect([...calls[0]].sort()).toEqual(later.map((item) => String(item.Email)).sort());
	});

	test('after a shared call the CRM refused whole, the next lead does not wait for others (an outage answers as fast as before)', async () => {
		const credential = freshCredential(setup);
		const options = { combineBurstWaitMs: 1000 };
		await zohoRun(setup, credential.id, lead(99, 'warm'), options);
		// Refused whole from here on, calls 1-4: the first lead alone, the two behind it together, then each of those two again on its own.
		const calls = recordUpsertCalls(setup, [1, 2, 3, 4]);

		const refused = await Promise.all([0, 1, 2].map(async (i) => await zohoRun(setup, credential.id, lead(i, 'refused'), options)));
		expect(refused.every((run) => run.errors.length === 1)).toBe(true);
		expect(calls.map((call) => call.length)).toEqual([1, 2, 1, 1]);

		await new Promise((resolve) => setTimeout(resolve, 50));
		const started = Date.now();
		const next = await zohoRun(setup, credential.id, lead(0, 'after-refusal'), options);
		expect(next.success).toHaveLength(1);
		expect(Date.now() - started).toBeLessThan(700);
	});

	test('an execution of many items and one-lead executions share the calls, each execution its own results', async () => {
		const credential = freshCredential(setup);
		const batch = Array.from({ length: 150 }, (_, i) => lead(i, 'batch'));
		const batchRun = zohoRun(setup, credential.id, batch[0]);
		const [big, ...singles] = await Promise.all([
			zohoRun(setup, credential.id, batch.slice(1)),
			...Array.from({ length: 5 }, async (_, i) => await zohoRun(setup, credential.id, lead(i, 'webhook'))),
		]);
		await batchRun;
		expect(big.success.map((item) => item.json.input)).toEqual(batch.slice(1));
		expect(big.success.map((item) => item.pairedItem)).toEqual(batch.slice(1).map((_item, i) => ({ item: i })));
		singles.forEach((run, i) => expect(run.success[0].json.input).toEqual(lead(i, 'webhook')));
		expect(setup.zoho.records()).toHaveLength(155);
		expect(setup.zoho.countOf('upsert')).toBeLessThanOrEqual(4);
	});
});

describe('Engine: shared calls in Act! 365 and LeadSquared', () => {
	test('Act! 365: a burst of one-contact executions shares the look-ups and creates each contact once', async () => {
		const setup = await act365Setup();
		try {
			setup.act.latencyMs = 40;
			const items = [...act365Leads(20, 'burst'), { ...act365Leads(1, 'burst')[0], firstName: 'Again' }];
			const runs = await Promise.all(items.map(async (item) => await setup.upsert([item])));
			runs.forEach((run, i) => {
				expect(run.errors).toEqual([]);
				expect(run.success[0].json.input).toEqual(items[i]);
			});
			// One contact per address although burst0 came twice, with the later data.
			const contacts = setup.act.contacts();
			expect(contacts).toHaveLength(20);
			expect(contacts.find((contact) => contact.emailAddress === 'burst0@example.org')?.firstName).toBe('Again');
			expect(runs[20].success[0].json.id).toBe(runs[0].success[0].json.id);
			const writes = setup.act.countOf('createContact') + setup.act.countOf('updateContact');
			expect(writes).toBe(21);
			expect(setup.act.countOf('searchContacts')).toBeLessThanOrEqual(4);
			expect(setup.act.countOf('metadata')).toBe(1);
		} finally {
			await setup.close();
		}
	});

	test('LeadSquared: a burst reaches the bulk API when it finishes sooner, each lead written once', async () => {
		const plan: PlanSettings = { callsPerWindow: 5, bulkCallsPerWindow: 5, rateLimitWindowSeconds: 1 };
		const setup = await leadSquaredSetup(plan);
		try {
			const items = lsqLeads(25, 'burst').map(({ page: _page, ...item }) => item);
			const runs = await Promise.all(items.map(async (item) => await setup.upsert([item])));
			runs.forEach((run, i) => {
				expect(run.errors).toEqual([]);
				expect(run.success[0].json.input).toEqual(items[i]);
			});
			expect(runs.some((run) => run.success[0].json.api === 'bulk')).toBe(true);
			const calls = setup.sandbox.countOf('createOrUpdate') + setup.sandbox.countOf('bulkCreateOrUpdate');
			expect(calls).toBeLessThanOrEqual(5);
			expect(setup.sandbox.leads()).toHaveLength(25);
			expect(setup.sandbox.countOf('metadata')).toBe(1);
		} finally {
			await setup.close();
		}
	});

	test('LeadSquared lead + activity: two executions of one lead post two activities, never in one call', async () => {
		const plan: PlanSettings = { callsPerWindow: 5, bulkCallsPerWindow: 5, rateLimitWindowSeconds: 1 };
		const setup = await leadSquaredSetup(plan);
		try {
			const items = [...lsqLeads(12, 'activity'), lsqLeads(1, 'activity')[0]];
			const runs = await Promise.all(items.map(async (item) => await setup.upsertWithActivity([item])));
			runs.forEach((run, i) => {
				expect(run.errors).toEqual([]);
				expect(run.success[0].json.input).toEqual(items[i]);
			});
			expect(setup.sandbox.leads()).toHaveLength(12);
			const activityIds = new Set(runs.map((run) => run.success[0].json.id));
			expect(activityIds.size).toBe(13);
			expect(setup.sandbox.activities()).toHaveLength(13);
		} finally {
			await setup.close();
		}
	});
});
