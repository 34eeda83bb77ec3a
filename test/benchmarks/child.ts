/**
 * One benchmark run in a process of its own, so its memory and CPU figures are its own: loads
 * what the run needs, measures the idle process, runs, and reports to the parent over IPC.
 */
import { performance } from 'node:perf_hooks';

import { loadHarness } from './node';
import { scenarioFor } from './scenarios';
import type { ChildReport, Job } from './types';

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

async function measure(job: Job): Promise<ChildReport> {
	const scenario = scenarioFor(job.crm);
	// n8n-core and the package belong to the idle process n8n already is.
	if (job.variant === 'node') loadHarness();
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
	};
}

process.once('message', (job: Job) => {
	measure(job).then(
		(report) => process.send!({ report }, () => process.exit(0)),
		(error: Error) => process.send!({ error: error.stack ?? error.message }, () => process.exit(1)),
	);
});
