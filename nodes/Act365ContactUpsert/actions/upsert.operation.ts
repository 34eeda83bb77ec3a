import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { LeadInputError } from '../../shared/engine/errors';
import { columnsReader, readMappedValues } from '../../shared/engine/fields';
import { requireObject } from '../../shared/engine/input';
import { buildOutput, combineOption, executeLeadUpsert, withFailureClass } from '../../shared/engine/LeadUpsertEngine';
import { readWithRetries } from '../../shared/engine/retry';
import { isEmpty, shapeValues } from '../../shared/engine/values';
import { Act365ContactAdapter, normaliseMatchValue, type ContactPayload, type MultipleMatchPolicy } from '../helpers/adapter';
import { describeCallError, describeFailure } from '../helpers/errors';
import { DEFAULT_MATCH_FIELD, getContactFields, MATCHABLE_FIELDS } from '../helpers/fields';
import { act365Pacing } from '../helpers/pacing';
import { act365Redactor } from '../helpers/redaction';
import { ACT365_CREDENTIAL, act365Surface } from '../transport';

/** IIS's default limit on the query string, which Act!'s hosts are assumed to keep. */
const MAX_QUERY_LENGTH = 2048;

/** Act! takes dates as ISO 8601: a date alone for date fields. */
export function act365Date(date: Date, withTime: boolean): string {
	return withTime ? date.toISOString() : date.toISOString().slice(0, 10);
}

export async function upsert(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const columnsOf = columnsReader(this);
	const columns = columnsOf(0);
	const concurrency = Number(options.maxParallelCalls ?? 3);
	const surface = await act365Surface(this);
	const pacing = await act365Pacing(this, concurrency);
	const redactor = await act365Redactor(this);
	const items = this.getInputData();
	const maxRetries = Number(options.maxRetries ?? 5);

	// The field list comes first; when Act! cannot give it, every item says why (not the node).
	const contactFields = await readWithRetries(() => getContactFields(this, { pacing }), maxRetries, pacing.pacer);
	if (!contactFields.ok) {
		const failure = withFailureClass(describeFailure(surface)(contactFields.error), contactFields.error);
		return [buildOutput(this, items.map(() => ({ failure })), redactor)];
	}
	const { fields, custom } = contactFields.value;

	const matchField = columns.matchingColumns?.[0] ?? DEFAULT_MATCH_FIELD;
	if (!MATCHABLE_FIELDS.includes(matchField) || !fields.some((field) => field.id === matchField)) {
		throw new NodeOperationError(this.getNode(), `Act! contacts cannot be matched on "${matchField}"`, {
			description: `"Match On" can use: ${MATCHABLE_FIELDS.join(', ')}. Custom fields cannot be searched.`,
		});
	}
	const matchLabel = fields.find((field) => field.id === matchField)?.displayName ?? matchField;

	const adapter = new Act365ContactAdapter(
		this,
		surface,
		{
			scope: this.getNode().credentials?.[ACT365_CREDENTIAL]?.id ?? 'default',
			matchField,
			multipleMatches: (options.multipleMatches as MultipleMatchPolicy) ?? 'updateFirst',
			batchSize: Number(options.batchSize ?? 50),
			timeout: Number(options.timeout ?? 30000),
			maxQueryLength: MAX_QUERY_LENGTH,
		},
		contactFields.value,
		pacing,
	);
	return await executeLeadUpsert<ContactPayload>(this, {
		adapter,
		pacer: pacing.pacer,
		concurrency,
		combine: combineOption(options),
		retry: { maxRetries },
		redactor,
		resultContext: { crm: surface.product },
		describeCallError: describeCallError(surface),
		prepare: (itemIndex) => {
			const json = requireObject(items[itemIndex].json);
			const itemColumns = columnsOf(itemIndex);
			const values = readMappedValues(itemColumns, json, fields, { ignoreUnknownFields: options.ignoreUnknownFields === true });
			const matchValue = values[matchField];
			if (isEmpty(matchValue)) {
				throw new LeadInputError(`No ${matchLabel} to match the contact on`, {
					field: matchField,
					description: `Map a value to "${matchLabel}" (${matchField}) for every item, or choose another "Match On" field. Act! allows duplicate contacts, so the node does not create one it cannot look up.`,
				});
			}
			const shaped = shapeValues(values, fields, {
				clearEmptyFields: options.clearEmptyFields === true,
				formatDate: act365Date,
				emptyValue: null,
			});
			const body: IDataObject = {};
			const customFields: IDataObject = {};
			for (const [id, value] of Object.entries(shaped)) {
				const customName = custom.get(id);
				if (customName) customFields[customName] = value as IDataObject[keyof IDataObject];
				else body[id] = value as IDataObject[keyof IDataObject];
			}
			if (Object.keys(customFields).length > 0) body.customFields = customFields;
			const key = normaliseMatchValue(shaped[matchField]);
			return { itemIndex, payload: { key, matchValue: String(shaped[matchField]), body }, dedupeKey: `${matchField}:${key}` };
		},
	});
}
