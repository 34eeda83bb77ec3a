import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { CredentialStore } from '../harness';
import type { ChildOutcome, Job } from './types';

/** The harness loads n8n-core and the compiled package; only node runs pay for that. */
export function loadHarness(): typeof import('../harness') {
	return require('../harness');
}

/** An unmeasured run's credential gets an id of its own: pacers and metadata caches are keyed by it. */
export function credentialIdFor(job: Job, credentialType: string): string | undefined {
	return job.phase ? `${credentialType}-${job.phase}` : undefined;
}

export interface NodeExecution {
	type: string;
	credentialType: string;
	credentialId: string;
	store: CredentialStore;
	parameters: INodeParameters;
	items: IDataObject[];
}

/** One workflow execution of the node through n8n-core, failed items routed to the error output. */
export async function executeNode(run: NodeExecution): Promise<ChildOutcome> {
	const { runNode } = loadHarness();
	const result = await runNode({
		type: run.type,
		store: run.store,
		credentials: { [run.credentialType]: run.credentialId },
		items: run.items,
		onError: 'continueErrorOutput',
		parameters: run.parameters,
	});
	const reasons = new Set<string>();
	for (const item of result.errors) {
		if (reasons.size >= 4) break;
		reasons.add(String(item.json.error));
	}
	if (result.error) reasons.add(`workflow stopped: ${result.error.message}`);
	const written = result.success.length;
	return { written, failed: run.items.length - written, failureSamples: [...reasons] };
}

/** The emulator's call counters, read over its admin API (the emulator lives in the parent process). */
export async function sandboxCalls(adminUrl: string): Promise<Record<string, number>> {
	const response = await fetch(`${adminUrl}/__sandbox/stats`);
	const stats = (await response.json()) as { calls: Record<string, number> };
	return stats.calls;
}
