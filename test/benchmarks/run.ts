/**
 * `npm run bench`: sends leads to each CRM emulator through the node (executed by n8n-core) and
 * through the hand-built flows it replaces, with the vendors' limits and 50 ms per call, and
 * writes docs/benchmarks/results.{md,json} and chart.svg.
 *
 * Options: --only=zoho,acton (a subset of CRMs), --latency=50, --from=docs/benchmarks/results.json
 * (write the table, chart and targets again from saved figures, without measuring). The webhook
 * burst in a real n8n runs after the others, or alone with --only=burst (see burst.ts:
 * --burst-sizes=200x25,1000x50, --baseline=<git ref>).
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Sandbox } from '../../sandbox/framework';
import { runBurstBenchmark } from './burst';
import { CPU_PARTS, type CpuPart } from './profile';
import { machine, renderChart, renderConsole, renderMarkdown, type Meta } from './report';
import { SCENARIOS } from './scenarios';
import { runLabel } from './targets';
import { VARIANT_LABELS, type ChildReport, type Job, type Mode, type Plan, type RunResult, type Scenario, type TargetCheck } from './types';

const ROOT = join(__dirname, '..', '..');
const OUTPUT = join(ROOT, 'docs', 'benchmarks');
/** Leads per run of the CPU pass (latency 0, limits lifted). */
const CPU_LEADS = 1000;
/** The memory target: extra memory for 10,000 leads through the node. */
const MEMORY_TARGET_MB = 100;
/**
 * "The node's own CPU time well below the wall time": the package's own code (its share of
 * the profiled CPU time) takes at most a fifth of the run, so the CRM sets the pace.
 */
const CPU_SHARE_TARGET = 0.2;

