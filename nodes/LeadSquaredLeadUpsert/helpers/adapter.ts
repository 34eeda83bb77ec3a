import { FatalCallError, findCause, PartialBatchError, TransientCallError } from '../../shared/engine/errors';
import type { CrmField } from '../../shared/engine/fields';
import { KeyQueue } from '../../shared/engine/keyQueue';
import type { LeadUpsertAdapter, RecordOutcome, SendContext } from '../../shared/engine/types';
import { LeadSquaredError, type LeadSquaredClient } from '../transport';
import {
	activityDetails,
	activityFailure,
	checkPostedActivity,
	type ActivityContext,
	type ActivityPayload,
} from './activities';
import { describeLeadError } from './errors';
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

/** The documented answer: `{Status, Message: {Id, AffectedRows}}`, silent on created vs updated. */
interface CreateOrUpdateAnswer {
	Message?: { Id?: string };
}

/**
 * One lead per Lead.CreateOrUpdate call: keyed by SearchBy, so repeating a call cannot create twice.
 * LeadSquared's answer does not say whether the lead was new, so the action is `upserted`.
 */
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
			return [{ ok: true, action: 'upserted', id }];
		} catch (error) {
			return [asRecordFailure(error, (lsq) => ({ ok: false, failure: describeLeadError(lsq, this.fields, lead.searchBy) }))];
		}
	}
}

/** A bulk row as third-party clients read it; no LeadSquared page shows this answer (CONTRACT.md). */
interface BulkRow {
	RowNumber?: number;
	LeadId?: string;
	AffectedRows?: number;
	ExceptionType?: string;
	ErrorMessage?: string;
	ExceptionMessage?: string;
}

/**
 * Up to 25 leads per Lead/Bulk/CreateOrUpdate call, on the bulk quota; rows fail one by one. A
 * row with a lead id is a written lead; whether it was new is not documented, so `upserted`.
 */
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
			if (row.LeadId && !row.ExceptionType) return { ok: true, action: 'upserted', id: row.LeadId };
			const error = new LeadSquaredError(row.ExceptionType ?? 'Error', row.ErrorMessage ?? row.ExceptionMessage ?? 'The lead was not written');
			return { ok: false, failure: describeLeadError(error, this.fields, lead.searchBy) };
		});
	}
}

/**
 * Lead + activity through ProspectActivity.svc/CreateCustom. Posting is not idempotent: after a
 * lost answer the engine asks `reconcile`, which reads the lead's activities before anything is
 * sent again (see checkPostedActivity). The documented answer carries only `Message.Id`, so the
 * output's leadId is null on this path.
 */
export class LeadActivityAdapter implements LeadUpsertAdapter<ActivityPayload> {
	readonly idempotent = false;

	readonly batchSize = 1;

	/** Two items of one new lead cannot both create it. */
	private readonly queue = new KeyQueue();

	/** When each item's activity was first sent: a lost post can only be newer than that. */
	private readonly firstSent = new WeakMap<ActivityPayload, Date>();

	/** Activities already matched to an item, so two identical items cannot both claim one. */
	private readonly claimed = new Set<string>();

	constructor(
		private readonly client: LeadSquaredClient,
		private readonly context: ActivityContext,
	) {}

	async send([item]: ActivityPayload[]): Promise<RecordOutcome[]> {
		return [await this.queue.run([searchKeyOf(item.lead)], async () => await this.post(item))];
	}

	async reconcile(batch: ActivityPayload[]): Promise<Array<RecordOutcome | undefined>> {
		const outcomes: Array<RecordOutcome | undefined> = [];
		for (const item of batch) {
			const sentAt = this.firstSent.get(item);
			const leadId = sentAt ? await this.findLeadId(item.lead) : undefined;
			// No lead means the call wrote nothing, so the item can be sent again.
			outcomes.push(leadId && sentAt ? await checkPostedActivity(this.client, leadId, item, sentAt, this.context, this.claimed) : undefined);
		}
		return outcomes;
	}

	private async post(item: ActivityPayload): Promise<RecordOutcome> {
		if (!this.firstSent.has(item)) this.firstSent.set(item, new Date());
		try {
			const answer = await this.client.request<{ Message?: { Id?: string } }>(
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
			return { ok: true, action: 'inserted', id, details: activityDetails(item, null) };
		} catch (error) {
			return asRecordFailure(error, (lsq) => activityFailure(lsq, item, this.context));
		}
	}

	/**
	 * The lead's ID by its search key; for custom unique fields, an upsert of the lead alone
	 * (idempotent) tells it. A lead that upsert creates has no activities, so none is found on it.
	 */
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
		return answer?.Message?.Id;
	}
}

/** A row of the bulk activity post: the activity's id, or (assumed, unverified) the vendor's error words. */
interface BulkActivityRow {
	ProspectActivityId?: string;
	ExceptionType?: string;
	ExceptionMessage?: string;
	ErrorMessage?: string;
}

