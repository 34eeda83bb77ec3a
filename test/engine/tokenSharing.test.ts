/**
 * Two n8n workers sharing one credential, as in queue mode: each worker is its own copy of the
 * package and of n8n-core (a module registry of its own, so nothing in memory is shared), and
 * both read and write the one credential store, as workers share n8n's database. Checked in the
 * sandboxes: how many tokens the workers together get, over several token lifetimes and when
 * every token is refused at once.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ActOnSandbox } from '../../sandbox/acton/ActOnSandbox';
import { ZohoSandbox } from '../../sandbox/zoho/ZohoSandbox';
import type * as Harness from '../harness';
import { CredentialStore } from '../harness';
import { credentialData as actOnCredentialData, WEB_LEADS } from '../acton/setup';
import { leads, REFRESH_TOKEN, ZOHO_CREDENTIAL, zohoCredentialData, zohoUpsertParameters } from '../zoho/setup';

const ACTON_CREDENTIAL = 'actOnLeadUpsertApi';
/** Long enough for a refresh in the token's last tenth to settle its claim first. */
const LIFETIME_MS = 10_000;
const LIFETIMES = 3;

function loadWorker(): typeof Harness {
	let harness: typeof Harness | undefined;
	jest.isolateModules(() => {
		harness = require('../harness') as typeof Harness;
	});
	return harness!;
}

const workers = [loadWorker(), loadWorker()];

const zohoUpsert = (worker: typeof Harness, store: CredentialStore, id: string, items: IDataObject[], options: INodeParameters = {}) =>
	worker.runNode({
		type: 'zohoCrmLeadUpsert',
		store,
		credentials: { [ZOHO_CREDENTIAL]: id },
		items,
		onError: 'continueErrorOutput',
		parameters: zohoUpsertParameters(options),
	});

const actOnUpsert = (worker: typeof Harness, store: CredentialStore, id: string, items: IDataObject[]) =>
	worker.runNode({
		type: 'actOnLeadUpsert',
		store,
		credentials: { [ACTON_CREDENTIAL]: id },
		items,
		onError: 'continueErrorOutput',
		parameters: {
			operation: 'upsert',
			list: { __rl: true, mode: 'list', value: WEB_LEADS },
			columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['E-mail Address'], schema: [] },
			options: {},
		} as INodeParameters,
	});

type Upsert = (worker: typeof Harness, items: IDataObject[]) => Promise<{ success: unknown[]; errors: unknown[] }>;

