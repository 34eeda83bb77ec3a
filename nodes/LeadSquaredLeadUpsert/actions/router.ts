import { NodeApiError, NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { failEveryItem } from '../../shared/engine/LeadUpsertEngine';
import { Redactor } from '../../shared/engine/redact';
import { describeCallError } from '../helpers/errors';
import { leadSquaredRedactor } from '../helpers/redaction';
import { get } from './get.operation';
import { upsert } from './upsert.operation';
import { upsertWithActivity } from './upsertWithActivity.operation';

const operations = { upsert, upsertWithActivity, get };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as keyof typeof operations;
	const run = operations[operation];
	if (!run) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	try {
		return await run.call(this);
	} catch (error) {
		// Already in n8n's words (the first failed item when the node stops on errors): keep them.
		const nodeError = error instanceof NodeApiError || error instanceof NodeOperationError ? error : undefined;
		if (nodeError && !this.continueOnFail()) throw nodeError;
		const redactor = await leadSquaredRedactor(this).catch(() => new Redactor());
		return await failEveryItem(this, error, redactor, describeCallError);
	}
}