/**
 * Lead + activity on the bulk quota: a batch's leads in one Lead/Bulk/CreateOrUpdate, then the
 * activities of the leads that were written in one Bulk/CustomActivity/Add/ByLeadId. The lead
 * call is idempotent; the activity call is not, so after a lost answer `reconcile` looks for
 * each activity that was sent before only the missing ones are posted again.
 */
export class BulkLeadActivityAdapter implements LeadUpsertAdapter<ActivityPayload> {
	readonly idempotent = false;

	private readonly leads: BulkLeadAdapter;

	/** Two items of one new lead cannot both create it. */
	private readonly queue = new KeyQueue();

	/** Leads already written for an item: its repeats post only the activity. */
	private readonly leadIds = new WeakMap<ActivityPayload, string>();

	/** When each item's activity was first sent: only these can have been posted unseen, and only since then. */
	private readonly firstSent = new WeakMap<ActivityPayload, Date>();

	/** Activities already matched to an item, so two identical items cannot both claim one. */
	private readonly claimed = new Set<string>();

	constructor(
		private readonly client: LeadSquaredClient,
		private readonly context: ActivityContext,
		readonly batchSize: number,
	) {
		this.leads = new BulkLeadAdapter(client, context.leadFields, batchSize);
	}

	async send(batch: ActivityPayload[]): Promise<RecordOutcome[]> {
		return await this.queue.run(
			batch.map((item) => searchKeyOf(item.lead)),
			async () => await this.write(batch),
		);
	}

	async reconcile(batch: ActivityPayload[]): Promise<Array<RecordOutcome | undefined>> {
		return await Promise.all(
			batch.map(async (item) => {
				const leadId = this.leadIds.get(item);
				const sentAt = this.firstSent.get(item);
				if (!leadId || !sentAt) return undefined;
				return await checkPostedActivity(this.client, leadId, item, sentAt, this.context, this.claimed);
			}),
		);
	}

	private async write(batch: ActivityPayload[]): Promise<RecordOutcome[]> {
		const settled: Array<RecordOutcome | undefined> = batch.map(() => undefined);
		await this.writeLeads(batch, settled);
		const ready = batch.filter((item, index) => !settled[index] && this.leadIds.has(item));
		if (ready.length > 0) {
			// The leads' own refusals stand when the activity call fails; only the activities are retried or checked.
			const rows = await this.postActivities(ready).catch(async (error: unknown) => await Promise.reject(new PartialBatchError(settled, error)));
			ready.forEach((item, index) => (settled[batch.indexOf(item)] = this.activityOutcome(item, rows[index])));
		}
		return settled.map((outcome) => outcome ?? { ok: false, failure: { message: 'LeadSquared returned no lead ID for this item' } });
	}

	/**
	 * One row per lead, not per item: two submissions of one lead in one call could create it
	 * twice, so their fields are merged (later values win) and the lead's ID goes to both.
	 */
	private async writeLeads(batch: ActivityPayload[], settled: Array<RecordOutcome | undefined>): Promise<void> {
		const byKey = new Map<string, { lead: LeadPayload; indexes: number[] }>();
		batch.forEach((item, index) => {
			if (this.leadIds.has(item)) return;
			const key = searchKeyOf(item.lead);
			const row = byKey.get(key);
			if (row) {
				row.lead = mergeLeads(row.lead, item.lead);
				row.indexes.push(index);
			} else byKey.set(key, { lead: item.lead, indexes: [index] });
		});
		const rows = [...byKey.values()];
		if (rows.length === 0) return;
		const outcomes = await this.leads.send(rows.map((row) => row.lead));
		rows.forEach((row, rowIndex) => {
			const outcome = outcomes[rowIndex];
			for (const index of row.indexes) {
				if (outcome?.ok) this.leadIds.set(batch[index], outcome.id);
				else settled[index] = outcome ?? { ok: false, failure: { message: 'LeadSquared returned no row for this lead' } };
			}
		});
	}

	private async postActivities(items: ActivityPayload[]): Promise<BulkActivityRow[]> {
		for (const item of items) if (!this.firstSent.has(item)) this.firstSent.set(item, new Date());
		const answer = await this.client.request<{ Response?: BulkActivityRow[] }>('POST', '/v2/ProspectActivity.svc/Bulk/CustomActivity/Add/ByLeadId', {
			body: items.map((item) => ({
				RelatedProspectId: this.leadIds.get(item),
				...item.activity,
				// Per activity here, as CreateCustom takes it per call (unverified for the bulk post).
				...(item.skipDropDownValidation ? { ValidateDropDownOptions: true } : {}),
			})),
			quota: 'bulk',
		});
		if (!Array.isArray(answer?.Response)) {
			// The activities may be posted all the same: check them like a lost answer.
			throw new TransientCallError('LeadSquared answered the bulk activity post without per-activity rows', undefined, true);
		}
		return answer.Response;
	}

