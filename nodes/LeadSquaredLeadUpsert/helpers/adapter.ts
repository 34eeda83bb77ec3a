import { findCause, FatalCallError } from '../../shared/engine/errors';
import type { CrmField } from '../../shared/engine/fields';
import type { LeadUpsertAdapter, RecordOutcome } from '../../shared/engine/types';
import { LeadSquaredError, type LeadSquaredClient } from '../transport';
import { describeActivityError, describeLeadError } from './errors';
import type { ActivityType } from './fields';
import { searchKeyOf, toAttributePairs, type LeadPayload } from './leads';

const mergeLeads = (earlier: LeadPayload, later: LeadPayload): LeadPayload => ({
	searchBy: later.searchBy,
	attributes: { ...earlier.attributes, ...later.attributes },
});

/** LeadSquared's error for one record becomes that record's failure; anything else is the call's. */
function asRecordFailure(error: unknown, describe: (error: LeadSquaredError) => RecordOutcome): RecordOutcome {
	const lsq = findCause(error, LeadSquaredError);
	if (!lsq) throw error;
	return describe(lsq);
}

interface CreateOrUpdateAnswer {
	Message?: { Id?: string; IsCreated?: boolean };
}

/** One lead per Lead.CreateOrUpdate call: keyed by SearchBy, so repeating a call cannot create twice. */
export class SingleLeadAdapter implements LeadUpsertAdapter<LeadPayload> {
	readonly idempotent = true;

	readonly batchSize = 1;

	readonly merge = mergeLeads;

	constructor(
		private readonly client: LeadSquaredClient,
		private readonly fields: CrmField[],
	) {}

	async send([lead]: LeadPayload[]): Promise<RecordOutcome[]> {
		try {
			const answer = await this.client.request<CreateOrUpdateAnswer>('POST', '/v2/LeadManagement.svc/Lead.CreateOrUpdate', {
				qs: { postUpdatedLead: false },
				body: toAttributePairs(lead),
			});
			const id = answer?.Message?.Id;
			if (!id) return [{ ok: false, failure: { message: 'LeadSquared answered without a lead ID' } }];
			return [{ ok: true, action: answer.Message?.IsCreated === true ? 'inserted' : 'updated', id }];
		} catch (error) {
			return [asRecordFailure(error, (lsq) => ({ ok: false, failure: describeLeadError(lsq, this.fields, lead.searchBy) }))];
		}
	}
}

interface BulkRow {
	RowNumber?: number;
	LeadId?: string;
	LeadCreated?: boolean;
	LeadUpdated?: boolean;
	AffectedRows?: number;
	ExceptionType?: string;
	ErrorMessage?: string;
	ExceptionMessage?: string;
}

/** Up to 25 leads per Lead/Bulk/CreateOrUpdate call, on the bulk quota; rows fail one by one. */
export class BulkLeadAdapter implements LeadUpsertAdapter<LeadPayload> {
	readonly idempotent = true;

	readonly merge = mergeLeads;

	constructor(
		private readonly client: LeadSquaredClient,
		private readonly fields: CrmField[],
		readonly batchSize: number,
	) {}

	async send(batch: LeadPayload[]): Promise<RecordOutcome[]> {
		const rows = await this.client.request<BulkRow[]>('POST', '/v2/LeadManagement.svc/Lead/Bulk/CreateOrUpdate', {
			body: batch.map(toAttributePairs),
			quota: 'bulk',
		});
		if (!Array.isArray(rows)) throw new FatalCallError('LeadSquared answered the bulk call without per-lead rows');
		return batch.map((lead, index): RecordOutcome => {
			const row = rows.find((candidate) => Number(candidate.RowNumber) === index + 1) ?? rows[index];
			if (!row) return { ok: false, failure: { message: 'LeadSquared returned no row for this lead' } };
			if (row.LeadId && (row.LeadCreated || row.LeadUpdated || Number(row.AffectedRows) > 0)) {
				return { ok: true, action: row.LeadCreated ? 'inserted' : 'updated', id: row.LeadId };
			}
			const error = new LeadSquaredError(row.ExceptionType ?? 'Error', row.ErrorMessage ?? row.ExceptionMessage ?? 'The lead was not written');
			return { ok: false, failure: describeLeadError(error, this.fields, lead.searchBy) };
		});
	}
}

export interface ActivityPayload {
	lead: LeadPayload;
	activity: {
		ActivityEvent: number;
		ActivityNote: string;
		/** Set once per item, so the same activity can be recognised after a lost answer. */
		ActivityDateTime: string;
		Fields: Array<{ SchemaName: string; Value: string }>;
	};
	skipDropDownValidation: boolean;
}

interface RetrievedActivity {
	Id: string;
	EventCode?: number;
	ActivityDateTime?: string;
	ActivityNote?: string;
	Data?: Array<{ Key: string; Value: string }>;
}

/** Pages of a lead's activities read when checking for a post whose answer was lost. */
const MAX_ACTIVITY_PAGES = 10;
const ACTIVITY_PAGE_SIZE = 100;

/**
 * Lead + activity through ProspectActivity.svc/CreateCustom. Posting is not idempotent: after a
 * lost answer the engine asks `reconcile`, which looks for this exact activity on the lead
 * before anything is sent again.
 */
export class LeadActivityAdapter implements LeadUpsertAdapter<ActivityPayload> {
	readonly idempotent = false;

	readonly batchSize = 1;

	/** Posts for the same lead run one after another, so two items cannot both create it. */
	private readonly tails = new Map<string, Promise<unknown>>();

