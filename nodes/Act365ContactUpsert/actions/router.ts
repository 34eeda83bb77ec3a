import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/engine/router';
import { describeCallError } from '../helpers/errors';
import { act365Redactor } from '../helpers/redaction';
import { act365Surface } from '../transport';
import { get } from './get.operation';
import { upsert } from './upsert.operation';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, {
		operations: { get, upsert },
		redactor: act365Redactor,
		describeCallError: async (ctx) => describeCallError(await act365Surface(ctx)),
	});
}
