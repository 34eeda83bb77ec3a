import { cpus, platform, release, totalmem } from 'node:os';

import { seconds } from './floors';
import { CPU_PART_LABELS, CPU_PARTS } from './profile';
import { VARIANT_LABELS, type RunResult, type Scenario, type TargetCheck, type Variant } from './types';

export interface Meta {
	date: string;
	cpu: string;
	cores: number;
	memoryGb: number;
	os: string;
	node: string;
	latencyMs: number;
	durationS: number;
}

export function machine(): Omit<Meta, 'latencyMs' | 'durationS'> {
	return {
		date: new Date().toISOString(),
		cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
		cores: cpus().length,
		memoryGb: Math.round(totalmem() / 1024 ** 3),
		os: `${platform()} ${release()}`,
		node: process.version,
	};
}

const count = (n: number) => n.toLocaleString('en');
const callsPerLead = (run: RunResult) => run.totalCalls / run.leads;
const ratio = (run: RunResult) => run.wallMs / run.floorMs;
const cpuMs = (run: RunResult) => run.cpuUserMs + run.cpuSystemMs;

function byCount(record: Record<string, number>): string {
	const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
	return entries.length === 0 ? '—' : entries.map(([key, n]) => `${key} ${count(n)}`).join(', ');
}

function row(run: RunResult): string[] {
	const written = run.failed > 0 ? `${count(run.written)} (**${count(run.failed)} lost**)` : count(run.written);
	return [
		run.title,
		run.flow,
		count(run.leads),
		written,
		byCount(run.calls),
		count(run.tokenCalls),
		byCount(run.refusals),
		seconds(run.wallMs),
		run.emulatorCpuMs === undefined ? '—' : seconds(run.emulatorCpuMs),
		seconds(run.floorMs),
		// A flow that gave up on leads did less work than the floor is for.
		run.failed > 0 ? `(${ratio(run).toFixed(2)}×, incomplete)` : `${ratio(run).toFixed(2)}×`,
		callsPerLead(run).toFixed(3),
		`${(run.peakRssMb - run.idleRssMb).toFixed(1)} MB (heap +${Math.max(0, run.peakHeapMb - run.idleHeapMb).toFixed(1)} MB)`,
		`${(cpuMs(run) / 1000).toFixed(2)} s (${((100 * cpuMs(run)) / run.wallMs).toFixed(1)}%)`,
		run.cpuPer1000Ms === undefined ? '—' : `${Math.round(run.cpuPer1000Ms)} ms`,
	];
}

const HEADER = [
	'CRM',
	'Flow',
	'Leads',
	'Written',
	'HTTP calls by endpoint',
	'Token calls',
	'Refused by the CRM',
	'Wall time',
	'Emulator CPU (in the wall time)',
	'Floor',
	'Wall ÷ floor',
	'Calls per lead',
	'Peak memory above idle',
	'CPU time in the run (share of wall)',
	'CPU per 1,000 leads, latency 0',
];

