/**
 * The webhook burst: leads posted to the shipped webhook templates in a real n8n (the pinned
 * runtime), one execution per lead, many at once, as form submissions arrive. Measures calls per
 * lead, wall time against the CRM's floor, and each POST's answer time; at one POST at a time,
 * the answer time against the code of an earlier commit (`--baseline=<git ref>`, default main),
 * installed in an n8n of its own. Writes docs/benchmarks/burst.{md,json} and burst.svg.
 *
 * Run on its own: `npm run bench -- --only=burst` (add `--burst-sizes=200x25` for the short part).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startInstance, type Instance } from '../e2e/instance';
import { concurrencyMs, seconds, slidingWindowMs } from './floors';
import { machine } from './report';

const ROOT = join(__dirname, '..', '..');
const OUTPUT = join(ROOT, 'docs', 'benchmarks');

type CrmKey = 'zoho' | 'leadsquared' | 'act365' | 'acton';

interface Crm {
	key: CrmKey;
	label: string;
	route: string;
	/** The record ids the CRM holds for an address. */
	recordIds(n8n: Instance, email: string): string[];
	/** The least time the CRM's limits (the demo credentials') allow for `leads`, `latencyMs` per call. */
	floorMs(leads: number, latencyMs: number): number;
}

const CRMS: Crm[] = [
	{
		key: 'zoho',
		label: 'Zoho CRM',
		route: 'webhook/lead-intake/zoho',
		recordIds: (n8n, email) =>
			n8n.sandboxes.zoho
				.records('Leads')
				.filter((record) => String(record.Email).toLowerCase() === email)
				.map((record) => String(record.id)),
		// No call limit: 100 records a call, three calls in flight.
		floorMs: (leads, latencyMs) => concurrencyMs(Math.ceil(leads / 100), 3, latencyMs),
	},
	{
		key: 'leadsquared',
		label: 'LeadSquared',
		route: 'webhook/lead-intake/leadsquared',
		recordIds: (n8n, email) =>
			n8n.sandboxes.leadsquared
				.leads()
				.filter((lead) => lead.EmailAddress?.toLowerCase() === email)
				.map((lead) => lead.ProspectID),
		// Per 5 s window: 25 single calls of one lead and 5 bulk calls of 25, side by side.
		floorMs: (leads, latencyMs) => slidingWindowMs(leads, 25 + 5 * 25, 5000, latencyMs),
	},
	{
		key: 'act365',
		label: 'Act! 365',
		route: 'webhook/lead-intake/act-365',
		recordIds: (n8n, email) => n8n.sandboxes.act365.contactsByEmail(email).map((contact) => String(contact.id)),
		// No call limit: a create per contact plus a look-up per 50, three calls in flight.
		floorMs: (leads, latencyMs) => concurrencyMs(leads + Math.ceil(leads / 50), 3, latencyMs),
	},
	{
		key: 'acton',
		label: 'Act-On',
		route: 'webhook/lead-intake/act-on',
		recordIds: (n8n, email) =>
			n8n.sandboxes.acton
				.records('l-0001')
				.filter((record) => record.email.toLowerCase() === email)
				.map((record) => String(record.id)),
		// No batch write: a call per lead at 5 calls a second.
		floorMs: (leads, latencyMs) => slidingWindowMs(leads, 5, 1000, latencyMs),
	},
];

export interface BurstRun {
	crm: CrmKey;
	label: string;
	code: 'baseline' | 'current';
	leads: number;
	concurrent: number;
	calls: number;
	callsByEndpoint: Record<string, number>;
	callsPerLead: number;
	wallMs: number;
	floorMs: number;
	p50Ms: number;
	p95Ms: number;
	/** POSTs not answered 200 with the id of the one record of their own address. */
	wrongAnswers: number;
	/** Addresses without exactly one record. */
	lostOrDuplicated: number;
	refusals: number;
}