	constructor(
		private readonly client: LeadSquaredClient,
		private readonly leadFields: CrmField[],
		private readonly activityFields: Map<number, CrmField[]>,
		private readonly types: ActivityType[],
	) {}

	async send([item]: ActivityPayload[]): Promise<RecordOutcome[]> {
		return [await this.oneAtATime(searchKeyOf(item.lead), async () => await this.post(item))];
	}

	async reconcile(batch: ActivityPayload[]): Promise<Array<RecordOutcome | undefined>> {
		const outcomes: Array<RecordOutcome | undefined> = [];
		for (const item of batch) {
			const leadId = await this.findLeadId(item.lead);
			const activity = leadId ? await this.findActivity(leadId, item.activity) : undefined;
			outcomes.push(
				activity && leadId
					? { ok: true, action: 'inserted', id: activity.Id, details: { ...this.details(item, leadId), recoveredAfterLostAnswer: true } }
					: undefined,
			);
		}
		return outcomes;
	}

	private async post(item: ActivityPayload): Promise<RecordOutcome> {
		try {
			const answer = await this.client.request<{ Message?: { Id?: string; RelatedProspectId?: string } }>(
				'POST',
				'/v2/ProspectActivity.svc/CreateCustom',
				{
					body: {
						LeadDetails: toAttributePairs(item.lead),
						Activity: item.activity,
						...(item.skipDropDownValidation ? { ValidateDropDownOptions: true } : {}),
					},
				},
			);
			const id = answer?.Message?.Id;
			if (!id) return { ok: false, failure: { message: 'LeadSquared answered without an activity ID' } };
			return { ok: true, action: 'inserted', id, details: this.details(item, answer.Message?.RelatedProspectId ?? null) };
		} catch (error) {
			return asRecordFailure(error, (lsq) => ({
				ok: false,
				failure: describeActivityError(
					lsq,
					this.leadFields,
					this.activityFields.get(item.activity.ActivityEvent) ?? [],
					item.lead.searchBy,
					this.types,
				),
			}));
		}
	}

	private details(item: ActivityPayload, leadId: string | null) {
		return {
			leadId,
			activityEvent: item.activity.ActivityEvent,
			activityDateTime: item.activity.ActivityDateTime,
		};
	}

	/** The lead's ID by its search key; for custom unique fields, an upsert of the lead alone (idempotent) tells it. */
	private async findLeadId(lead: LeadPayload): Promise<string | undefined> {
		const value = lead.attributes[lead.searchBy];
		if (lead.searchBy === 'EmailAddress' || lead.searchBy === 'Phone') {
			const found =
				lead.searchBy === 'EmailAddress'
					? await this.client.request<Array<{ ProspectID?: string }>>('GET', '/v2/LeadManagement.svc/Leads.GetByEmailaddress', {
							qs: { emailaddress: value },
						})
					: await this.client.request<Array<{ ProspectID?: string }>>('GET', '/v2/LeadManagement.svc/RetrieveLeadByPhoneNumber', {
							qs: { phone: value },
						});
			return Array.isArray(found) ? found[0]?.ProspectID : undefined;
		}
		const answer = await this.client.request<CreateOrUpdateAnswer>('POST', '/v2/LeadManagement.svc/Lead.CreateOrUpdate', {
			qs: { postUpdatedLead: false },
			body: toAttributePairs(lead),
		});
		// A lead created only now cannot carry the lost activity.
		return answer?.Message?.IsCreated === true ? undefined : answer?.Message?.Id;
	}

	private async findActivity(leadId: string, activity: ActivityPayload['activity']): Promise<RetrievedActivity | undefined> {
		for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
			const answer = await this.client.request<{ RecordCount?: number; ProspectActivities?: RetrievedActivity[] }>(
				'POST',
				'/v2/ProspectActivity.svc/Retrieve',
				{
					qs: { leadId },
					body: { Parameter: { ActivityEvent: activity.ActivityEvent }, Paging: { Offset: page * ACTIVITY_PAGE_SIZE, RowCount: ACTIVITY_PAGE_SIZE } },
				},
			);
			const listed = answer?.ProspectActivities ?? [];
			const match = listed.find((candidate) => sameActivity(candidate, activity));
			if (match) return match;
			if (listed.length < ACTIVITY_PAGE_SIZE || (page + 1) * ACTIVITY_PAGE_SIZE >= Number(answer?.RecordCount ?? 0)) return undefined;
		}
		return undefined;
	}

	private async oneAtATime<T>(key: string, run: () => Promise<T>): Promise<T> {
		const previous = this.tails.get(key) ?? Promise.resolve();
		const current = previous.then(run);
		const tail = current.catch(() => undefined);
		this.tails.set(key, tail);
		try {
			return await current;
		} finally {
			if (this.tails.get(key) === tail) this.tails.delete(key);
		}
	}
}

/** Same event, date-time, note and field values: the post whose answer was lost. */
function sameActivity(candidate: RetrievedActivity, activity: ActivityPayload['activity']): boolean {
	if (candidate.EventCode !== undefined && Number(candidate.EventCode) !== activity.ActivityEvent) return false;
	if (candidate.ActivityDateTime !== activity.ActivityDateTime) return false;
	if ((candidate.ActivityNote ?? '') !== activity.ActivityNote) return false;
	const data = new Map((candidate.Data ?? []).map((entry) => [entry.Key.toLowerCase(), entry.Value]));
	return activity.Fields.every((field) => (data.get(field.SchemaName.toLowerCase()) ?? '') === field.Value);
}
