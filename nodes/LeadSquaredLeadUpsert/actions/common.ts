import { NodeOperationError, type IDataObject, type IExecuteFunctions, type ResourceMapperValue } from 'n8n-workflow';

import type { CrmField } from '../../shared/engine/fields';
import { searchFieldOf } from '../helpers/leads';
import { leadSquaredClient, type LeadSquaredClient } from '../transport';

export interface WriteSettings {
	options: IDataObject;
	concurrency: number;
	maxRetries: number;
	clearEmptyFields: boolean;
	ignoreUnknownFields: boolean;
}

export function writeSettings(ctx: IExecuteFunctions): WriteSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		options,
		concurrency: Number(options.maxParallelCalls ?? 3),
		maxRetries: Number(options.maxRetries ?? 5),
		clearEmptyFields: options.clearEmptyFields === true,
		ignoreUnknownFields: options.ignoreUnknownFields === true,
	};
}

export async function clientFor(ctx: IExecuteFunctions, settings: WriteSettings): Promise<LeadSquaredClient> {
	return await leadSquaredClient(ctx, { concurrency: settings.concurrency, timeout: Number(settings.options.timeout ?? 30000) });
}

/** LeadSquared can only search by unique fields; anything else would create a lead per item. */
export function checkedSearchField(ctx: IExecuteFunctions, fields: CrmField[]): string {
	const searchBy = searchFieldOf(ctx.getNodeParameter('columns', 0) as ResourceMapperValue);
	const unique = fields.filter((field) => field.unique).map((field) => field.id);
	if (!unique.includes(searchBy)) {
		throw new NodeOperationError(ctx.getNode(), `LeadSquared cannot search leads by ${searchBy}`, {
			description: `"Search By" can use: ${unique.join(', ')}. In LeadSquared, mark a lead field unique to search by it.`,
		});
	}
	return searchBy;
}