/** Both workers run executions back to back for `ms`; answers how many items failed. */
async function steadyTraffic(upsert: Upsert, ms: number, makeItems: (n: number) => IDataObject[]): Promise<number> {
	const until = Date.now() + ms;
	let failed = 0;
	let n = 0;
	await Promise.all(
		workers.map(async (worker) => {
			while (Date.now() < until) {
				const run = await upsert(worker, makeItems(n++));
				failed += run.errors.length;
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		}),
	);
	return failed;
}

describe('Zoho CRM, two workers, one credential', () => {
	let zoho: ZohoSandbox;
	let store: CredentialStore;
	let id: string;

	beforeEach(async () => {
		zoho = new ZohoSandbox({ refreshToken: REFRESH_TOKEN });
		await zoho.listen();
		// expires_in is Zoho's own field: a short lifetime is an answer Zoho may give.
		zoho.configure({ tokenTtlMs: LIFETIME_MS });
		store = new CredentialStore();
		id = store.add(ZOHO_CREDENTIAL, zohoCredentialData(zoho)).id;
	});
	afterEach(async () => {
		await zoho.close();
	});

	test('tokens expiring by their lifetime: one grant per lifetime for both, renewed before expiry, no call refused', async () => {
		const upsert: Upsert = (worker, items) => zohoUpsert(worker, store, id, items);
		const started = Date.now();
		const failed = await steadyTraffic(upsert, LIFETIME_MS * LIFETIMES + 500, (n) => leads(2, `steady${n}-`));
		const lifetimes = (Date.now() - started) / LIFETIME_MS;
		const grants = zoho.countOf('token');
		console.log(`Zoho, 2 workers, ${lifetimes.toFixed(1)} lifetimes: ${grants} token grants, refusals ${JSON.stringify(zoho.refusals)}`);
		expect(failed).toBe(0);
		// The first token, then one renewal per lifetime (each in the token's last 10 to 25 %).
		expect(grants).toBeGreaterThanOrEqual(1 + Math.floor(lifetimes) - 1);
		expect(grants).toBeLessThanOrEqual(1 + Math.ceil(lifetimes / 0.75));
		expect(zoho.refusals.invalidToken ?? 0).toBe(0);
	}, 120_000);

	test('every token refused at once, both workers busy: one new token for both', async () => {
		await zohoUpsert(workers[0], store, id, leads(1, 'warm'));
		zoho.configure({ tokenTtlMs: 3600_000 });
		await zohoUpsert(workers[1], store, id, leads(1, 'warm-b'));
		expect(zoho.countOf('token')).toBe(1);
		zoho.actions().expireTokens();
		const runs = await Promise.all(
			[0, 1, 2, 3, 4, 5].map((n) => zohoUpsert(workers[n % 2], store, id, leads(3, `refused${n}-`))),
		);
		console.log(`Zoho, 2 workers, all tokens refused at once: ${zoho.countOf('token') - 1} new grants, refusals ${JSON.stringify(zoho.refusals)}`);
		expect(runs.map((run) => run.errors.length)).toEqual([0, 0, 0, 0, 0, 0]);
		expect(zoho.countOf('token')).toBe(2);
	}, 60_000);

	test('the token endpoint down: one token request for the leads waiting, each failing to be sent again later, and the claim given back so another worker does not wait out its lease', async () => {
		zoho.injectFault({ endpoint: 'token', probability: 1, fault: { kind: 'status', status: 503 } });
		const executions = 12;
		const runs = await Promise.all(Array.from({ length: executions }, (_, n) => zohoUpsert(workers[0], store, id, leads(1, `down${n}-`), { maxRetries: 1, combineExecutions: false })));
		const tokenCalls = zoho.countOf('token');
		console.log(`Zoho token endpoint down, ${executions} executions of one lead, one retry each: ${tokenCalls} token requests`);
		for (const run of runs) {
			expect(run.success).toHaveLength(0);
			expect(run.errors).toHaveLength(1);
			expect(run.errors[0].json).toMatchObject({ details: { retryLater: true, reason: 'crm-unavailable' } });
		}
		// Asked in turn, every execution would ask twice (its try and its retry): 24 requests.
		expect(tokenCalls).toBeLessThanOrEqual(2);
		expect(zoho.countOf('upsert')).toBe(0);

		// The claim is given back, so the other worker (or this n8n restarted) does not wait out its
		// lease (30 s) for a token that is not coming: it asks itself at once.
		expect(store.get(id).data.tokenRefreshClaim).toBe('');
		const other = await zohoUpsert(workers[1], store, id, leads(1, 'other-'), { maxRetries: 0 });
		expect(other.errors).toEqual([expect.objectContaining({ json: expect.objectContaining({ details: expect.objectContaining({ retryLater: true }) }) })]);
		expect(zoho.countOf('token')).toBe(tokenCalls + 1);

		// Back: once the failure no longer answers for the worker (2 s), its next lead gets a token.
		zoho.faults.clear();
		await new Promise((resolve) => setTimeout(resolve, 2_100));
		const after = await zohoUpsert(workers[1], store, id, leads(1, 'after-'));
		expect(after.errors).toHaveLength(0);
	}, 60_000);

	test('a renewal ahead of expiry that Zoho refuses costs no lead: the still valid token carries on', async () => {
		// One token per window: the next token request hears "Access Denied", as after 10 in 10 minutes.
		zoho.configure({ mintsPerWindow: 1 });
		await zohoUpsert(workers[0], store, id, leads(1, 'first'));
		const until = Date.parse(String(store.get(id).data.tokenExpiresAt)) - 300;
		let failed = 0;
		let n = 0;
		while (Date.now() < until) {
			failed += (await zohoUpsert(workers[0], store, id, leads(1, `late${n++}-`))).errors.length;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		expect(n).toBeGreaterThan(20);
		expect(failed).toBe(0);
		expect(zoho.refusals.tokenThrottle).toBe(1);
		expect(zoho.refusals.invalidToken ?? 0).toBe(0);
	}, 60_000);
});

describe('Act-On, two workers, one credential', () => {
	let acton: ActOnSandbox;
	let store: CredentialStore;
	let id: string;

	beforeEach(async () => {
		// expires_in is Act-On's own field; refresh tokens stay single use.
		acton = new ActOnSandbox({ accessTokenTtlMs: LIFETIME_MS });
		await acton.listen(0);
		store = new CredentialStore();
		id = store.add(ACTON_CREDENTIAL, actOnCredentialData(acton, { sharingWorkers: 2 }) as never).id;
	});
	afterEach(async () => {
		await acton.close();
	});

	const items = (prefix: string) => [{ 'E-mail Address': `${prefix}@example.org`, 'First Name': 'Ada', 'Last Name': 'Okafor' }];

	test('tokens expiring by their lifetime: one refresh per lifetime for both, one login in all, no refused refresh token', async () => {
		const upsert: Upsert = (worker, batch) => actOnUpsert(worker, store, id, batch);
		const started = Date.now();
		const failed = await steadyTraffic(upsert, LIFETIME_MS * LIFETIMES + 500, (n) => items(`steady${n}`));
		const lifetimes = (Date.now() - started) / LIFETIME_MS;
		const grants = acton.tokenCalls();
		console.log(`Act-On, 2 workers, ${lifetimes.toFixed(1)} lifetimes: token calls ${JSON.stringify(grants)}, refusals ${JSON.stringify(acton.refusals)}`);
		expect(failed).toBe(0);
		expect(grants.password).toBe(1);
		expect(grants.refresh).toBeGreaterThanOrEqual(Math.floor(lifetimes) - 1);
		expect(grants.refresh).toBeLessThanOrEqual(Math.ceil(lifetimes / 0.75));
		expect(acton.log.filter((entry) => entry.endpoint === 'token' && entry.status !== 200)).toEqual([]);
	}, 120_000);

	test('every access token refused at once, both workers busy: one refresh for both, no login', async () => {
		await actOnUpsert(workers[0], store, id, items('warm'));
		await actOnUpsert(workers[1], store, id, items('warm-b'));
		acton.actions().expireAccessTokens();
		const runs = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => actOnUpsert(workers[n % 2], store, id, items(`refused${n}`))));
		console.log(`Act-On, 2 workers, all access tokens refused at once: token calls ${JSON.stringify(acton.tokenCalls())}`);
		expect(runs.map((run) => run.errors.length)).toEqual([0, 0, 0, 0, 0, 0]);
		expect(acton.tokenCalls()).toEqual({ password: 1, refresh: 1 });
	}, 60_000);
});
