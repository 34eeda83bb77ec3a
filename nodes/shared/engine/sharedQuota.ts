import type { ICredentialDataDecryptedObject, INodeProperties } from 'n8n-workflow';

/**
 * The credential setting that splits a vendor's rate limit between n8n processes. In queue mode
 * every worker runs executions on its own, and n8n gives nodes no memory shared across processes:
 * each worker paces itself to its share, so together they stay within the vendor's limit.
 */
export const SHARING_WORKERS_FIELD: INodeProperties = {
	displayName: 'Workers Sharing This Credential',
	name: 'sharingWorkers',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 1,
	description:
		'How many n8n processes run executions with this credential at the same time: 1 for a single n8n; in queue mode the number of workers (plus 1 if the main process runs executions too). Each keeps to its share of the limit above.',
};

export function sharingWorkers(credentials: ICredentialDataDecryptedObject): number {
	const workers = Math.floor(Number(credentials.sharingWorkers ?? 1));
	return Number.isFinite(workers) && workers > 1 ? workers : 1;
}
