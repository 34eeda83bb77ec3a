import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { Act365Sandbox, ActOnSandbox, LeadSquaredSandbox, ZohoSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox/framework';
import { act365Setup, leads as act365Leads } from '../act365/setup';
import { forgetProcessState, leads as actOnLeads, newCredential, startActOn, upsert as actOnUpsert, WEB_LEADS } from '../acton/setup';
import { leads as lsqLeads, leadSquaredSetup } from '../leadsquared/setup';
import { leads as zohoLeads, zohoSetup } from '../zoho/setup';

/**
 * The sandboxes answer what each vendor documents (sandbox/<crm>/CONTRACT.md). These tests hold
 * the nodes to it: every route declares its answer fields, CONTRACT.md lists each of them, and
 * each node, run against a sandbox that also sends every undocumented field it can, gives the
 * same results when the sandbox is strict and sends only the contract's fields. A node that
 * leaned on a field the contract does not list would answer differently the second time.
 */

const contractText = (crm: string) => readFileSync(join(__dirname, '../../sandbox', crm, 'CONTRACT.md'), 'utf8');

describe.each([
	['zoho', new ZohoSandbox()],
	['leadsquared', new LeadSquaredSandbox()],
	['acton', new ActOnSandbox()],
	['act365', new Act365Sandbox()],
] as Array<[string, Sandbox]>)('%s: every route has an answer contract, and CONTRACT.md lists each field', (crm, sandbox) => {
	const text = contractText(crm);
	test.each(sandbox.routeContracts().map((route) => [`${route.method} ${route.pattern}`, route] as const))('%s', (_name, route) => {
		expect(route.contract).toBeDefined();
		const unlisted = (route.contract ?? []).filter((field) => !text.includes(`\`${field}\``));
		expect(unlisted).toEqual([]);
	});
});

/** Output items with ids and timestamps replaced by whether they match the CRM's own record. */
type Summary = Array<Record<string, unknown>>;
const pick = (item: INodeExecutionData, keys: string[]) => Object.fromEntries(keys.map((key) => [key, item.json[key] ?? null]));

async function bothWays(run: (strict: boolean) => Promise<Summary>): Promise<Summary> {
	const loose = await run(false);
	const strict = await run(true);
	expect(strict).toEqual(loose);
	return strict;
}

test('Zoho CRM: inserts, updates, matchedOn and Get read only contract fields', async () => {
	const summary = await bothWays(async (strictContract) => {
		const setup = await zohoSetup();
		try {
			setup.zoho.strictContract = strictContract;
			await setup.upsert(zohoLeads(1));
			const run = await setup.upsert([{ ...zohoLeads(1)[0], Company: 'Renamed' }, ...zohoLeads(2).slice(1)]);
			const stored = setup.zoho.dump();
			const found = await setup.get([{ email: 'lead1@example.org' }], { searchBy: 'email', searchValue: '={{ $json.email }}' });
			return [
				...run.success.map((item) => ({
					...pick(item, ['action', 'matchedOn']),
					idIsStored: stored.Leads.some((lead) => lead.id === item.json.id && lead.Email === (item.json.input as IDataObject).Email),
				})),
				...found.success.map((item) => pick(item, ['found'])),
				...run.errors.map((item) => pick(item, ['error'])),
			];
		} finally {
			await setup.close();
		}
	});
	expect(summary).toEqual([
		{ action: 'updated', matchedOn: 'Email', idIsStored: true },
		{ action: 'inserted', matchedOn: null, idIsStored: true },
		{ found: true },
	]);
});

test('LeadSquared: lead upserts (single and bulk) and lead + activity after a lost answer read only contract fields', async () => {
	const summary = await bothWays(async (strictContract) => {
		const setup = await leadSquaredSetup(undefined, {
			strictContract,
			answers: { activityListDateTime: true, createCustomRelatedProspectId: true, bulkRowCreatedFlags: true },
		});
		try {
			const existing = setup.sandbox.seedLead({ EmailAddress: 'lead0@example.org' });
			const out: Summary = [];
			for (const apiMode of ['single', 'bulk']) {
				const run = await setup.upsert(lsqLeads(2, `${apiMode}-`).map(({ page: _page, ...lead }) => lead).concat([{ EmailAddress: 'lead0@example.org' }]), {
					options: { apiMode },
				});
				out.push(
					...run.success.map((item) => ({
						...pick(item, ['action', 'api']),
						idIsStored: item.json.id === setup.sandbox.findLeadByEmail(String((item.json.input as IDataObject).EmailAddress))?.ProspectID,
					})),
				);
			}
			expect(setup.sandbox.findLeadByEmail('lead0@example.org')?.ProspectID).toBe(existing.ProspectID);
			for (const apiMode of ['single', 'bulk']) {
				setup.sandbox.injectFault({ endpoint: apiMode === 'single' ? 'activityCreateCustom' : 'activityBulkAdd', nth: 1, fault: { kind: 'lostResponse' } });
				const run = await setup.upsertWithActivity(lsqLeads(1, `act-${apiMode}-`), { options: { ignoreUnknownFields: true, apiMode } });
				out.push(
					...run.success.map((item) => pick(item, ['action', 'api', 'recoveredAfterLostAnswer'])),
					...run.errors.map((item) => ({ error: String(item.json.error).replace(/lead [0-9a-f-]{36}/, 'lead <id>') })),
				);
			}
			const perLead = new Map<string, number>();
			for (const activity of setup.sandbox.activities()) perLead.set(activity.RelatedProspectId, (perLead.get(activity.RelatedProspectId) ?? 0) + 1);
			out.push({ activities: [...perLead.values()] });
			return out;
		} finally {
			await setup.close();
		}
	});
	expect(summary).toEqual([
		...['single', 'bulk'].flatMap((api) => [
			{ action: 'upserted', api, idIsStored: true },
			{ action: 'upserted', api, idIsStored: true },
			{ action: 'upserted', api, idIsStored: true },
		]),
		{ action: 'inserted', api: 'single', recoveredAfterLostAnswer: true },
		{ action: 'inserted', api: 'bulk', recoveredAfterLostAnswer: true },
		{ activities: [1, 1] },
	]);
});

test('Act-On: upserts and the list picker read only contract fields', async () => {
	const summary = await bothWays(async (strictContract) => {
		forgetProcessState();
		const sandbox = await startActOn({ strictContract, upsertSaysInserted: true, listingTypeAnyCase: true });
		try {
			const { store, id } = newCredential(sandbox);
			const first = await actOnUpsert({ store, id, items: actOnLeads(2) });
			const second = await actOnUpsert({ store, id, items: actOnLeads(1) });
			const records = sandbox.records(WEB_LEADS);
			return [...first.success, ...second.success].map((item) => ({
				...pick(item, ['action', 'listId']),
				idIsStored: records.some((record) => record.id === item.json.id),
			}));
		} finally {
			await sandbox.close();
		}
	});
	expect(summary).toEqual([
		{ action: 'inserted', listId: WEB_LEADS, idIsStored: true },
		{ action: 'inserted', listId: WEB_LEADS, idIsStored: true },
		{ action: 'upserted', listId: WEB_LEADS, idIsStored: true },
	]);
});

test('Act! 365: look-up, create, update and a refused key read only contract fields', async () => {
	const summary = await bothWays(async (strictContract) => {
		const t = await act365Setup({ strictContract, answers: { unauthorizedDetail: true } });
		try {
			t.act.seedContact({ emailAddress: 'lead1@example.org', firstName: 'Old', jobTitle: 'Founder' });
			const run = await t.upsert(act365Leads(3));
			const wrong = t.addCredential({ developerApiKey: 'wrong-developer-key' });
			const refused = await t.upsert(act365Leads(1), {}, { credentialId: wrong.id });
			return [
				...run.success.map((item) => ({
					...pick(item, ['action', 'matchedOn']),
					idIsStored: t.act.contactsByEmail(String((item.json.input as IDataObject).emailAddress)).map((contact) => contact.id).includes(String(item.json.id)),
				})),
				...refused.errors.map((item) => pick(item, ['error'])),
			];
		} finally {
			await t.close();
		}
	});
	expect(summary).toEqual([
		{ action: 'inserted', matchedOn: 'emailAddress', idIsStored: true },
		{ action: 'updated', matchedOn: 'emailAddress', idIsStored: true },
		{ action: 'inserted', matchedOn: 'emailAddress', idIsStored: true },
		{ error: 'Act! 365 accepted the API key but refused the developer key: check "Developer Key"' },
	]);
});
