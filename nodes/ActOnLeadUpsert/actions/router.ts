import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/engine/router';
import { describeCallError } from '../helpers/errors';
import { actOnRedactor } from '../helpers/redaction';
import { get } from './get.operation';
import { upsert } from './upsert.operation';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, {
		operations: { get, upsert },
		redactor: actOnRedactor,
		describeCallError: async () => describeCallError,
	});
}
