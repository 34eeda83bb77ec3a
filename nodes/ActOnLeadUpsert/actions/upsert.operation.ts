import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { FatalCallError, findCause, LeadInputError } from '../../shared/engine/errors';
import { COLLIDING_KEYS, columnsReader, normaliseName, readMappedValues } from '../../shared/engine/fields';
import { requireObject } from '../../shared/engine/input';
import { buildOutput, combineOption, executeLeadUpsert, withFailureClass } from '../../shared/engine/LeadUpsertEngine';
import { readWithRetries } from '../../shared/engine/retry';
import type { LeadFailure } from '../../shared/engine/types';
import { shapeValues } from '../../shared/engine/values';
import { DEFAULT_PARALLEL_CALLS } from '../helpers/account';
import { ActOnUpsertAdapter, type ActOnContactPayload } from '../helpers/adapter';
import { describeCallError, describeRecordError } from '../helpers/errors';
import { getListColumns, toCrmFields, type ActOnListColumns } from '../helpers/lists';
import { actOnRedactor } from '../helpers/redaction';
import { accountPacer } from '../transport';
import type { Pacer } from '../../shared/engine/pacing';

/** Input keys web forms use for the address, mapped to the list's e-mail column when auto-mapping. */
const EMAIL_KEYS = new Set(['email', 'emailaddress', 'mail', 'youremail']);

function withEmailAlias(json: IDataObject, columns: ActOnListColumns): IDataObject {
	const headings = new Set(columns.headings.map(normaliseName));
	if (Object.keys(json).some((key) => normaliseName(key) === normaliseName(columns.emailHeading))) return json;
	const alias = Object.keys(json).find((key) => EMAIL_KEYS.has(normaliseName(key)) && !headings.has(normaliseName(key)));
	if (!alias) return json;
	const { [alias]: email, ...rest } = json;
	return { ...rest, [columns.emailHeading]: email };
}

/** The list's columns, retried like any call: without them no item can be checked or sent. */
async function loadColumns(ctx: IExecuteFunctions, listId: string, pacer: Pacer, maxRetries: number): Promise<ActOnListColumns> {
	const read = await readWithRetries(() => getListColumns(ctx, listId, { pacer }), maxRetries, pacer);
	if (!read.ok) throw new NodeApiError(ctx.getNode(), read.error as JsonObject);
	return read.value;
}

function listFailure(error: unknown, listId: string): LeadFailure {
	const fatal = findCause(error, FatalCallError);
	if (fatal) return { message: fatal.message, description: fatal.description, httpCode: fatal.httpCode };
	return describeRecordError(error, { listId, headings: [], emailHeading: '' }) ?? describeCallError(error);
}

export async function upsert(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const listId = String(this.getNodeParameter('list', 0, '', { extractValue: true }) ?? '').trim();
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const concurrency = Number(options.maxParallelCalls ?? DEFAULT_PARALLEL_CALLS);
	const maxRetries = Number(options.maxRetries ?? 5);
	const pacer = await accountPacer(this, concurrency);
	const redactor = await actOnRedactor(this);
	const items = this.getInputData();

	let columns: ActOnListColumns;
	try {
		if (!listId) throw new LeadInputError('No list chosen', { field: 'list', description: 'Pick the Act-On contact list in "List".' });
		columns = await loadColumns(this, listId, pacer, maxRetries);
		if (!columns.emailHeading) {
			throw new FatalCallError(
				`Act-On list ${listId} has no e-mail column`,
				`Its columns are: ${columns.headings.join(', ')}. Act-On matches contacts by e-mail: pick a contact list with an e-mail column.`,
			);
		}
	} catch (error) {
		// Every item still ends as one error item, saying why none could be sent.
		const input = findCause(error, LeadInputError);
		const failure = withFailureClass(input ? input.toFailure() : listFailure(error, listId), error);
		return [buildOutput(this, items.map(() => ({ failure })), redactor)];
	}

	const fields = toCrmFields(columns);
	const columnsOf = columnsReader(this);
	const { emailHeading } = columns;
	const allColumns = columns.headings.map((heading) => `"${heading}"`).join(', ');

	return await executeLeadUpsert<ActOnContactPayload>(this, {
		adapter: new ActOnUpsertAdapter(this, columns, pacer, Number(options.timeout ?? 30000)),
		pacer,
		combine: combineOption(options),
		concurrency,
		retry: { maxRetries },
		redactor,
		resultContext: { crm: 'Act-On', listId },
		describeCallError,
		prepare: (itemIndex) => {
			const json = requireObject(items[itemIndex].json);
			const itemColumns = columnsOf(itemIndex);
			const source = itemColumns.mappingMode === 'autoMapInputData' ? withEmailAlias(json, columns) : json;
			let values: Record<string, unknown> = {};
			let unknown: LeadInputError | undefined;
			try {
				values = readMappedValues(itemColumns, source, fields, { ignoreUnknownFields: options.ignoreUnknownFields === true });
			} catch (error) {
				unknown = findCause(error, LeadInputError);
				if (unknown?.details.code === COLLIDING_KEYS) throw unknown;
				if (!unknown?.details.field) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			}
			if (unknown) {
				throw new LeadInputError(`The list has no column "${unknown.details.field}"`, {
					field: unknown.details.field,
					description: `List ${listId} has the columns ${allColumns}. ${
						itemColumns.mappingMode === 'autoMapInputData'
							? 'Rename the input field to one of them, or turn on "Ignore Unknown Input Fields".'
							: 'Map to one of them, or refresh the column list.'
					}`,
				});
			}
			const payload = shapeValues(values, fields, {
				clearEmptyFields: options.clearEmptyFields === true,
				formatDate: (date) => date.toISOString(),
				emptyValue: '',
			});
			const email = payload[emailHeading];
			if (typeof email !== 'string' || email === '') {
				throw new LeadInputError(`No e-mail address: "${emailHeading}" is empty or not mapped`, {
					field: emailHeading,
					description: `Act-On finds contacts by e-mail. Map the form's e-mail field to "${emailHeading}", for example {{ $json.email }}.`,
				});
			}
			return { itemIndex, payload: { email, values: payload as IDataObject }, dedupeKey: `email:${email.toLowerCase()}` };
		},
	});
}
