import type { Sandbox } from '../../sandbox/framework';
import type { CpuPart } from './profile';

/** How the leads are sent: through the node, or as the two hand-built flows it replaces. */
export type Variant = 'node' | 'seed' | 'perLead';

export const VARIANT_LABELS: Record<Variant, string> = {
	node: 'node',
	seed: 'seed-style',
	perLead: 'one request per lead',
};

/**
 * `limited`: the vendor's limits and the configured latency, for wall time and call counts.
 * `cpu`: latency 0 and limits lifted, so the run is bound by the client's own CPU time.
 */
export type Mode = 'limited' | 'cpu';

export interface Job {
	crm: string;
	variant: Variant;
	/** Which work, for a CRM with more than one (LeadSquared: lead only, or lead + activity). */
	work?: string;
	leads: number;
	mode: Mode;
	/** Where the client sends its calls (a CRM's API base). */
	url: string;
	/** The emulator's own root, for its /__sandbox admin API. */
	adminUrl: string;
	/**
	 * Set on the child's unmeasured runs: the warm-up before the measured run (to an emulator
	 * of the child's own) and the profiled repeats after it. Each phase has a credential id of
	 * its own, so no cache or pacer slot carries over to or from the measured run.
	 */
	phase?: 'warmUp' | 'profile';
}

/** What a child process measures about its own run. */
export interface ChildReport {
	written: number;
	failed: number;
	/** First few distinct failure messages, to say why leads were lost. */
	failureSamples: string[];
	wallMs: number;
	cpuUserMs: number;
	cpuSystemMs: number;
	idleRssMb: number;
	peakRssMb: number;
	idleHeapMb: number;
	peakHeapMb: number;
	/** Scenario-specific figures, e.g. token calls on a second execution. */
	extra: Record<string, number>;
	/**
	 * CPU time of the warm-up run: what the first execution in a fresh process pays once for
	 * loading and compiling code, kept out of the measured run as a running n8n has paid it.
	 */
	warmUpCpuMs: number;
	warmUpLeads: number;
	/** Sampled CPU milliseconds by part, from profiled repeats of a `cpu` node run. */
	cpuProfile?: Record<CpuPart, number>;
}

export interface ChildOutcome {
	written: number;
	failed: number;
	failureSamples: string[];
	extra?: Record<string, number>;
}

/** The least time the vendor's limits allow for the work, and how it was worked out. */
export interface Floor {
	ms: number;
	formula: string;
}

export interface Plan {
	variant: Variant;
	leads: number;
	work?: string;
}

/**
 * One CRM's benchmark. The parent process owns the emulator (its counters are the call
 * figures); each run's client executes in a child process through `execute`, which must load
 * n8n-core lazily so the baselines' memory figures do not carry it.
 */
export interface Scenario {
	crm: string;
	title: string;
	/** The limits switched on, in words, with the reference revision they come from. */
	limitsText: string;
	/** Why these sizes and not more. */
	sizesText: string;
	/** What each variant does for this CRM, in words. */
	variantsText: Record<Variant, string>;
	/** Names of the kinds of work, when there is more than one; shown next to the flow. */
	workLabels?: Record<string, string>;
	plans: Plan[];
	/** Endpoints counted as token calls. */
	tokenEndpoints: string[];
	createSandbox(): Sandbox;
	/** The client's API base. */
	apiUrl(sandbox: Sandbox): string;
	/** Switches the limits and latency on (`limited`) or off (`cpu`); called after `reset()`. */
	configure(sandbox: Sandbox, mode: Mode, latencyMs: number): void;
	floor(leads: number, latencyMs: number, work?: string): Floor;
	/**
	 * Sends the leads. Work after `endMeasurement()` (a follow-up execution whose token calls
	 * are counted, say) stays out of the wall-time, CPU and memory figures.
	 */
	execute(job: Job, endMeasurement: () => Promise<void>): Promise<ChildOutcome>;
	/** This CRM's targets from the issue, judged on its measured runs. */
	targets(runs: RunResult[]): TargetCheck[];
}

/** A measured run: the child's own figures plus the emulator's counters. */
export interface RunResult extends ChildReport {
	crm: string;
	title: string;
	variant: Variant;
	work?: string;
	/** The flow's name in tables: the variant, and the work when the CRM has more than one. */
	flow: string;
	leads: number;
	mode: Mode;
	latencyMs: number;
	calls: Record<string, number>;
	totalCalls: number;
	tokenCalls: number;
	refusals: Record<string, number>;
	/** Calls sent after the measured work (a follow-up execution), by endpoint. */
	followUpCalls: Record<string, number>;
	floorMs: number;
	floorFormula: string;
	/**
	 * CPU time the emulators (in the parent process) spent during the run, when no other run
	 * shared them: work the vendor's servers would do, included in the wall time.
	 */
	emulatorCpuMs?: number;
	/** CPU time per 1,000 leads from the matching `cpu` run (latency 0, limits lifted). */
	cpuPer1000Ms?: number;
	/** `cpuPer1000Ms` split by where the profiled repeats of that run spent it. */
	cpuPartsPer1000Ms?: Record<CpuPart, number>;
}

export interface TargetCheck {
	crm: string;
	target: string;
	pass: boolean;
	measured: string;
}
