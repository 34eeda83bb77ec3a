import type { IDataObject } from 'n8n-workflow';

export type UpsertAction = 'inserted' | 'updated';

/** What one item asks the CRM to do, once its input has been validated and shaped. */
export interface PreparedLead<Payload> {
	itemIndex: number;
	/** Normalised dedupe key (e.g. lower-cased e-mail). Items that share it become one write. */
	dedupeKey?: string;
	payload: Payload;
}

/** Per-item failure, in words that name the field and the fix. */
export interface LeadFailure {
	message: string;
	description?: string;
	field?: string;
	/** The CRM's own code (INVALID_DATA, MXDuplicateEntryException…). */
	code?: string;
	httpCode?: string;
}

export type RecordOutcome =
	| { ok: true; action: UpsertAction; id: string; details?: IDataObject }
	| { ok: false; failure: LeadFailure };

/**
 * What a CRM adapter describes; the engine does the rest (dedupe, batching, pacing, retries,
 * per-item results and error routing).
 */
export interface LeadUpsertAdapter<Payload> {
	/** Records per call the API accepts. */
	batchSize: number;
	/**
	 * True when repeating a call cannot create anything twice (an upsert keyed by e-mail).
	 * False makes the engine ask `reconcile` before repeating a call that may have been applied.
	 */
	idempotent: boolean;
	/** Combines two payloads with the same dedupe key; later values win. */
	merge?(earlier: Payload, later: Payload): Payload;
	/** One call for a batch; one outcome per record, in order. Throws for call-level failures. */
	send(batch: Payload[]): Promise<RecordOutcome[]>;
	/**
	 * For non-idempotent calls: after an answer was lost, reports which records the CRM did
	 * apply (an outcome) and which it did not (undefined), so only those are sent again.
	 */
	reconcile?(batch: Payload[]): Promise<Array<RecordOutcome | undefined>>;
}

export interface PacingSettings {
	/** Key shared by every execution that spends the same quota (usually CRM + credential). */
	key: string;
	/** At most `limit` calls in any `windowMs`. */
	limit: number;
	windowMs: number;
	/** Calls in flight at once; omitted keeps the quota's current cap. */
	concurrency?: number;
	/** n8n processes spending the quota at once (queue-mode workers); each keeps to limit ÷ this. */
	sharedBy?: number;
}

export interface RetrySettings {
	/** Repeats after the first try. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}