export interface BurstTarget {
	label: string;
	value: string;
	pass: boolean;
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

let runSerial = 0;

async function measure(n8n: Instance, crm: Crm, code: BurstRun['code'], leads: number, concurrent: number, latencyMs: number): Promise<BurstRun> {
	const sandbox = n8n.sandboxes[crm.key];
	const prefix = `${crm.key}-${code}-${++runSerial}-${Date.now().toString(36)}`;
	const bodies = Array.from({ length: leads }, (_, i) => ({ email: `${prefix}-${i}@example.org`, firstName: `Name${i}`, lastName: `Surname${i}` }));
	sandbox.resetCounters();
	const answers: Array<{ status: number; id?: string; ms: number }> = new Array(leads);
	let next = 0;
	const started = Date.now();
	const worker = async () => {
		while (next < bodies.length) {
			const index = next++;
			const sent = Date.now();
			const answer = await n8n.postJson(crm.route, bodies[index]);
			answers[index] = { status: answer.status, id: answer.json?.id, ms: Date.now() - sent };
		}
	};
	await Promise.all(Array.from({ length: concurrent }, worker));
	const wallMs = Date.now() - started;
	const calls = sandbox.totalCalls();
	let wrongAnswers = 0;
	let lostOrDuplicated = 0;
	bodies.forEach((body, index) => {
		const ids = crm.recordIds(n8n, body.email);
		if (ids.length !== 1) lostOrDuplicated++;
		if (answers[index].status !== 200 || answers[index].id !== ids[0]) wrongAnswers++;
	});
	const times = answers.map((answer) => answer.ms);
	const run: BurstRun = {
		crm: crm.key,
		label: crm.label,
		code,
		leads,
		concurrent,
		calls,
		callsByEndpoint: { ...sandbox.calls },
		callsPerLead: calls / leads,
		wallMs,
		floorMs: crm.floorMs(leads, latencyMs),
		p50Ms: percentile(times, 50),
		p95Ms: percentile(times, 95),
		wrongAnswers,
		lostOrDuplicated,
		refusals: Object.values(sandbox.refusals).reduce((sum, count) => sum + count, 0),
	};
	console.log(
		`  ${crm.label.padEnd(11)} ${code.padEnd(8)} ${String(leads).padStart(4)} leads @${String(concurrent).padStart(2)}: ` +
			`${calls} calls (${run.callsPerLead.toFixed(3)}/lead), ${seconds(wallMs)} vs floor ${seconds(run.floorMs)}, ` +
			`p50 ${run.p50Ms} ms, p95 ${run.p95Ms} ms, wrong ${wrongAnswers}, lost/dup ${lostOrDuplicated}, refused ${run.refusals}`,
	);
	return run;
}

/** The package built from `ref` in a folder of its own; undefined when the ref cannot be built. */
function buildBaseline(ref: string): string | undefined {
	const folder = mkdtempSync(join(tmpdir(), 'lead-upsert-baseline-'));
	const archive = spawnSync('sh', ['-c', `git -C "${ROOT}" archive "${ref}" | tar -x -C "${folder}"`], { encoding: 'utf8' });
	if (archive.status !== 0) {
		console.log(`Baseline ${ref} not available: ${archive.stderr.trim()}`);
		return undefined;
	}
	symlinkSync(join(ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir');
	const build = spawnSync('npm', ['run', 'build'], { cwd: folder, encoding: 'utf8' });
	if (build.status !== 0 || !existsSync(join(folder, 'dist'))) {
		console.log(`Baseline ${ref} does not build:\n${build.stderr}`);
		return undefined;
	}
	return join(folder, 'dist');
}

async function withInstance<T>(packageDist: string | undefined, latencyMs: number, work: (n8n: Instance) => Promise<T>): Promise<T> {
	const n8n = await startInstance({ packageDist });
	try {
		for (const sandbox of Object.values(n8n.sandboxes)) {
			sandbox.latencyMs = latencyMs;
			sandbox.logLimit = 100;
		}
		// One POST per CRM first, as a running n8n has had by the time a burst arrives (token, metadata).
		for (const crm of CRMS) await measure(n8n, crm, packageDist ? 'baseline' : 'current', 1, 1, latencyMs);
		return await work(n8n);
	} finally {
		await n8n.stop();
	}
}

function targetsOf(runs: BurstRun[]): BurstTarget[] {
	const find = (crm: CrmKey, code: BurstRun['code'], leads: number, concurrent: number) =>
		runs.find((run) => run.crm === crm && run.code === code && run.leads === leads && run.concurrent === concurrent);
	const targets: BurstTarget[] = [];
	const at200 = (crm: CrmKey) => find(crm, 'current', 200, 25);
	const zoho = at200('zoho');
	if (zoho) targets.push({ label: 'Zoho CRM ≤ 0.15 calls per lead (200 leads, 25 concurrent)', value: zoho.callsPerLead.toFixed(3), pass: zoho.callsPerLead <= 0.15 });
	const lsq = at200('leadsquared');
	if (lsq) targets.push({ label: 'LeadSquared ≤ 15 s wall (200 leads, 25 concurrent)', value: seconds(lsq.wallMs), pass: lsq.wallMs <= 15_000 });
	const act = at200('act365');
	if (act) targets.push({ label: 'Act! 365 ≤ 1.2 calls per lead (200 leads, 25 concurrent)', value: act.callsPerLead.toFixed(3), pass: act.callsPerLead <= 1.2 });
	const acton = at200('acton');
	if (acton) {
		const ratio = acton.wallMs / acton.floorMs;
		targets.push({ label: 'Act-On ≤ 1.1× its 5-calls-a-second floor (200 leads, 25 concurrent)', value: `${ratio.toFixed(3)}×`, pass: ratio <= 1.1 });
	}
	for (const crm of CRMS) {
		const current = find(crm.key, 'current', 20, 1);
		const baseline = find(crm.key, 'baseline', 20, 1);
		if (!current || !baseline) continue;
		const ratio = current.p50Ms / baseline.p50Ms;
		targets.push({
			label: `${crm.label}: p50 answer at 1 concurrent within 10% of the baseline's`,
			value: `${current.p50Ms} ms vs ${baseline.p50Ms} ms (${ratio.toFixed(3)}×)`,
			pass: ratio <= 1.1,
		});
	}
	const current = runs.filter((run) => run.code === 'current');
	const wrong = current.reduce((sum, run) => sum + run.wrongAnswers, 0);
	const lost = current.reduce((sum, run) => sum + run.lostOrDuplicated, 0);
	targets.push({ label: '0 lost or duplicated, every POST answered 200 with its own lead\'s id', value: `${lost} lost/duplicated, ${wrong} wrong answers`, pass: wrong === 0 && lost === 0 });
	return targets;
}

function renderMarkdown(meta: ReturnType<typeof machine> & { latencyMs: number; baseline: string; durationS: number }, runs: BurstRun[], targets: BurstTarget[]): string {
	const row = (run: BurstRun) =>
		`| ${run.label} | ${run.code === 'baseline' ? meta.baseline : 'this code'} | ${run.leads} @ ${run.concurrent} | ${run.calls} (${run.callsPerLead.toFixed(3)}) | ${seconds(run.wallMs)} | ${seconds(run.floorMs)} (${(run.wallMs / run.floorMs).toFixed(2)}×) | ${run.p50Ms} / ${run.p95Ms} ms | ${run.wrongAnswers} / ${run.lostOrDuplicated} |`;
	return [
		'# Webhook burst',
		'',
		`${meta.date} · ${meta.cpu} · ${meta.cores} cores · Node ${meta.node} · ${meta.latencyMs} ms per call · the run took ${Math.round(meta.durationS / 60)} min`,
		'',
		'Leads posted to the shipped webhook templates in a real n8n (the pinned runtime), one execution per lead, `@ N` of them in flight at once; the CRM emulators answer each call after the latency above and enforce the limits of the demo credentials (LeadSquared 25 calls and 5 bulk calls per 5 s, Act-On 5 calls a second, Zoho and Act! 365 none). *Calls* counts every call the CRM received (token, metadata and writes). *Floor*: the least time the CRM\'s limits allow for the leads. Zoho and Act! 365 have no limit here, so their wall time is n8n\'s own pace running the executions on this machine, not the CRM\'s. *Answer*: each POST\'s time until n8n answered, p50 / p95. *Wrong / lost*: POSTs not answered 200 with their own lead\'s id / addresses without exactly one record.',
		`The baseline (${meta.baseline}) is the code before executions shared calls, in an n8n of its own with the same templates and emulators.`,
		'',
		'![Calls per lead and wall time, baseline against this code](burst.svg)',
		'',
		'| CRM | code | leads @ concurrent | calls (per lead) | wall | floor | answer p50 / p95 | wrong / lost |',
		'|---|---|---|---|---|---|---|---|',
		...runs.filter((run) => run.leads > 1).map(row),
		'',
		'## Targets',
		'',
		...targets.map((target) => `- ${target.pass ? 'PASS' : 'FAIL'} · ${target.label}: ${target.value}`),
		'',
		'`npm run bench -- --only=burst` repeats it (`--burst-sizes=200x25,1000x50`, `--baseline=<git ref>` or `none`, `--burst-crms=zoho,leadsquared,act365,acton`, `--latency=50`).',
		'',
	].join('\n');
}

function renderChart(runs: BurstRun[]): string {
	const pairs = CRMS.map((crm) => ({
		crm,
		baseline: runs.find((run) => run.crm === crm.key && run.code === 'baseline' && run.leads === 200),
		current: runs.find((run) => run.crm === crm.key && run.code === 'current' && run.leads === 200),
	}));
	const width = 720;
	const barHeight = 16;
	const panel = (title: string, x: number, value: (run: BurstRun) => number, format: (v: number) => string) => {
		const max = Math.max(...pairs.flatMap((pair) => [pair.baseline, pair.current].filter((run): run is BurstRun => !!run).map(value)), 1e-9);
		const scale = 200 / max;
		const bars = pairs
			.map((pair, i) => {
				const y = 50 + i * 56;
				const bar = (run: BurstRun | undefined, dy: number, color: string) =>
					run
						? `<rect x="${x + 90}" y="${y + dy}" width="${Math.max(1, value(run) * scale).toFixed(1)}" height="${barHeight}" fill="${color}"/><text x="${x + 95 + value(run) * scale}" y="${y + dy + 12}" font-size="11">${format(value(run))}</text>`
						: '';
				return `<text x="${x}" y="${y + 20}" font-size="12">${pair.crm.label}</text>${bar(pair.baseline, 0, '#bbb')}${bar(pair.current, barHeight + 2, '#2a6fdb')}`;
			})
			.join('');
		return `<text x="${x}" y="30" font-size="13" font-weight="bold">${title}</text>${bars}`;
	};
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="300" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
${panel('Calls per lead (200 leads, 25 concurrent)', 10, (run) => run.callsPerLead, (v) => v.toFixed(2))}
${panel('Wall time, s', 370, (run) => run.wallMs / 1000, (v) => v.toFixed(1))}
<rect x="10" y="278" width="12" height="12" fill="#bbb"/><text x="26" y="288" font-size="11">baseline</text>
<rect x="100" y="278" width="12" height="12" fill="#2a6fdb"/><text x="116" y="288" font-size="11">this code</text>
</svg>
`;
}

export async function runBurstBenchmark(options: { latencyMs: number; baseline?: string; sizes?: string; crms?: string }): Promise<boolean> {
	const started = Date.now();
	const baselineRef = options.baseline ?? 'main';
	const chosen = options.crms?.split(',');
	const crms = CRMS.filter((crm) => !chosen || chosen.includes(crm.key));
	const sizes = (options.sizes ?? '200x25,1000x50').split(',').map((size) => {
		const [leads, concurrent] = size.split('x').map(Number);
		return { leads, concurrent };
	});
	const runs: BurstRun[] = [];
	// `--baseline=none` measures this code alone (when tuning, not for publishing).
	const baselineDist = baselineRef === 'none' ? undefined : buildBaseline(baselineRef);
	if (baselineDist) {
		console.log(`Webhook burst, baseline ${baselineRef} in a real n8n (${options.latencyMs} ms per call):`);
		await withInstance(baselineDist, options.latencyMs, async (n8n) => {
			for (const crm of crms) {
				runs.push(await measure(n8n, crm, 'baseline', 20, 1, options.latencyMs));
				runs.push(await measure(n8n, crm, 'baseline', 200, 25, options.latencyMs));
			}
		});
		rmSync(join(baselineDist, '..'), { recursive: true, force: true });
	}
	console.log(`Webhook burst, this code in a real n8n (${options.latencyMs} ms per call):`);
	await withInstance(undefined, options.latencyMs, async (n8n) => {
		for (const crm of crms) {
			runs.push(await measure(n8n, crm, 'current', 20, 1, options.latencyMs));
			for (const { leads, concurrent } of sizes) runs.push(await measure(n8n, crm, 'current', leads, concurrent, options.latencyMs));
		}
	});
	const targets = targetsOf(runs);
	const meta = { ...machine(), latencyMs: options.latencyMs, baseline: baselineRef, durationS: Math.round((Date.now() - started) / 1000) };
	mkdirSync(OUTPUT, { recursive: true });
	writeFileSync(join(OUTPUT, 'burst.json'), `${JSON.stringify({ meta, runs, targets }, null, '\t')}\n`);
	writeFileSync(join(OUTPUT, 'burst.md'), renderMarkdown(meta, runs, targets));
	writeFileSync(join(OUTPUT, 'burst.svg'), renderChart(runs));
	console.log('Webhook burst targets:');
	for (const target of targets) console.log(`  ${target.pass ? 'PASS' : 'FAIL'}  ${target.label}: ${target.value}`);
	console.log('Wrote docs/benchmarks/burst.md, burst.json and burst.svg.');
	return targets.every((target) => target.pass);
}