function table(runs: RunResult[]): string {
	const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i >= 2 && i !== 4 && i !== 6 ? '---:' : '---')).join('|')}|`];
	for (const run of runs) lines.push(`| ${row(run).join(' | ')} |`);
	return lines.join('\n');
}

/** One row per node flow: where its CPU time per 1,000 leads goes, and what the first execution costs once. */
function cpuPartsTable(runs: RunResult[]): string {
	const flows = new Map<string, RunResult>();
	for (const run of runs) {
		if (run.variant === 'node' && run.cpuPartsPer1000Ms && !flows.has(`${run.crm}|${run.flow}`)) flows.set(`${run.crm}|${run.flow}`, run);
	}
	const warmUpLeads = [...flows.values()][0]?.warmUpLeads ?? 0;
	const header = ['CRM', 'Flow', 'CPU per 1,000 leads', ...CPU_PARTS.map((part) => CPU_PART_LABELS[part]), `First execution in a fresh process (${count(warmUpLeads)} leads, once)`];
	const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
	for (const run of flows.values()) {
		const parts = run.cpuPartsPer1000Ms!;
		const total = run.cpuPer1000Ms ?? 0;
		lines.push(
			`| ${[
				run.title,
				run.flow,
				`${Math.round(total)} ms`,
				...CPU_PARTS.map((part) => `${parts[part].toFixed(1)} ms (${total > 0 ? Math.round((100 * parts[part]) / total) : 0}%)`),
				`${Math.round(run.warmUpCpuMs)} ms`,
			].join(' | ')} |`,
		);
	}
	return lines.join('\n');
}

/** Runs in each scenario's plan order. */
function ordered(scenarios: Scenario[], runs: RunResult[]): RunResult[] {
	return scenarios.flatMap((scenario) => {
		const position = (run: RunResult) =>
			scenario.plans.findIndex((plan) => plan.variant === run.variant && plan.leads === run.leads && plan.work === run.work);
		return runs.filter((run) => run.crm === scenario.crm).sort((a, b) => position(a) - position(b));
	});
}

function targetLines(targets: TargetCheck[]): string[] {
	return targets.map((check) => `${check.pass ? 'PASS' : 'FAIL'}  ${check.crm}: ${check.target} (${check.measured})`);
}

export interface ReportInput {
	meta: Meta;
	scenarios: Scenario[];
	limited: RunResult[];
	targets: TargetCheck[];
}

export function renderConsole({ meta, scenarios, limited, targets }: ReportInput): string {
	return [
		'',
		`Benchmark ${meta.date} · ${meta.cpu} · ${meta.cores} cores · Node ${meta.node} · ${meta.latencyMs} ms per call`,
		'',
		table(ordered(scenarios, limited)),
		'',
		'Where the node\'s CPU time goes (latency 0, limits lifted):',
		'',
		cpuPartsTable(ordered(scenarios, limited)),
		'',
		...targetLines(targets),
		'',
	].join('\n');
}

export function renderMarkdown({ meta, scenarios, limited, targets }: ReportInput): string {
	const runs = ordered(scenarios, limited);
	const sections = scenarios.map((scenario) => {
		const distinct = new Map(runs.filter((run) => run.crm === scenario.crm).map((run) => [run.floorFormula, run]));
		const floors = [...distinct.values()]
			.map((run) => {
				const work = run.work ? `, ${scenario.workLabels?.[run.work] ?? run.work}` : '';
				return `  - ${count(run.leads)} leads${work}: ${run.floorFormula}`;
			})
			.join('\n');
		const variants = (Object.keys(scenario.variantsText) as Variant[])
			.map((variant) => `  - **${VARIANT_LABELS[variant]}**: ${scenario.variantsText[variant]}`)
			.join('\n');
		return [
			`### ${scenario.title}`,
			'',
			`- Limits switched on: ${scenario.limitsText}.`,
			`- Sizes: ${scenario.sizesText}`,
			'- Flows:',
			variants,
			'- Floor (L = latency per call):',
			floors,
		].join('\n');
	});
	return `# Benchmarks

Measured on ${meta.date.slice(0, 10)} (${meta.date}) on ${meta.cpu}, ${meta.cores} cores, ${meta.memoryGb} GB, ${meta.os}, Node ${meta.node}.
Every CRM emulator answers each call after ${meta.latencyMs} ms and enforces the vendor's limits below. The run took ${Math.round(meta.durationS / 60)} minutes; \`npm run bench\` repeats it.

![Wall time ÷ floor and HTTP calls per lead, node against the hand-built flows](chart.svg)

${table(runs)}

- **Written**: leads the CRM holds at the end; a lost lead is one the flow gave up on (the node routes each one to its error output with the reason).
- **Emulator CPU**: CPU time the emulators spent answering, part of the wall time (work a vendor's servers would do); measured when the run had the emulators to itself (not for the baselines, which run side by side).
- **Floor**: the least time the vendor's limits allow for the work, whatever the client; formulas below.
- **Peak memory above idle**: the run's peak resident memory minus the idle process's (for the node, an idle process that has loaded n8n-core and the package and run the flow once), and in brackets the peak growth of the JavaScript heap. A run no larger than the warm-up often fits in memory the process already holds, so its resident figure can be near 0.
- **CPU time in the run**: user + system CPU of the client process during the run; **CPU per 1,000 leads** comes from a second run of 1,000 leads with latency 0 and the limits lifted, so nothing but the client's own work sets its pace. Both are measured in a process that has already run the same flow once (1,000 leads, unmeasured, to an emulator of its own), as a running n8n has by the time leads arrive; that first run's one-off cost is in the table below.

### Where the node's CPU time goes

${cpuPartsTable(runs)}

The parts come from V8's sampling profiler on repeats of each latency-0 run (until 1.5 s of CPU time is sampled), every sample charged to the code it was taken in (a built-in such as \`JSON.stringify\` to the code that called it), and are scaled to the CPU time measured without the profiler. **The package's own code** is what this package ships (\`dist/\`): the engine, the adapters, the credentials. n8n's engine, its HTTP helpers (axios, a new connection per call) and garbage collection are paid by any node that sends the same calls from n8n. The CPU target below holds the package's own code, at its CPU per 1,000 leads times the run's thousands of leads, to a fifth of the run's wall time; each target line also gives the whole client process's share.

## Targets

\`\`\`
${targetLines(targets).join('\n')}
\`\`\`

## What runs

Each run is a fresh Node process. Node runs execute a two-node workflow (input → the CRM's node, *On Error: Continue (using error output)*) through n8n-core's \`WorkflowExecute\`, with a credentials helper that follows n8n's token rules; the baselines are plain \`fetch\`. All of them talk HTTP to the emulators in \`sandbox/\` on 127.0.0.1. The node runs go one at a time; the baselines, which spend their time waiting on limits, run one lane per CRM side by side.

${sections.join('\n\n')}
`;
}

