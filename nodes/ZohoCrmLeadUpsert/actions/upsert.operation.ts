import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { LeadInputError } from '../../shared/engine/errors';
import { columnsReader, readMappedValues } from '../../shared/engine/fields';
import { combineOption, executeLeadUpsert } from '../../shared/engine/LeadUpsertEngine';
import { getPacer } from '../../shared/engine/pacing';
import { requireObject } from '../../shared/engine/input';
import { matchKey } from '../../shared/engine/text';
import { shapeValues } from '../../shared/engine/values';
import { ZohoUpsertAdapter, type ZohoRecordPayload } from '../helpers/adapter';
import { describeCallError } from '../helpers/errors';
import { getModuleFields } from '../helpers/fields';
import { zohoRedactor } from '../helpers/redaction';

/** Zoho wants dates as YYYY-MM-DD and date-times as ISO 8601 with an offset, no milliseconds. */
export function zohoDate(date: Date, withTime: boolean): string {
	const iso = date.toISOString();
	return withTime ? `${iso.slice(0, 19)}+00:00` : iso.slice(0, 10);
}

export async function upsert(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const module = this.getNodeParameter('module', 0) as string;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const columnsOf = columnsReader(this);
	const columns = columnsOf(0);
	const fields = await getModuleFields(this, module);

	const matchOn = columns.matchingColumns?.length ? columns.matchingColumns : ['Email'];
	const checkable = fields.filter((field) => field.unique).map((field) => field.id);
	const invalid = matchOn.filter((name) => !checkable.includes(name));
	if (invalid.length > 0) {
		throw new NodeOperationError(this.getNode(), `Zoho cannot match ${module} records on ${invalid.join(', ')}`, {
			description: `"Match On" can use: ${checkable.join(', ')}. In Zoho, mark a field "Do not allow duplicate values" to match on it.`,
		});
	}

	const concurrency = Number(options.maxParallelCalls ?? 3);
	const credentialId = this.getNode().credentials?.zohoCrmLeadUpsertApi?.id ?? 'default';
	const pacer = getPacer({ key: `zoho|${credentialId}`, limit: Number.MAX_SAFE_INTEGER, windowMs: 1000, concurrency });
	const adapter = new ZohoUpsertAdapter(
		this,
		{
			module,
			duplicateCheckFields: matchOn,
			trigger: options.trigger === undefined ? undefined : (options.trigger as string[]),
			larId: (options.larId as string) || undefined,
			batchSize: Number(options.batchSize ?? 100),
			timeout: Number(options.timeout ?? 30000),
		},
		fields,
		pacer,
	);
	const multiSelect = fields.filter((field) => field.format === 'multiOptions').map((field) => field.id);
	const items = this.getInputData();

	return await executeLeadUpsert<ZohoRecordPayload>(this, {
		adapter,
		pacer,
		concurrency,
		combine: combineOption(options),
		retry: { maxRetries: Number(options.maxRetries ?? 5) },
		redactor: await zohoRedactor(this),
		resultContext: { crm: 'Zoho CRM', module },
		describeCallError,
		prepare: (itemIndex) => {
			const json = requireObject(items[itemIndex].json);
			const itemColumns = columnsOf(itemIndex);
			const values = readMappedValues(itemColumns, json, fields, { ignoreUnknownFields: options.ignoreUnknownFields === true });
			const payload = shapeValues(values, fields, {
				clearEmptyFields: options.clearEmptyFields === true,
				formatDate: zohoDate,
				emptyValue: null,
			});
			if (Object.keys(payload).length === 0) {
				throw new LeadInputError('Nothing to send: no mapped field has a value', {
					description: `Map at least ${matchOn.join(' or ')} and Last_Name, or check the input item's field names.`,
				});
			}
			if (options.appendMultiSelect === true) {
				const append = Object.fromEntries(multiSelect.filter((id) => id in payload).map((id) => [id, true]));
				if (Object.keys(append).length > 0) payload.$append_values = append;
			}
			const keyField = matchOn.find((name) => payload[name] !== undefined && payload[name] !== null);
			if (!keyField) {
				// Zoho would insert it without a match value, and it could then never be matched again.
				const labels = matchOn.map((name) => fields.find((field) => field.id === name)?.displayName ?? name);
				throw new LeadInputError(`No value to match the record on: ${matchOn.join(' or ')} is empty or not mapped`, {
					field: matchOn[0],
					description: `Map a value to "${labels[0]}" (${matchOn[0]})${matchOn.length > 1 ? ` or another "Match On" field (${matchOn.slice(1).join(', ')})` : ''} for every item, for example {{ $json.email }}.`,
				});
			}
			return {
				itemIndex,
				payload,
				dedupeKey: `${keyField}:${matchKey(payload[keyField])}`,
			};
		},
	});
}
