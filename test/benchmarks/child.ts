/**
 * One benchmark run in a process of its own, so its memory and CPU figures are its own: loads
 * what the run needs, measures the idle process, runs, and reports to the parent over IPC.
 */
import { performance } from 'node:perf_hooks';

import { loadHarness } from './node';
import { CPU_PARTS, emptySplit, profileCpu, type CpuPart } from './profile';
import { scenarioFor } from './scenarios';
import type { ChildReport, Job, Scenario } from './types';

const MB = 1024 * 1024;

async function settle(): Promise<void> {
	const gc = (globalThis as { gc?: () => void }).gc;
	for (let i = 0; i < 3; i++) {
		gc?.();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** Lets the parent read the emulator's counters before any follow-up work sends more calls. */
async function tellParentMeasured(): Promise<void> {
	const acknowledged = new Promise<void>((resolve) => {
		const onMessage = (message: { ack?: string }) => {
			if (message.ack !== 'measured') return;
			process.off('message', onMessage);
			resolve();
		};
		process.on('message', onMessage);
	});
	process.send!({ phase: 'measured' });
	await acknowledged;
}

/** Enough leads for V8 to compile every path the measured run takes. */
const WARM_UP_LEADS = 1000;

async function checkedRun(scenario: Scenario, job: Job): Promise<void> {
	const outcome = await scenario.execute(job, async () => {});
	if (outcome.written !== job.leads) {
		throw new Error(`the ${job.phase} run wrote ${outcome.written} of ${job.leads} leads: ${outcome.failureSamples.join('; ')}`);
	}
}

/**
 * n8n is a long-running process: by the time a form's leads arrive it has loaded and compiled
 * the code they run through. So every flow runs once, unmeasured, before the measured run, to
 * an emulator of the child's own (limits lifted, no latency); what that first run costs is
 * reported on its own, as a one-off.
 */
async function warmUp(job: Job, scenario: Scenario): Promise<number> {
	const sandbox = scenario.createSandbox();
	await sandbox.listen(0);
	try {
		scenario.configure(sandbox, 'cpu', 0);
		const cpuStart = process.cpuUsage();
		await checkedRun(scenario, { ...job, mode: 'cpu', leads: WARM_UP_LEADS, url: scenario.apiUrl(sandbox), adminUrl: sandbox.baseUrl, phase: 'warmUp' });
		const cpu = process.cpuUsage(cpuStart);
		return (cpu.user + cpu.system) / 1000;
	} finally {
		await sandbox.close();
	}
}

/** Sampled CPU time a profile needs before its split is steady: one garbage collection can take several ms. */
const PROFILE_MIN_SAMPLED_MS = 1500;
const PROFILE_MAX_REPEATS = 20;

/**
 * Where the node's CPU time goes, from repeats of the measured run under the profiler (which
 * would slow the measured run itself), until enough CPU time is sampled. They go to the
 * parent's emulator, so the profile holds the client's work only.
 */
async function profiledRepeats(job: Job, scenario: Scenario): Promise<Record<CpuPart, number>> {
	const total = emptySplit();
	let sampled = 0;
	for (let repeat = 0; repeat < PROFILE_MAX_REPEATS && sampled < PROFILE_MIN_SAMPLED_MS; repeat++) {
		const { split } = await profileCpu(() => checkedRun(scenario, { ...job, phase: 'profile' }));
		for (const part of CPU_PARTS) {
			total[part] += split[part];
			sampled += split[part];
		}
	}
	return total;
}

async function measure(job: Job): Promise<ChildReport> {
	const scenario = scenarioFor(job.crm);
	// n8n-core and the package belong to the idle process n8n already is.
	if (job.variant === 'node') loadHarness();
	const warmUpCpuMs = await warmUp(job, scenario);
	await settle();
	const idle = process.memoryUsage();
	const idleMaxRssKb = process.resourceUsage().maxRSS;
	let sampledRss = idle.rss;
	let peakHeap = idle.heapUsed;
	const sample = () => {
		const now = process.memoryUsage();
		sampledRss = Math.max(sampledRss, now.rss);
		peakHeap = Math.max(peakHeap, now.heapUsed);
	};
	const sampler = setInterval(sample, 20);

	let end: { wallMs: number; cpu: NodeJS.CpuUsage; maxRssKb: number } | undefined;
	let told: Promise<void> | undefined;
	const cpuStart = process.cpuUsage();
	const started = performance.now();
	const endMeasurement = async () => {
		if (!end) {
			sample();
			end = { wallMs: performance.now() - started, cpu: process.cpuUsage(cpuStart), maxRssKb: process.resourceUsage().maxRSS };
			clearInterval(sampler);
			told = tellParentMeasured();
		}
		await told;
	};
	const outcome = await scenario.execute(job, endMeasurement);
	await endMeasurement();
	const { wallMs, cpu, maxRssKb } = end!;
	const cpuProfile = job.mode === 'cpu' && job.variant === 'node' ? await profiledRepeats(job, scenario) : undefined;
	// The kernel's high-water mark is exact, but only says something if the run raised it.
	const peakRss = maxRssKb > idleMaxRssKb ? maxRssKb * 1024 : sampledRss;
	return {
		written: outcome.written,
		failed: outcome.failed,
		failureSamples: outcome.failureSamples,
		wallMs,
		cpuUserMs: cpu.user / 1000,
		cpuSystemMs: cpu.system / 1000,
		idleRssMb: idle.rss / MB,
		peakRssMb: peakRss / MB,
		idleHeapMb: idle.heapUsed / MB,
		peakHeapMb: peakHeap / MB,
		extra: outcome.extra ?? {},
		warmUpCpuMs,
		warmUpLeads: WARM_UP_LEADS,
		...(cpuProfile ? { cpuProfile } : {}),
	};
}

process.once('message', (job: Job) => {
	measure(job).then(
		(report) => process.send!({ report }, () => process.exit(0)),
		(error: Error) => process.send!({ error: error.stack ?? error.message }, () => process.exit(1)),
	);
});
