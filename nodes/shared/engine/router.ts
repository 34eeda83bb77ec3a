import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { failEveryItem } from './LeadUpsertEngine';
import { Redactor } from './redact';
import type { LeadFailure } from './types';

export type Operation = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

export interface OperationRouting {
	operations: Record<string, Operation>;
	/** Masks the credential's secrets in whatever a failed operation reports. */
	redactor(ctx: IExecuteFunctions): Promise<Redactor>;
	/** The CRM's words for a failed call, for this execution's credential. */
	describeCallError(ctx: IExecuteFunctions): Promise<(error: unknown) => LeadFailure>;
}

/**
 * Runs the chosen operation. When it fails as a whole (a setting that cannot work, a credential
 * that gets no token), every item gets the error, so with "continue on error" nothing passes on
 * as if it had been written.
 */
export async function routeOperation(ctx: IExecuteFunctions, routing: OperationRouting): Promise<INodeExecutionData[][]> {
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const run = routing.operations[operation];
	if (!run) throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not supported`);
	try {
		return await run.call(ctx);
	} catch (error) {
		const redactor = await routing.redactor(ctx).catch(() => new Redactor());
		const describe = await routing.describeCallError(ctx).catch(() => undefined);
		return await failEveryItem(ctx, error, redactor, describe);
	}
}
