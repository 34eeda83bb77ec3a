import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { columnsReader } from '../../shared/engine/fields';
import { executeLeadUpsert } from '../../shared/engine/LeadUpsertEngine';
import { AutoLeadAdapter } from '../helpers/adapter';
import { getLeadFields } from '../helpers/fields';
import { prepareLead, searchKeyOf, type LeadPayload } from '../helpers/leads';
import { apiChooser, bulkBatchSize, checkedSearchField, clientFor, leadSquaredCombineKey, writeRunSettings, writeSettings } from './common';

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
		...(await writeRunSettings(this, settings, client, searchBy)),
		prepare: (itemIndex) => {
			const lead = prepareLead(items[itemIndex].json, columnsOf(itemIndex), fields, searchBy, settings);
			return { itemIndex, payload: lead, dedupeKey: searchKeyOf(lead) };
		},
	});
}
