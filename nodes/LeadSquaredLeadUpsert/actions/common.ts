import { NodeOperationError, type IDataObject, type IExecuteFunctions, type ResourceMapperValue } from 'n8n-workflow';

import type { CrmField } from '../../shared/engine/fields';
import { combineOption } from '../../shared/engine/LeadUpsertEngine';
import { describeCallError } from '../helpers/errors';
import { leadSquaredRedactor } from '../helpers/redaction';
import type { ApiChooser } from '../helpers/adapter';
import { searchFieldOf } from '../helpers/leads';
import { leadSquaredClient, type LeadSquaredClient, type PlanLimits } from '../transport';

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

/** LeadSquared's most per bulk call, for leads and for activities alike. */
const MAX_BULK_RECORDS = 25;

/** Records per bulk call: the "Batch Size" option, within what LeadSquared accepts. */
export function bulkBatchSize(settings: WriteSettings): number {
	return Math.min(MAX_BULK_RECORDS, Math.max(1, Number(settings.options.batchSize ?? MAX_BULK_RECORDS)));
}

/**
 * Bulk calls carry 25 leads but have their own, often much smaller quota: use them only when
 * they finish sooner under the plan's limits (a tie keeps the scarce bulk quota free).
 * `bulkCallsPerBatch` bulk calls replace `batchSize` single calls (two with an activity post).
 */
export function useBulkApi(mode: string, leads: number, batchSize: number, limits: PlanLimits, bulkCallsPerBatch = 1): boolean {
	if (mode === 'bulk') return true;
	if (mode === 'single') return false;
	const singleMs = (Math.ceil(leads / limits.callsPerWindow) - 1) * limits.windowMs;
	const bulkCalls = Math.ceil(leads / batchSize) * bulkCallsPerBatch;
	const bulkMs = (Math.ceil(bulkCalls / limits.bulkCallsPerWindow) - 1) * limits.windowMs;
	return bulkMs < singleMs;
}

/**
 * Which API a call takes. An execution of several leads chooses once, for all of them
 * (`useBulkApi`). A one-lead execution (a webhook run) may share its call with others queued at
 * that moment: it chooses per call, by which quota gets those leads started sooner from what is
 * already spent in it now. In a burst the single quota is spent first, then the bulk quota
 * carries the rest while the single one refills, so both serve side by side.
 */
export function apiChooser(settings: WriteSettings, ownLeads: number, batchSize: number, client: LeadSquaredClient, bulkCallsPerBatch = 1): ApiChooser {
	const mode = String(settings.options.apiMode ?? 'auto');
	const { pacers } = client;
	if (mode === 'bulk' || mode === 'single' || ownLeads > 1) {
		const api = useBulkApi(mode, ownLeads, batchSize, client.limits, bulkCallsPerBatch) ? 'bulk' : 'single';
		return Object.assign(() => api, { readyInMs: () => pacers[api].estimateMs(1) });
	}
	const choose = (leads: number) => {
		const bulkMs = pacers.bulk.estimateMs(Math.ceil(leads / batchSize) * bulkCallsPerBatch);
		return bulkMs < pacers.single.estimateMs(leads) ? ('bulk' as const) : ('single' as const);
	};
	// While both quotas are spent, the next leads gather for the call that gets the first free slot.
	return Object.assign(choose, { readyInMs: () => Math.min(pacers.single.estimateMs(1), pacers.bulk.estimateMs(bulkCallsPerBatch)) });
}

/** What every LeadSquared write run sets alike besides its adapter: pacing, combining, retries, redaction, wording. */
export async function writeRunSettings(ctx: IExecuteFunctions, settings: WriteSettings, client: LeadSquaredClient, searchBy: string) {
	return {
		pacer: settings.options.apiMode === 'bulk' ? client.pacers.bulk : client.pacers.single,
		combine: combineOption(settings.options),
		concurrency: settings.concurrency,
		retry: { maxRetries: settings.maxRetries },
		redactor: await leadSquaredRedactor(ctx),
		resultContext: { crm: 'LeadSquared', searchBy },
		describeCallError,
	};
}

/** What shapes a LeadSquared call besides its records: executions that share it may share calls. */
export function leadSquaredCombineKey(client: LeadSquaredClient, operation: string, searchBy: string, settings: WriteSettings, batchSize: number): string {
	const { apiMode, timeout, skipDropDownValidation } = settings.options;
	return JSON.stringify(['leadSquared', operation, client.accountKey, searchBy, apiMode ?? 'auto', batchSize, timeout ?? null, skipDropDownValidation === true]);
}
