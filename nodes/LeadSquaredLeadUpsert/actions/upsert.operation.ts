import type { IExecuteFunctions, INodeExecutionData, ResourceMapperValue } from 'n8n-workflow';

import { executeLeadUpsert } from '../../shared/engine/LeadUpsertEngine';
import { BulkLeadAdapter, SingleLeadAdapter } from '../helpers/adapter';
import { describeCallError } from '../helpers/errors';
import { getLeadFields } from '../helpers/fields';
import { prepareLead, searchKeyOf, type LeadPayload } from '../helpers/leads';
import { leadSquaredRedactor } from '../helpers/redaction';
import type { PlanLimits } from '../transport';
import { checkedSearchField, clientFor, writeSettings } from './common';

const MAX_BULK_LEADS = 25;

/**
 * Bulk calls carry 25 leads but have their own, often much smaller quota: use them only when
 * they finish sooner under the plan's limits (a tie keeps the scarce bulk quota free).
 */
export function useBulkApi(mode: string, leads: number, batchSize: number, limits: PlanLimits): boolean {
	if (mode === 'bulk') return true;
	if (mode === 'single') return false;
	const singleMs = (Math.ceil(leads / limits.callsPerWindow) - 1) * limits.windowMs;
	const bulkMs = (Math.ceil(Math.ceil(leads / batchSize) / limits.bulkCallsPerWindow) - 1) * limits.windowMs;
	return bulkMs < singleMs;
}

export async function upsert(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = writeSettings(this);
	const client = await clientFor(this, settings);
	const fields = await getLeadFields(client);
	const searchBy = checkedSearchField(this, fields);
	const items = this.getInputData();
	const batchSize = Math.min(MAX_BULK_LEADS, Math.max(1, Number(settings.options.batchSize ?? MAX_BULK_LEADS)));
	const bulk = useBulkApi(String(settings.options.apiMode ?? 'auto'), items.length, batchSize, client.limits);

	return await executeLeadUpsert<LeadPayload>(this, {
		adapter: bulk ? new BulkLeadAdapter(client, fields, batchSize) : new SingleLeadAdapter(client, fields),
		pacer: bulk ? client.pacers.bulk : client.pacers.single,
		concurrency: settings.concurrency,
		retry: { maxRetries: settings.maxRetries },
		redactor: await leadSquaredRedactor(this),
		resultContext: { crm: 'LeadSquared', searchBy, api: bulk ? 'bulk' : 'single' },
		describeCallError,
		prepare: (itemIndex) => {
			const lead = prepareLead(items[itemIndex].json, this.getNodeParameter('columns', itemIndex) as ResourceMapperValue, fields, searchBy, settings);
			return { itemIndex, payload: lead, dedupeKey: searchKeyOf(lead) };
		},
	});
}
