import { NodeApiError, type IDataObject, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { classifyCallError, inspectHttpError, PartialBatchError } from '../../shared/engine/errors';
import { KeyQueue } from '../../shared/engine/keyQueue';
import { matchKey } from '../../shared/engine/text';
import type { LeadUpsertAdapter, RecordOutcome } from '../../shared/engine/types';
import { act365ApiRequest, encodeQueryValue, type Act365RequestOptions, type Act365Surface } from '../transport';
import { describeRecordRefusal, isRecordRefusal } from './errors';
import { PAGE_SIZE, type ContactFields } from './fields';
import type { Act365Pacing } from './pacing';

/**
 * Act! databases (credential scopes) whose contacts path refused PATCH with 405. No Act! 365 page
 * says whether it takes PATCH on contacts; its Web API documents PATCH as the partial update and
 * PUT as the full one, so where PATCH is refused an update becomes a read and a full PUT.
 */
const patchRefused = new Set<string>();

/** What Act! holds with the item's fields over it: a full record for PUT, which blanks what it leaves out. */
function fullContact(current: IDataObject, changes: IDataObject): IDataObject {
	const kept: IDataObject = {};
	for (const [key, value] of Object.entries(current ?? {})) {
		if (['id', 'created', 'edited'].includes(key) || (value !== null && typeof value === 'object')) continue;
		kept[key] = value;
	}
	const customFields = { ...((current?.customFields as IDataObject | undefined) ?? {}), ...((changes.customFields as IDataObject | undefined) ?? {}) };
	return { ...kept, ...changes, ...(Object.keys(customFields).length > 0 ? { customFields } : {}) };
}

/** One contact to write: the match value and the body Act! receives. */
export interface ContactPayload {
	/** Normalised match value; items that share it are one contact. */
	key: string;
	matchValue: string;
	body: IDataObject;
}

export type MultipleMatchPolicy = 'updateFirst' | 'updateAll' | 'error';

export interface Act365UpsertSettings {
	/** Which Act! database the contacts live in (the credential), for `contactWrites`. */
	scope: string;
	matchField: string;
	multipleMatches: MultipleMatchPolicy;
	batchSize: number;
	timeout: number;
	/** Longest query string the server accepts (IIS refuses longer ones with 404.15). */
	maxQueryLength: number;
}

/** Room kept for `&$skip=` when a look-up needs a second page. */
const SKIP_RESERVE = 16;

/** Act! compares text case-insensitively, so keys are compared that way too. */
export const normaliseMatchValue = (value: unknown) => matchKey(value);

/** OData string literal: a quote inside is written twice. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Act! allows duplicate contacts, so two executions that write the same new contact at once (a
 * form posted twice) would both look it up, find nothing and both create it. Across every
 * execution in this n8n process, batches that share a contact run one after another: the later
 * one's look-up finds the contact the earlier one created, and updates it.
 */
const contactWrites = new KeyQueue();

/** Stops the calls of a batch not yet sent once one call failed for the whole batch. */
class BatchHalted extends Error {}

/**
 * Act! has no upsert and allows duplicates, so each batch looks up its keys (several per call,
 * as an `or` chain that fits the URL), then creates or updates contact by contact. That makes
 * repeating a batch safe: a contact whose create answer was lost is found by the repeated
 * look-up and updated, never created twice.
 */
export class Act365ContactAdapter implements LeadUpsertAdapter<ContactPayload> {
	readonly idempotent = true;

	readonly batchSize: number;

	readonly combineKey: string;

	/** Match key → contact ids, oldest first: found by a look-up or created in this run. */
	private readonly known = new Map<string, string[]>();

	/** Keys whose create may have gone through unanswered: the contact found for them is this run's. */
	private readonly unconfirmedCreates = new Set<string>();

	/** Outcomes already settled, so a repeated batch sends only what is still open. */
	private readonly settled = new WeakMap<ContactPayload, RecordOutcome>();

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly surface: Act365Surface,
		private readonly settings: Act365UpsertSettings,
		private readonly fields: ContactFields,
		private readonly pacing: Act365Pacing,
	) {
		this.batchSize = settings.batchSize;
		this.combineKey = JSON.stringify(['act365', surface.mode, settings]);
	}

	merge(earlier: ContactPayload, later: ContactPayload): ContactPayload {
		const body: IDataObject = { ...earlier.body, ...later.body };
		if (earlier.body.customFields || later.body.customFields) {
			body.customFields = { ...(earlier.body.customFields as IDataObject), ...(later.body.customFields as IDataObject) };
		}
		return { ...later, body };
	}

	async send(batch: ContactPayload[]): Promise<RecordOutcome[]> {
		const { scope, matchField } = this.settings;
		const keys = batch.filter((payload) => !this.settled.has(payload)).map((payload) => `${scope}|${matchField}|${payload.key}`);
		return await contactWrites.run(keys, async () => await this.lookUpAndWrite(batch));
	}

	private async lookUpAndWrite(batch: ContactPayload[]): Promise<RecordOutcome[]> {
		let halt: unknown;
		const options: Act365RequestOptions = {
			timeout: this.settings.timeout,
			pacer: this.pacing.pacer,
			onHeaders: this.pacing.observe,
			beforeSend: () => {
				if (halt !== undefined) throw new BatchHalted();
			},
		};
		const open = () => batch.filter((payload) => !this.settled.has(payload));
		const stop = (error: unknown) => new PartialBatchError(batch.map((payload) => this.settled.get(payload)), error);

		try {
			await this.lookUp(open().filter((payload) => !this.known.has(payload.key)), options);
		} catch (error) {
			throw stop(error);
		}
		await Promise.all(
			open().map(async (payload) => {
				const creating = (this.known.get(payload.key) ?? []).length === 0;
				try {
					this.settled.set(payload, await this.write(payload, options));
				} catch (error) {
					if (error instanceof BatchHalted) return;
					// The create may have gone through with its answer lost: the key is looked up
					// again before any repeat, so the repeat updates instead of creating a second contact.
					if (creating) {
						this.known.delete(payload.key);
						if (classifyCallError(error).mayHaveApplied) this.unconfirmedCreates.add(payload.key);
					}
					if (isRecordRefusal(error)) {
						this.settled.set(payload, { ok: false, failure: describeRecordRefusal(error, this.fields, this.surface.product) });
					} else {
						halt ??= error;
					}
				}
			}),
		);
		if (halt !== undefined) throw stop(halt);
		return batch.map((payload) => this.settled.get(payload)!);
	}

	/** Finds the contacts of every key, in as few calls as the server's query-length limit allows. */
	private async lookUp(payloads: ContactPayload[], options: Act365RequestOptions): Promise<void> {
		const { matchField } = this.settings;
		const values = new Map<string, string>();
		for (const payload of payloads) if (!values.has(payload.key)) values.set(payload.key, payload.matchValue);
		if (values.size === 0) return;

		const tail = `&$select=id,${matchField}&$orderby=created&$top=${PAGE_SIZE}`;
		const room = this.settings.maxQueryLength - '$filter='.length - tail.length - SKIP_RESERVE;
		const separator = encodeQueryValue(' or ').length;
		const chunks: Array<{ keys: string[]; clauses: string[] }> = [];
		let keys: string[] = [];
		let clauses: string[] = [];
		let length = 0;
		for (const [key, value] of values) {
			const clause = encodeQueryValue(`${matchField} eq ${literal(value)}`);
			if (clause.length > room) {
				for (const payload of payloads.filter((candidate) => candidate.key === key)) {
					this.settled.set(payload, {
						ok: false,
						failure: {
							field: matchField,
							message: `The ${matchField} value is too long to look up (${value.length} characters)`,
							description: `Act! cannot search for a value this long; send a shorter ${matchField} or match on another field.`,
						},
					});
				}
				continue;
			}
			if (clauses.length > 0 && length + separator + clause.length > room) {
				chunks.push({ keys, clauses });
				keys = [];
				clauses = [];
				length = 0;
			}
			length += (clauses.length > 0 ? separator : 0) + clause.length;
			keys.push(key);
			clauses.push(clause);
		}
		if (clauses.length > 0) chunks.push({ keys, clauses });
		await Promise.all(chunks.map(async (chunk) => await this.lookUpChunk(chunk.keys, chunk.clauses, tail, options)));
	}

	/**
	 * One `$filter` call (and its pages) for some keys. The query-length cap is IIS's default, not
	 * an Act! figure: a server that refuses the query as too long (IIS: 404.15, or 414) gets it
	 * again in two halves, so a lower cap costs calls, never leads.
	 */
	private async lookUpChunk(keys: string[], clauses: string[], tail: string, options: Act365RequestOptions): Promise<void> {
		const { matchField } = this.settings;
		const found = new Map<string, string[]>();
		try {
			for (let skip = 0; ; skip += PAGE_SIZE) {
				const { body } = await act365ApiRequest<Array<Record<string, unknown>>>(this.ctx, 'GET', this.surface.contactsPath, {
					...options,
					query: `$filter=${clauses.join(encodeQueryValue(' or '))}${tail}${skip ? `&$skip=${skip}` : ''}`,
				});
				const page = Array.isArray(body) ? body : [];
				for (const contact of page) {
					const key = normaliseMatchValue(contact[matchField] ?? '');
					found.set(key, [...(found.get(key) ?? []), String(contact.id)]);
				}
				if (page.length < PAGE_SIZE) break;
			}
		} catch (error) {
			const status = inspectHttpError(error).status;
			if (clauses.length < 2 || (status !== 404 && status !== 414)) throw new NodeApiError(this.ctx.getNode(), error as JsonObject);
			const half = Math.ceil(clauses.length / 2);
			await this.lookUpChunk(keys.slice(0, half), clauses.slice(0, half), tail, options);
			await this.lookUpChunk(keys.slice(half), clauses.slice(half), tail, options);
			return;
		}
		for (const key of keys) this.known.set(key, found.get(key) ?? []);
	}

	/** PATCH (partial); where Act! refuses PATCH, the contact is read and sent back whole with PUT (one call more). */
	private async update(url: string, changes: IDataObject, options: Act365RequestOptions): Promise<void> {
		const scope = this.settings.scope;
		if (!patchRefused.has(scope)) {
			try {
				await act365ApiRequest(this.ctx, 'PATCH', url, { ...options, body: changes });
				return;
			} catch (error) {
				// Already a NodeApiError from the transport: wrapping it again hands the same one back.
				if (inspectHttpError(error).status !== 405) throw new NodeApiError(this.ctx.getNode(), error as JsonObject);
				patchRefused.add(scope);
			}
		}
		const { body: current } = await act365ApiRequest<IDataObject>(this.ctx, 'GET', url, options);
		await act365ApiRequest(this.ctx, 'PUT', url, { ...options, body: fullContact(current, changes) });
	}

	/**
	 * With several n8n workers on the credential (queue mode), another worker may have created the
	 * same new contact at the same moment: the per-process write queue cannot see it. So the key is
	 * looked up again right after the create. Of twins, the oldest stays (both workers pick the same
	 * one, and the later creator always sees the earlier contact): a worker whose contact is not
	 * the oldest deletes it and writes its values to the oldest instead.
	 */
	private async keepOldestOf(payload: ContactPayload, createdId: string, options: Act365RequestOptions): Promise<RecordOutcome> {
		const { matchField } = this.settings;
		const filter = encodeQueryValue(`${matchField} eq ${literal(payload.matchValue)}`);
		const { body } = await act365ApiRequest<Array<Record<string, unknown>>>(this.ctx, 'GET', this.surface.contactsPath, {
			...options,
			query: `$filter=${filter}&$select=id,created&$orderby=created&$top=${PAGE_SIZE}`,
		});
		const twins = (Array.isArray(body) ? body : [])
			.map((contact) => ({ id: String(contact.id), created: String(contact.created ?? '') }))
			.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
		const oldest = twins[0]?.id;
		if (!oldest || oldest === createdId) return { ok: true, action: 'inserted', id: createdId, details: { matchedOn: matchField } };
		const path = this.surface.contactsPath;
		await act365ApiRequest(this.ctx, 'DELETE', `${path}/${encodeURIComponent(createdId)}`, options);
		await act365ApiRequest(this.ctx, 'PATCH', `${path}/${encodeURIComponent(oldest)}`, { ...options, body: payload.body });
		this.known.set(payload.key, [oldest]);
		return { ok: true, action: 'updated', id: oldest, details: { matchedOn: matchField, mergedTwinOf: createdId } };
	}

	private async write(payload: ContactPayload, options: Act365RequestOptions): Promise<RecordOutcome> {
		const { matchField, multipleMatches } = this.settings;
		const ids = this.known.get(payload.key) ?? [];
		const path = this.surface.contactsPath;
		if (ids.length === 0) {
			const created = (await act365ApiRequest<Record<string, unknown>>(this.ctx, 'POST', path, { ...options, body: payload.body })).body;
			if (typeof created?.id !== 'string' || !created.id) {
				this.known.delete(payload.key);
				return { ok: false, failure: { message: `${this.surface.product} created the contact but answered without its id` } };
			}
			this.known.set(payload.key, [created.id]);
			if (this.pacing.pacer.sharedBy > 1) return await this.keepOldestOf(payload, created.id, options);
			return { ok: true, action: 'inserted', id: created.id, details: { matchedOn: matchField } };
		}
		if (ids.length > 1 && multipleMatches === 'error') {
			return {
				ok: false,
				failure: {
					code: 'MULTIPLE_MATCHES',
					field: matchField,
					message: `${ids.length} contacts in ${this.surface.product} have this ${matchField}: ${ids.join(', ')}`,
					description: 'Merge the duplicates in Act!, or set the option "If Several Contacts Match" to update the first (oldest) or all of them.',
				},
			};
		}
		const targets = multipleMatches === 'updateAll' ? ids : ids.slice(0, 1);
		for (const id of targets) await this.update(`${path}/${encodeURIComponent(id)}`, payload.body, options);
		return {
			ok: true,
			// Found after a create whose answer was lost: this run created it (the update re-applies the data).
			action: ids.length === 1 && this.unconfirmedCreates.has(payload.key) ? 'inserted' : 'updated',
			id: ids[0],
			details: {
				matchedOn: matchField,
				...(ids.length > 1 ? { matchedIds: ids, updatedIds: targets } : {}),
			},
		};
	}
}