	private activityOutcome(item: ActivityPayload, row: BulkActivityRow | undefined): RecordOutcome {
		const leadId = this.leadIds.get(item) ?? null;
		if (row?.ProspectActivityId) return { ok: true, action: 'inserted', id: row.ProspectActivityId, details: activityDetails(item, leadId) };
		if (!row) {
			return {
				ok: false,
				failure: {
					message: 'LeadSquared returned no row for this activity',
					description: "Check the lead's activities in LeadSquared before running this item again.",
				},
			};
		}
		const error = new LeadSquaredError(row.ExceptionType ?? 'Error', row.ExceptionMessage ?? row.ErrorMessage ?? 'The activity was not posted');
		return activityFailure(error, item, this.context);
	}
}

/** Which API a call goes through, from the leads it and the calls queued behind it carry. */
export interface ApiChooser {
	(leads: number): 'bulk' | 'single';
	/** How long until a call on the API(s) it may choose could go out. */
	readyInMs(): number;
}

const tag = <T extends RecordOutcome | undefined>(outcome: T, api: 'bulk' | 'single'): T =>
	outcome?.ok ? { ...outcome, details: { ...outcome.details, api } } : outcome;

/** Each written record says which API wrote it, also when the call stopped part-way. */
async function withApi(api: 'bulk' | 'single', send: () => Promise<RecordOutcome[]>): Promise<RecordOutcome[]> {
	const outcomes = await send().catch(async (error: unknown) => {
		const tagged = error instanceof PartialBatchError ? new PartialBatchError(error.settled.map((outcome) => tag(outcome, api)), error.cause) : error;
		return await Promise.reject(tagged);
	});
	return outcomes.map((outcome) => tag(outcome, api));
}

/**
 * One single-record call per payload, side by side (the pacer keeps the single quota); the
 * settled ones stand when another fails for the call, so only that one is retried.
 */
async function sendEach<Payload>(batch: Payload[], sendOne: (payload: Payload) => Promise<RecordOutcome[]>): Promise<RecordOutcome[]> {
	const results = await Promise.allSettled(batch.map(async (payload) => (await sendOne(payload))[0]));
	const failed = results.find((result) => result.status === 'rejected');
	const settled = results.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
	if (failed) throw new PartialBatchError(settled, failed.reason);
	return settled as RecordOutcome[];
}

/**
 * Leads on the API that finishes sooner for the leads queued now (a webhook burst fills the
 * queue while a call is in flight): a bulk call, or one CreateOrUpdate per lead.
 */
export class AutoLeadAdapter implements LeadUpsertAdapter<LeadPayload> {
	readonly idempotent = true;

	readonly merge = mergeLeads;

	private readonly single: SingleLeadAdapter;

	private readonly bulk: BulkLeadAdapter;

	constructor(
		client: LeadSquaredClient,
		fields: CrmField[],
		readonly batchSize: number,
		private readonly choose: ApiChooser,
		readonly combineKey?: string,
	) {
		this.single = new SingleLeadAdapter(client, fields);
		this.bulk = new BulkLeadAdapter(client, fields, batchSize);
	}

	readyInMs(): number {
		return this.choose.readyInMs();
	}

	async send(batch: LeadPayload[], context?: SendContext): Promise<RecordOutcome[]> {
		if (this.choose(batch.length + (context?.waiting ?? 0)) === 'bulk') return await withApi('bulk', async () => await this.bulk.send(batch));
		return await withApi('single', async () => await sendEach(batch, async (lead) => await this.single.send([lead])));
	}
}

/** Lead + activity on the API that finishes sooner for the items queued now; a lost answer is checked by the API that sent it. */
export class AutoLeadActivityAdapter implements LeadUpsertAdapter<ActivityPayload> {
	readonly idempotent = false;

	private readonly single: LeadActivityAdapter;

	private readonly bulk: BulkLeadActivityAdapter;

	private readonly sentBy = new WeakMap<ActivityPayload, LeadActivityAdapter | BulkLeadActivityAdapter>();

	constructor(
		client: LeadSquaredClient,
		context: ActivityContext,
		readonly batchSize: number,
		private readonly choose: ApiChooser,
		readonly combineKey?: string,
	) {
		this.single = new LeadActivityAdapter(client, context);
		this.bulk = new BulkLeadActivityAdapter(client, context, batchSize);
	}

	readyInMs(): number {
		return this.choose.readyInMs();
	}

	async send(batch: ActivityPayload[], context?: SendContext): Promise<RecordOutcome[]> {
		// An item the bulk path wrote the lead of stays there: its repeat posts only the activity.
		const api = batch.some((item) => this.sentBy.get(item) === this.bulk) ? 'bulk' : this.choose(batch.length + (context?.waiting ?? 0));
		const adapter = api === 'bulk' ? this.bulk : this.single;
		for (const item of batch) this.sentBy.set(item, adapter);
		if (api === 'bulk') return await withApi('bulk', async () => await this.bulk.send(batch));
		return await withApi('single', async () => await sendEach(batch, async (item) => await this.single.send([item])));
	}

	async reconcile(batch: ActivityPayload[]): Promise<Array<RecordOutcome | undefined>> {
		return await Promise.all(
			batch.map(async (item) => {
				const adapter = this.sentBy.get(item) ?? this.single;
				return tag((await adapter.reconcile([item]))[0], adapter === this.bulk ? 'bulk' : 'single');
			}),
		);
	}
}