interface Bar {
	group: string;
	variant: Variant;
	flow: string;
	value: number;
	label: string;
}

const COLORS: Record<Variant, string> = { node: '#2e7d32', seed: '#c62828', perLead: '#ef6c00' };

function escape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A bar panel on a log scale, bars grouped by CRM. */
function panel(title: string, bars: Bar[], groups: string[], x: number, y: number, width: number, height: number): string {
	const values = bars.map((bar) => bar.value).filter((value) => value > 0);
	const low = Math.floor(Math.log10(Math.min(...values, 1)));
	const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...values, 1) * 1.5)));
	const plotTop = y + 40;
	const plotBottom = y + height - 40;
	const plotLeft = x + 50;
	const plotWidth = width - 60;
	const scale = (value: number) => plotBottom - ((Math.log10(Math.max(value, 10 ** low)) - low) / (high - low)) * (plotBottom - plotTop);
	const parts: string[] = [`<text x="${x + width / 2}" y="${y + 18}" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`];
	for (let decade = low; decade <= high; decade++) {
		const ty = scale(10 ** decade);
		parts.push(`<line x1="${plotLeft}" x2="${plotLeft + plotWidth}" y1="${ty}" y2="${ty}" stroke="#ddd"/>`);
		parts.push(`<text x="${plotLeft - 6}" y="${ty + 4}" text-anchor="end" font-size="11">${10 ** decade >= 1 ? count(10 ** decade) : 10 ** decade}</text>`);
	}
	const groupWidth = plotWidth / groups.length;
	groups.forEach((group, g) => {
		const members = bars.filter((bar) => bar.group === group);
		const barWidth = Math.min(46, (groupWidth - 20) / Math.max(1, members.length));
		const start = plotLeft + g * groupWidth + (groupWidth - barWidth * members.length) / 2;
		members.forEach((bar, i) => {
			const left = start + i * barWidth;
			if (!(bar.value > 0)) {
				bar.label.split('\n').forEach((line, l) => {
					parts.push(`<text x="${left + barWidth / 2}" y="${plotBottom - 30 + 12 * l}" text-anchor="middle" font-size="10" fill="${COLORS[bar.variant]}">${escape(line)}</text>`);
				});
				return;
			}
			const top = scale(bar.value);
			parts.push(
				`<rect x="${left + 2}" y="${top}" width="${barWidth - 4}" height="${Math.max(1, plotBottom - top)}" fill="${COLORS[bar.variant]}"><title>${escape(`${group} · ${bar.flow}: ${bar.label.replace('\n', ', ')}`)}</title></rect>`,
			);
			bar.label.split('\n').forEach((line, l) => {
				parts.push(`<text x="${left + barWidth / 2}" y="${top - 6 - 12 * (bar.label.split('\n').length - 1 - l)}" text-anchor="middle" font-size="10">${escape(line)}</text>`);
			});
		});
		parts.push(`<text x="${plotLeft + g * groupWidth + groupWidth / 2}" y="${plotBottom + 18}" text-anchor="middle" font-size="13">${escape(group)}</text>`);
	});
	parts.push(`<line x1="${plotLeft}" x2="${plotLeft + plotWidth}" y1="${plotBottom}" y2="${plotBottom}" stroke="#333"/>`);
	return parts.join('\n');
}