function option(name: string): string | undefined {
	return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const LATENCY_MS = Number(option('latency') ?? 50);
const only = option('only')?.split(',');
const scenarios = SCENARIOS.filter((scenario) => !only || only.includes(scenario.crm));

interface Counters {
	calls: Record<string, number>;
	refusals: Record<string, number>;
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
	const result: Record<string, number> = {};
	for (const [key, value] of Object.entries(after)) {
		const delta = value - (before[key] ?? 0);
		if (delta > 0) result[key] = delta;
	}
	return result;
}

/** Runs one job in a fresh Node process; the emulator's counters are read when the child says its measured work is done. */
function runChild(job: Job, sandbox: Sandbox): Promise<{ report: ChildReport; measured: Counters }> {
	return new Promise((resolve, reject) => {
		const child = fork(join(__dirname, 'child.ts'), [], {
			cwd: ROOT,
			execArgv: ['-r', 'ts-node/register/transpile-only', '--expose-gc'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		let measured: Counters | undefined;
		let settled = false;
		child.on('message', (message: { phase?: string; report?: ChildReport; error?: string }) => {
			if (message.phase === 'measured') {
				measured = { calls: { ...sandbox.calls }, refusals: { ...sandbox.refusals } };
				child.send({ ack: 'measured' });
			} else if (message.report) {
				settled = true;
				resolve({ report: message.report, measured: measured ?? { calls: { ...sandbox.calls }, refusals: { ...sandbox.refusals } } });
			} else if (message.error) {
				settled = true;
				reject(new Error(`${job.crm} ${job.variant} ${job.leads}: ${message.error}`));
			}
		});
		child.once('exit', (code) => {
			if (!settled) reject(new Error(`${job.crm} ${job.variant} ${job.leads}: the run's process exited with ${code}`));
		});
		child.send(job);
	});
}

/** Set while runs share this process (the baseline lanes): the emulators' CPU time cannot be told apart then. */
let sharedEmulators = false;

async function measure(scenario: Scenario, sandbox: Sandbox, plan: Plan, mode: Mode): Promise<RunResult> {
	const latencyMs = mode === 'limited' ? LATENCY_MS : 0;
	scenario.configure(sandbox, mode, latencyMs);
	const job: Job = {
		crm: scenario.crm,
		variant: plan.variant,
		work: plan.work,
		leads: plan.leads,
		mode,
		url: scenario.apiUrl(sandbox),
		adminUrl: sandbox.baseUrl,
	};
	const emulatorCpuStart = process.cpuUsage();
	const { report, measured } = await runChild(job, sandbox);
	const emulatorCpu = process.cpuUsage(emulatorCpuStart);
	const floor = scenario.floor(plan.leads, latencyMs, plan.work);
	const workLabel = plan.work ? scenario.workLabels?.[plan.work] : undefined;
	const result: RunResult = {
		...report,
		crm: scenario.crm,
		title: scenario.title,
		variant: plan.variant,
		work: plan.work,
		flow: workLabel ? `${VARIANT_LABELS[plan.variant]} (${workLabel})` : VARIANT_LABELS[plan.variant],
		leads: plan.leads,
		mode,
		latencyMs,
		calls: measured.calls,
		totalCalls: Object.values(measured.calls).reduce((sum, n) => sum + n, 0),
		tokenCalls: scenario.tokenEndpoints.reduce((sum, endpoint) => sum + (measured.calls[endpoint] ?? 0), 0),
		refusals: measured.refusals,
		followUpCalls: difference(sandbox.calls, measured.calls),
		floorMs: floor.ms,
		floorFormula: floor.formula,
		...(sharedEmulators ? {} : { emulatorCpuMs: (emulatorCpu.user + emulatorCpu.system) / 1000 }),
	};
	const lost = result.failed > 0 ? `, ${result.failed} lost` : '';
	console.log(
		`  ${scenario.title} · ${result.flow} · ${plan.leads} leads · ${mode}: ${(result.wallMs / 1000).toFixed(2)} s, ` +
			`${result.totalCalls} calls, ${result.written} written${lost}`,
	);
	return result;
}

async function lane(scenario: Scenario, sandbox: Sandbox, plans: Plan[], mode: Mode): Promise<RunResult[]> {
	const results: RunResult[] = [];
	for (const plan of plans) results.push(await measure(scenario, sandbox, plan, mode));
	return results;
}

function commonTargets(limited: RunResult[]): TargetCheck[] {
	const checks: TargetCheck[] = [];
	for (const run of limited.filter((candidate) => candidate.variant === 'node')) {
		const label = runLabel(run);
		if (run.leads >= 10_000) {
			const above = run.peakRssMb - run.idleRssMb;
			checks.push({
				crm: run.title,
				target: `${label}: peak memory under ${MEMORY_TARGET_MB} MB above the idle process`,
				pass: above < MEMORY_TARGET_MB,
				measured: `${above.toFixed(1)} MB above an idle ${run.idleRssMb.toFixed(0)} MB (heap +${(run.peakHeapMb - run.idleHeapMb).toFixed(1)} MB)`,
			});
		}
		const processCpu = run.cpuUserMs + run.cpuSystemMs;
		const processShare = `the whole client process, n8n-core and the HTTP stack included: ${(processCpu / 1000).toFixed(2)} s = ${((100 * processCpu) / run.wallMs).toFixed(1)}%`;
		const own = run.cpuPartsPer1000Ms ? (run.cpuPartsPer1000Ms.package * run.leads) / 1000 : undefined;
		checks.push({
			crm: run.title,
			target: `${label}: the package's own code takes at most ${CPU_SHARE_TARGET * 100}% of the wall time in CPU`,
			pass: own !== undefined && own <= CPU_SHARE_TARGET * run.wallMs,
			measured:
				own === undefined
					? `no CPU profile of this flow; ${processShare}`
					: `${(own / 1000).toFixed(3)} s in ${(run.wallMs / 1000).toFixed(2)} s = ${((100 * own) / run.wallMs).toFixed(own < 0.01 * run.wallMs ? 2 : 1)}%; ${processShare}`,
		});
	}
	return checks;
}

/** The profile's sampled split, as shares of a CPU figure measured without the profiler. */
function scaleParts(sampled: Record<CpuPart, number>, totalMs: number): Record<CpuPart, number> {
	const sampledTotal = CPU_PARTS.reduce((sum, part) => sum + sampled[part], 0);
	return Object.fromEntries(CPU_PARTS.map((part) => [part, sampledTotal > 0 ? (totalMs * sampled[part]) / sampledTotal : 0])) as Record<CpuPart, number>;
}

/** Every CRM the results hold figures for (more than this run's when --only merged them). */
function scenariosIn(limited: RunResult[]): Scenario[] {
	return SCENARIOS.filter((scenario) => limited.some((run) => run.crm === scenario.crm));
}

function allTargets(limited: RunResult[]): TargetCheck[] {
	return [
		...scenariosIn(limited).flatMap((scenario) => scenario.targets(limited.filter((run) => run.crm === scenario.crm))),
		...commonTargets(limited),
	];
}

/** With --only, the CRMs not run again keep their saved figures, so the published results stay whole. */
function withSavedFigures(limited: RunResult[], cpu: RunResult[]): { limited: RunResult[]; cpu: RunResult[] } {
	const path = join(OUTPUT, 'results.json');
	if (!only || !existsSync(path)) return { limited, cpu };
	const saved = JSON.parse(readFileSync(path, 'utf8')) as { limited: RunResult[]; cpu: RunResult[] };
	const others = (runs: RunResult[]) => runs.filter((run) => !only.includes(run.crm));
	return { limited: [...others(saved.limited), ...limited], cpu: [...others(saved.cpu), ...cpu] };
}

function write(meta: Meta, limited: RunResult[], cpu: RunResult[]): void {
	const targets = allTargets(limited);
	const scenarios = scenariosIn(limited);
	mkdirSync(OUTPUT, { recursive: true });
	writeFileSync(join(OUTPUT, 'results.json'), `${JSON.stringify({ meta, limited, cpu, targets }, null, '\t')}\n`);
	writeFileSync(join(OUTPUT, 'results.md'), renderMarkdown({ meta, scenarios, limited, targets }));
	writeFileSync(join(OUTPUT, 'chart.svg'), renderChart({ meta, scenarios, limited }));
	console.log(renderConsole({ meta, scenarios, limited, targets }));
	console.log('Wrote docs/benchmarks/results.md, results.json and chart.svg.');
	if (targets.some((target) => !target.pass)) process.exitCode = 1;
}

async function burst(): Promise<void> {
	if (only && !only.includes('burst')) return;
	const passed = await runBurstBenchmark({ latencyMs: LATENCY_MS, baseline: option('baseline'), sizes: option('burst-sizes'), crms: option('burst-crms') });
	if (!passed) process.exitCode = 1;
}

async function main(): Promise<void> {
	if (only?.length === 1 && only[0] === 'burst') return await burst();
	const saved = option('from');
	if (saved) {
		const { meta, limited, cpu } = JSON.parse(readFileSync(saved, 'utf8')) as { meta: Meta; limited: RunResult[]; cpu: RunResult[] };
		write(meta, limited, cpu);
		return;
	}
	const started = Date.now();
	const sandboxes = new Map<string, Sandbox>();
	for (const scenario of scenarios) {
		const sandbox = scenario.createSandbox();
		await sandbox.listen(0);
		// Tens of thousands of calls: keep only a short request log.
		sandbox.logLimit = 100;
		sandboxes.set(scenario.crm, sandbox);
	}
	try {
		console.log(`Node runs, one at a time (limits on, ${LATENCY_MS} ms per call):`);
		const limited: RunResult[] = [];
		for (const scenario of scenarios) {
			const plans = scenario.plans.filter((plan) => plan.variant === 'node');
			limited.push(...(await lane(scenario, sandboxes.get(scenario.crm)!, plans, 'limited')));
		}

		// The baselines spend their time waiting on the emulators' limits, so the CRMs run side by side.
		console.log('Baselines, one lane per CRM (limits on):');
		sharedEmulators = true;
		const lanes = await Promise.all(
			scenarios.map((scenario) =>
				lane(
					scenario,
					sandboxes.get(scenario.crm)!,
					scenario.plans.filter((plan) => plan.variant !== 'node'),
					'limited',
				),
			),
		);
		limited.push(...lanes.flat());
		sharedEmulators = false;

		console.log(`CPU runs, one at a time (${CPU_LEADS} leads, latency 0, limits lifted):`);
		const cpu: RunResult[] = [];
		for (const scenario of scenarios) {
			const flows = new Map(scenario.plans.map((plan) => [`${plan.variant}|${plan.work ?? ''}`, plan]));
			const plans = [...flows.values()].map((plan) => ({ ...plan, leads: CPU_LEADS }));
			cpu.push(...(await lane(scenario, sandboxes.get(scenario.crm)!, plans, 'cpu')));
		}
		for (const run of limited) {
			const match = cpu.find((candidate) => candidate.crm === run.crm && candidate.flow === run.flow);
			if (!match) continue;
			run.cpuPer1000Ms = ((match.cpuUserMs + match.cpuSystemMs) * 1000) / match.leads;
			if (match.cpuProfile) run.cpuPartsPer1000Ms = scaleParts(match.cpuProfile, run.cpuPer1000Ms);
		}

		const merged = withSavedFigures(limited, cpu);
		write({ ...machine(), latencyMs: LATENCY_MS, durationS: Math.round((Date.now() - started) / 1000) }, merged.limited, merged.cpu);
	} finally {
		await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.close()));
	}
	await burst();
}

main().catch((error: Error) => {
	console.error(error.stack ?? error.message);
	process.exit(1);
});
