import { seconds } from './floors';
import type { RunResult, TargetCheck } from './types';

/** How a node run names itself in a target line. */
export function runLabel(run: RunResult): string {
	return `${run.flow}, ${run.leads.toLocaleString('en')} leads`;
}

/**
 * The pacing targets for a rate-limited CRM: within 1.1× of the floor with every lead
 * written, and no refusal that the node's own pacing let happen.
 */
export function pacingTargets(run: RunResult): TargetCheck[] {
	const ratio = run.wallMs / run.floorMs;
	const refused = run.refusals.rateLimit ?? 0;
	return [
		{
			crm: run.title,
			target: `${runLabel(run)}: wall time within 1.1× of the floor, every lead written`,
			pass: ratio <= 1.1 && run.written === run.leads,
			measured: `${seconds(run.wallMs)} against ${seconds(run.floorMs)} = ${ratio.toFixed(3)}×; ${run.written} of ${run.leads} written`,
		},
		{ crm: run.title, target: `${runLabel(run)}: no rate-limit refusal`, pass: refused === 0, measured: `${refused} refused` },
	];
}