export function renderChart({ meta, scenarios, limited }: Omit<ReportInput, 'targets'>): string {
	// One bar per flow and CRM: the node at 1,000 leads beside the baselines, which send 1,000.
	const runs = ordered(scenarios, limited).filter((run) => run.leads === 1000);
	const groups = scenarios.map((scenario) => scenario.title);
	const lost = (run: RunResult) => (run.failed > 0 ? `\n${count(run.failed)} lost` : '');
	// Bars are narrow: a long work name goes on two lines.
	const workOf = (run: RunResult) =>
		run.work ? `\n${(scenarios.find((scenario) => scenario.crm === run.crm)?.workLabels?.[run.work] ?? run.work).replace(' + ', ' +\n')}` : '';
	const bar = (run: RunResult, value: number, label: string): Bar => ({
		group: run.title,
		variant: run.variant,
		flow: run.flow,
		value,
		label: `${label}${workOf(run)}`,
	});
	// A flow that gave up on leads finished early by doing less: no bar, just how many it lost.
	const ratioBars = runs.map((run) =>
		run.failed > 0 ? bar(run, NaN, `gave up:${lost(run)}`) : bar(run, ratio(run), `${ratio(run).toFixed(ratio(run) < 10 ? 2 : 0)}×`),
	);
	const callBars = runs.map((run) => bar(run, callsPerLead(run), callsPerLead(run).toFixed(callsPerLead(run) < 0.1 ? 3 : 2)));
	const width = 980;
	const legend = (Object.keys(COLORS) as Variant[])
		.map((variant, i) => `<rect x="${40 + i * 230}" y="${598}" width="14" height="14" fill="${COLORS[variant]}"/><text x="${60 + i * 230}" y="${610}" font-size="12">${escape(VARIANT_LABELS[variant])}</text>`)
		.join('\n');
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="650" viewBox="0 0 ${width} 650" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
${panel('Wall time ÷ floor, 1,000 leads (log scale; 1 = as fast as the limits allow)', ratioBars, groups, 0, 0, width, 300)}
${panel('HTTP calls per lead (log scale)', callBars, groups, 0, 290, width, 300)}
${legend}
<text x="${width - 10}" y="640" text-anchor="end" font-size="10" fill="#555">${escape(`${meta.date.slice(0, 10)} · ${meta.cpu}, ${meta.cores} cores · Node ${meta.node} · ${meta.latencyMs} ms per call · vendor limits on`)}</text>
</svg>
`;
}
