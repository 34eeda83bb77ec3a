import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { columnsReader } from '../../shared/engine/fields';
import { executeLeadUpsert } from '../../shared/engine/LeadUpsertEngine';
import { BulkLeadAdapter, SingleLeadAdapter } from '../helpers/adapter';
import { describeCallError } from '../helpers/errors';
import { getLeadFields } from '../helpers/fields';
import { prepareLead, searchKeyOf, type LeadPayload } from '../helpers/leads';
import { leadSquaredRedactor } from '../helpers/redaction';
import { bulkBatchSize, checkedSearchField, clientFor, useBulkApi, writeSettings } from './common';

export async function upsert(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = writeSettings(this);
	const client = await clientFor(this, settings);
	const fields = await getLeadFields(client);
	const searchBy = checkedSearchField(this, fields);
	const items = this.getInputData();
	const columnsOf = columnsReader(this);
	const batchSize = bulkBatchSize(settings);
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
			const lead = prepareLead(items[itemIndex].json, columnsOf(itemIndex), fields, searchBy, settings);
			return { itemIndex, payload: lead, dedupeKey: searchKeyOf(lead) };
		},
	});
}
