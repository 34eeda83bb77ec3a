import { NodeApiError, type IDataObject, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { inspectHttpError } from '../../shared/engine/errors';
import type { CrmField } from '../../shared/engine/fields';
import type { Pacer } from '../../shared/engine/pacing';
import type { LeadUpsertAdapter, RecordOutcome } from '../../shared/engine/types';
import { zohoApiRequest } from '../transport';
import { describeRecordError, type ZohoError } from './errors';

export type ZohoRecordPayload = Record<string, unknown>;

interface UpsertAnswer {
	data?: Array<ZohoError & { action?: string; duplicate_field?: string | null; details?: { id?: string } }>;
}

export interface ZohoUpsertSettings {
	module: string;
	duplicateCheckFields: string[];
	/** Undefined lets Zoho run every automation, as it does for records created in its UI. */
	trigger?: string[];
	larId?: string;
	batchSize: number;
	timeout: number;
}

/** Upsert is keyed by the duplicate-check fields, so repeating a batch cannot create twice. */
export class ZohoUpsertAdapter implements LeadUpsertAdapter<ZohoRecordPayload> {
	readonly idempotent = true;

	readonly batchSize: number;

	readonly combineKey: string;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly settings: ZohoUpsertSettings,
		private readonly fields: CrmField[],
		private readonly pacer: Pacer,
	) {
		this.batchSize = settings.batchSize;
		const credentialId = ctx.getNode().credentials?.zohoCrmLeadUpsertApi?.id ?? 'default';
		this.combineKey = JSON.stringify(['zoho', credentialId, settings]);
	}

	merge(earlier: ZohoRecordPayload, later: ZohoRecordPayload): ZohoRecordPayload {
		return { ...earlier, ...later };
	}

	async send(batch: ZohoRecordPayload[]): Promise<RecordOutcome[]> {
		const body: IDataObject = {
			data: batch as IDataObject[],
			duplicate_check_fields: this.settings.duplicateCheckFields,
			...(this.settings.trigger ? { trigger: this.settings.trigger } : {}),
			...(this.settings.larId ? { lar_id: this.settings.larId } : {}),
		};
		let answer: UpsertAnswer;
		try {
			answer = (
				await this.pacer.run(() =>
					zohoApiRequest<UpsertAnswer>(this.ctx, 'POST', `/crm/v8/${this.settings.module}/upsert`, { body, timeout: this.settings.timeout }),
				)
			).body;
		} catch (error) {
			// When every record fails Zoho answers 400 with the per-record results: use them.
			const info = inspectHttpError(error);
			const data = (info.body as UpsertAnswer | undefined)?.data;
			if (info.status !== 400 || !Array.isArray(data) || data.length !== batch.length) {
				throw new NodeApiError(this.ctx.getNode(), error as JsonObject);
			}
			answer = { data };
		}
		return batch.map((_record, index) => {
			const entry = answer.data?.[index];
			if (!entry) return { ok: false, failure: { message: 'Zoho CRM returned no result for this record' } };
			if (entry.status === 'success' && entry.details?.id) {
				return {
					ok: true,
					action: entry.action === 'insert' ? 'inserted' : 'updated',
					id: String(entry.details.id),
					// Zoho names its duplicate-check field on inserts too: it matched only on an update.
					details: { matchedOn: entry.action === 'update' ? (entry.duplicate_field ?? null) : null },
				};
			}
			return { ok: false, failure: describeRecordError(entry, this.settings.module, this.fields) };
		});
	}
}
