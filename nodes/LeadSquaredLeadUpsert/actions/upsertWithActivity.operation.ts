import type { IExecuteFunctions, INodeExecutionData, ResourceMapperValue } from 'n8n-workflow';

import { LeadInputError } from '../../shared/engine/errors';
import { columnsReader, readMappedValues, type CrmField } from '../../shared/engine/fields';
import { parseDateValue } from '../../shared/engine/dates';
import { executeLeadUpsert } from '../../shared/engine/LeadUpsertEngine';
import { isEmpty, shapeValues } from '../../shared/engine/values';
import type { ActivityPayload } from '../helpers/activities';
import { AutoLeadActivityAdapter } from '../helpers/adapter';
import { fieldLabel } from '../helpers/errors';
import { getActivityFields, getActivityTypes, getLeadFields, listActivityTypes } from '../helpers/fields';
import { lsqDate, prepareLead, searchKeyOf } from '../helpers/leads';
import { apiChooser, bulkBatchSize, checkedSearchField, clientFor, leadSquaredCombineKey, writeRunSettings, writeSettings } from './common';

/** The activity's moment: the mapped value in any parseable form, or now. */
function activityMoment(raw: unknown): Date {
	if (isEmpty(raw)) return new Date();
	// Strict, and UTC when no offset is given (LeadSquared's own form has none), never local time.
	const date = parseDateValue(raw instanceof Date ? raw : String(raw), true);
	if (!date) {
		throw new LeadInputError(`"Activity Date and Time" is not a date: ${JSON.stringify(raw)}`, {
			field: 'activityDateTime',
			description: 'Use a date such as 2026-11-20T09:15:00Z or 2026-11-20 09:15:00 (UTC), or leave it empty for the time the node runs.',
		});
	}
	return date;
}

export async function upsertWithActivity(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = writeSettings(this);
	const client = await clientFor(this, settings);
	const leadFields = await getLeadFields(client);
	const searchBy = checkedSearchField(this, leadFields);
	const types = await getActivityTypes(client);
	const items = this.getInputData();
	const columnsOf = columnsReader(this);

	// prepare() cannot call LeadSquared, so each activity type's fields are read up front.
	const events = items.map((_item, i) => this.getNodeParameter('activityEvent', i, '') as string | number);
	const activityFields = new Map<number, CrmField[]>();
	for (const event of new Set(events.map(Number))) {
		if (types.some((type) => type.ActivityEvent === event)) activityFields.set(event, await getActivityFields(client, event));
	}
	const skipDropDownValidation = settings.options.skipDropDownValidation === true;
	// Lead + event + date-time identify a post when its answer is lost: keep them distinct per run.
	const taken = new Set<string>();

	// Bulk: a lead call and an activity call per batch, both on the bulk quota, against one CreateCustom per lead.
	const batchSize = bulkBatchSize(settings);
	const choose = apiChooser(settings, items.length, batchSize, client, 2);
	const context = { leadFields, activityFields, types };
	const combineKey = leadSquaredCombineKey(client, 'upsertWithActivity', searchBy, settings, batchSize);

	return await executeLeadUpsert<ActivityPayload>(this, {
		adapter: new AutoLeadActivityAdapter(client, context, batchSize, choose, combineKey),
		...(await writeRunSettings(this, settings, client, searchBy)),
		prepare: (itemIndex) => {
			const lead = prepareLead(items[itemIndex].json, columnsOf(itemIndex), leadFields, searchBy, settings);
			const rawEvent = events[itemIndex];
			const event = Number(rawEvent);
			const fields = activityFields.get(event);
			if (isEmpty(rawEvent) || !fields) {
				throw new LeadInputError(`Unknown activity type ${JSON.stringify(rawEvent)}`, {
					field: 'activityEvent',
					description: `Valid activity types in this account: ${listActivityTypes(types)}. Pick one from the list, or send its code.`,
				});
			}
			const mapped = this.getNodeParameter('activityFields', itemIndex, { mappingMode: 'defineBelow', value: null }) as ResourceMapperValue;
			const values = readMappedValues({ ...mapped, mappingMode: 'defineBelow' }, {}, fields);
			const shaped = shapeValues(values, fields, { clearEmptyFields: false, formatDate: lsqDate });
			const missing = fields.find((field) => field.required && isEmpty(shaped[field.id]));
			if (missing) {
				throw new LeadInputError(`Activity field ${fieldLabel(fields, missing.id).replace(/"/g, '')} is required`, {
					field: missing.id,
					description: `The activity type ${event} needs ${fieldLabel(fields, missing.id)}: map a value to it under "Activity Fields".`,
				});
			}
			let moment = activityMoment(this.getNodeParameter('activityDateTime', itemIndex, ''));
			const identity = () => `${searchKeyOf(lead)}|${event}|${lsqDate(moment, true)}`;
			while (taken.has(identity())) moment = new Date(moment.getTime() + 1000);
			taken.add(identity());
			return {
				itemIndex,
				// No dedupe key: two submissions of one lead are two activities, never in one call across executions.
				recordKey: searchKeyOf(lead),
				payload: {
					lead,
					activity: {
						ActivityEvent: event,
						ActivityNote: String(this.getNodeParameter('activityNote', itemIndex, '') ?? ''),
						ActivityDateTime: lsqDate(moment, true),
						Fields: Object.entries(shaped).map(([SchemaName, value]) => ({ SchemaName, Value: String(value) })),
					},
					skipDropDownValidation,
				},
			};
		},
	});
}
