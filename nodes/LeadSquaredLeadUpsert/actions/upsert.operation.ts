import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { columnsReader } from '../../shared/engine/fields';
import { combineOption, executeLeadUpsert } from '../../shared/engine/LeadUpsertEngine';
import { AutoLeadAdapter } from '../helpers/adapter';
import { describeCallError } from '../helpers/errors';
import { getLeadFields } from '../helpers/fields';
import { prepareLead, searchKeyOf, type LeadPayload } from '../helpers/leads';
import { leadSquaredRedactor } from '../helpers/redaction';
import { apiChooser, bulkBatchSize, checkedSearchField, clientFor, leadSquaredCombineKey, writeSettings } from './common';

export async function upsert(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = writeSettings(this);
	const client = await clientFor(this, settings);
	const fields = await getLeadFields(client);
	const searchBy = checkedSearchField(this, fields);
	const items = this.getInputData();
	const columnsOf = columnsReader(this);
	const batchSize = bulkBatchSize(settings);
	const choose = apiChooser(settings, items.length, batchSize, client);
	const combineKey = leadSquaredCombineKey(client, 'upsert', searchBy, settings, batchSize);

	return await executeLeadUpsert<LeadPayload>(this, {
		adapter: new AutoLeadAdapter(client, fields, batchSize, choose, combineKey),
		pacer: settings.options.apiMode === 'bulk' ? client.pacers.bulk : client.pacers.single,
		combine: combineOption(settings.options),
		concurrency: settings.concurrency,
		retry: { maxRetries: settings.maxRetries },
		redactor: await leadSquaredRedactor(this),
		resultContext: { crm: 'LeadSquared', searchBy },
		describeCallError,
		prepare: (itemIndex) => {
			const lead = prepareLead(items[itemIndex].json, columnsOf(itemIndex), fields, searchBy, settings);
			return { itemIndex, payload: lead, dedupeKey: searchKeyOf(lead) };
		},
	});
}
