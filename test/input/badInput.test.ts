import type { IDataObject } from 'n8n-workflow';

import { CASES, type InputCase, type Role } from './cases';
import { act365, actOn, leadSquared, zoho, type CrmUnderTest } from './crms';


/**
 * Every case, each after a good neighbour, in one execution per CRM through n8n-core against
 * the sandbox: one output per input, refusals name the field and the fix, the sandbox holds
 * exactly the good leads and the cases meant to be stored, with the values meant, and nothing else.
 */
const crms: Array<[string, () => Promise<CrmUnderTest>]> = [
	['Zoho CRM', zoho],
	['LeadSquared', leadSquared],
	['Act-On', actOn],
	['Act! 365', act365],
];

interface Planned {
	testCase: InputCase;
	id: string;
	/** Indexes of the case's items in the run (two for twins). */
	indexes: number[];
}

function applies(testCase: InputCase, crm: CrmUnderTest): boolean {
	const roles = [...Object.keys(testCase.set), ...(testCase.needs ?? []), ...('refused' in testCase.expect ? [testCase.expect.refused] : [])] as Role[];
	if (testCase.overTextLimit && !crm.textLimit) return false;
	return roles.every((role) => crm.fields[role] !== undefined);
}

function itemOf(crm: CrmUnderTest, testCase: InputCase, id: string, values: InputCase['set']): IDataObject {
	const item: IDataObject = { ...crm.base, [crm.fields.email!]: `${id}@example.org` };
	for (const [role, value] of Object.entries(values) as Array<[Role, (id: string) => unknown]>) item[crm.fields[role]!] = value(id) as never;
	if (testCase.overTextLimit) item[crm.fields.text!] = 'x'.repeat(crm.textLimit! + 1);
	for (const role of testCase.drop ?? []) delete item[crm.fields[role]!];
	if (testCase.collidingEmail) item[crm.collidingEmailKey] = testCase.collidingEmail(id) as never;
	return item;
}

/** What a stored value must not hold: anything invisible, or another Unicode form. */
const unclean = (value: unknown) => typeof value === 'string' && (/[\p{C}]/u.test(value) || value !== value.normalize('NFC') || value !== value.trim());

describe.each(crms)('%s: malformed and tricky values among good leads', (_name, start) => {
	let crm: CrmUnderTest;
	let items: IDataObject[];
	let planned: Planned[];
	let goods: string[];
	let byIndex: Map<number, { ok: boolean; json: IDataObject }>;
	let total: number;

	beforeAll(async () => {
		// jest.config.js runs the tests in UTC+9, where `new Date('2026-12-31T00:00:00')` is 30 December in UTC.
		expect(new Date(2026, 11, 31).getTimezoneOffset()).toBe(-540);
		crm = await start();
		items = [];
		planned = [];
		goods = [];
		CASES.filter((testCase) => applies(testCase, crm)).forEach((testCase, n) => {
			const good = `good${n}@example.org`;
			goods.push(good);
			items.push({ ...crm.base, [crm.fields.email!]: good });
			const id = `case${n}`;
			const indexes = [items.push(itemOf(crm, testCase, id, testCase.set)) - 1];
			if (testCase.twin) indexes.push(items.push(itemOf(crm, testCase, id, testCase.twin)) - 1);
			planned.push({ testCase, id, indexes });
		});
		const run = await crm.run(items);
		total = run.success.length + run.errors.length;
		byIndex = new Map();
		for (const [list, ok] of [[run.success, true], [run.errors, false]] as const) {
			for (const item of list) byIndex.set((item.pairedItem as { item: number }).item, { json: item.json, ok });
		}
	}, 120_000);

	afterAll(async () => {
		await crm?.close();
	});

	test('at least 30 cases apply, and every input item has exactly one output', () => {
		expect(planned.length).toBeGreaterThanOrEqual(30);
		expect(total).toBe(items.length);
		expect(byIndex.size).toBe(items.length);
	});

	test('every good neighbour is written', () => {
		const stored = new Set(crm.stored().map((record) => String(record.email)));
		items.forEach((item, index) => {
			if (!goods.includes(String(item[crm.fields.email!]))) return;
			expect({ index, ok: byIndex.get(index)?.ok, error: byIndex.get(index)?.json.error }).toEqual({ index, ok: true, error: undefined });
		});
		for (const good of goods) expect(stored.has(good)).toBe(true);
	});

	test.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', (_title, testCase) => {
		const plan = planned.find((entry) => entry.testCase === testCase);
		if (!plan) return; // The CRM has no field for this case's role.
		const outputs = plan.indexes.map((index) => byIndex.get(index)!);
		const records = crm.stored();
		if ('refused' in testCase.expect) {
			const { refused, fix, message } = testCase.expect;
			const [output] = outputs;
			expect(output.ok).toBe(false);
			const details = output.json.details as IDataObject;
			expect(details.field).toBe(crm.fields[refused]);
			expect(String(details.fix)).toMatch(fix);
			if (message) expect(String(output.json.error)).toMatch(message);
			expect(String(output.json.error).length).toBeLessThan(1000);
			if (testCase.collidingEmail) {
				expect(String(output.json.error)).toContain(crm.fields.email);
				expect(String(output.json.error)).toContain(crm.collidingEmailKey);
			}
			// Nothing of the refused item reached the CRM.
			const ofCase = new RegExp(`${plan.id}(?!\\d)`);
			expect(records.filter((record) => ofCase.test(String(record.email ?? '').toLowerCase()))).toEqual([]);
			return;
		}
		for (const output of outputs) expect({ ok: output.ok, error: output.json.error }).toEqual({ ok: true, error: undefined });
		const expected = Object.fromEntries(Object.entries(testCase.expect.stored).map(([role, value]) => [role, (value as (id: string) => unknown)(plan.id)]));
		const email = String(expected.email ?? `${plan.id}@example.org`);
		const matching = records.filter((record) => String(record.email ?? '').toLowerCase() === email.toLowerCase());
		expect(matching).toHaveLength(1);
		expect(matching[0]).toMatchObject(expected);
	});

	test('nothing else is stored, and nothing stored holds invisible characters or another Unicode form', () => {
		const records = crm.stored();
		const storedCases = planned.filter((plan) => 'stored' in plan.testCase.expect).length;
		expect(records.length).toBeGreaterThanOrEqual(goods.length + storedCases);
		// The sandboxes start with their own fixture records; every other one is a good lead or a stored case.
		const ours = records.filter((record) => /^(good|case)\d+/i.test(String(record.email ?? '')));
		expect(ours).toHaveLength(goods.length + storedCases);
		for (const record of ours) for (const value of Object.values(record)) expect(unclean(value)).toBe(false);
	});
});
