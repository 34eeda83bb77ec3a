import { NodeApiError, type IDataObject, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { FatalCallError, findCause, QuotaSpentError } from '../../shared/engine/errors';
import type { Pacer } from '../../shared/engine/pacing';
import type { LeadUpsertAdapter, RecordOutcome } from '../../shared/engine/types';
import { actOnApiRequest } from '../transport';
import { ACTON_CREDENTIAL } from './account';
import { describeCallError, describeRecordError, isDailyQuotaRefusal } from './errors';
import type { ActOnListColumns } from './lists';

export interface ActOnContactPayload {
	email: string;
	/** Keyed by the list's column headings. */
	values: IDataObject;
}

interface UpsertAnswer {
	status?: string;
	message?: string;
	id?: string;
	contact_id?: string;
}

/**
 * Act-On's upsert is one contact per call, keyed by e-mail, so repeating a call whose answer
 * was lost updates the same contact instead of adding a second one.
 */
export class ActOnUpsertAdapter implements LeadUpsertAdapter<ActOnContactPayload> {
	readonly idempotent = true;

	readonly batchSize = 1;

	/**
	 * Once the credential cannot get a token or the daily quota is spent, the other items are not
	 * sent only to fail the same way.
	 */
	private accountFailure?: FatalCallError;

	/** Act-On has no batch write, so shared calls stay one contact each: the lane only keeps their order and pace. */
	readonly combineKey: string;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly columns: ActOnListColumns,
		private readonly pacer: Pacer,
		private readonly timeout: number,
	) {
		const credentialId = ctx.getNode().credentials?.[ACTON_CREDENTIAL]?.id ?? 'default';
		this.combineKey = JSON.stringify(['actOn', credentialId, columns.listId, columns.headings, timeout]);
	}

	merge(earlier: ActOnContactPayload, later: ActOnContactPayload): ActOnContactPayload {
		return { email: later.email, values: { ...earlier.values, ...later.values } };
	}

	async send(batch: ActOnContactPayload[]): Promise<RecordOutcome[]> {
		return await Promise.all(batch.map(async (contact) => await this.sendOne(contact)));
	}

	private async sendOne(contact: ActOnContactPayload): Promise<RecordOutcome> {
		if (this.accountFailure) throw this.accountFailure;
		let answer: UpsertAnswer;
		try {
			answer = (
				await this.pacer.run(() =>
					actOnApiRequest<UpsertAnswer>(this.ctx, 'PUT', `/api/1/list/${encodeURIComponent(this.columns.listId)}/record`, {
						qs: { email: contact.email },
						body: contact.values,
						timeout: this.timeout,
					}),
				)
			).body;
		} catch (error) {
			const fatal = findCause(error, FatalCallError);
			if (fatal) {
				this.accountFailure = fatal;
				throw fatal;
			}
			if (isDailyQuotaRefusal(error)) {
				const failure = describeCallError(error);
				this.accountFailure = new QuotaSpentError(failure.message, failure.description, failure.httpCode);
				throw this.accountFailure;
			}
			const failure = describeRecordError(error, this.columns);
			if (failure) return { ok: false, failure };
			throw new NodeApiError(this.ctx.getNode(), error as JsonObject);
		}
		const id = answer.contact_id ?? answer.id;
		if (answer.status !== 'success' || !id) {
			return {
				ok: false,
				failure: { message: `Act-On did not confirm the contact: ${answer.message ?? JSON.stringify(answer)}` },
			};
		}
		return {
			ok: true,
			// The documented answer says "Record updated" whether the record was added or updated, so
			// only an explicit "inserted" tells; anything else is reported as an upsert.
			action: /insert/i.test(answer.message ?? '') ? 'inserted' : 'upserted',
			id: String(id),
		};
	}
}
