import type { IDataObject } from 'n8n-workflow';

/**
 * `upserted`: the CRM wrote the record but its documented answer does not say whether it was
 * created or updated (LeadSquared's lead upserts, Act-On's upsert by e-mail).
 */
export type UpsertAction = 'inserted' | 'updated' | 'upserted';

/** What one item asks the CRM to do, once its input has been validated and shaped. */
export interface PreparedLead<Payload> {
	itemIndex: number;
	/** Normalised dedupe key (e.g. lower-cased e-mail). Items that share it become one write. */
	dedupeKey?: string;
	/**
	 * The record the item writes, when it differs from `dedupeKey` (an activity on a lead): items
	 * of two executions with the same record key never share a call. Defaults to `dedupeKey`.
	 */
	recordKey?: string;
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
	/** Whether sending the same lead again later can succeed with nothing changed (see errors.ts classifyFailure). */
	retryLater?: boolean;
	/** Why it failed, in one stable word. */
	reason?: FailureReason;
}

/**
 * Retry later: `rate-limit` (429, quota or plan limit), `crm-unavailable` (5xx), `timeout` (no
 * answer in time, a dropped connection), `connection` (the CRM could not be reached),
 * `token-limit` (the token endpoint's allowance is spent until a known time).
 * Needs attention: `invalid-lead` (a value the node refuses), `refused` (the CRM refused the lead
 * or the call: a field, a value, a permission), `setup` (credential or node settings),
 * `unconfirmed` (the CRM may have stored it; check before sending it again).
 */
export type FailureReason =
	| 'rate-limit'
	| 'crm-unavailable'
	| 'timeout'
	| 'connection'
	| 'token-limit'
	| 'invalid-lead'
	| 'refused'
	| 'setup'
	| 'unconfirmed';

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
	/**
	 * Everything that shapes a call besides its records (credential, module, match fields,
	 * automations, options…): executions whose adapters give the same key may share calls, sent
	 * by either one's adapter. Undefined keeps this execution's calls to itself.
	 */
	combineKey?: string;
	/**
	 * How long until the next call could go out (its rate limit spent); records of other
	 * executions gather meanwhile to share it. Omitted: at once.
	 */
	readyInMs?(): number;
	/** Combines two payloads with the same dedupe key; later values win. */
	merge?(earlier: Payload, later: Payload): Payload;
	/**
	 * One call for a batch; one outcome per record, in order. Throws for call-level failures.
	 * `waiting` counts the records queued behind this batch (e.g. to choose a bulk API).
	 */
	send(batch: Payload[], context?: SendContext): Promise<RecordOutcome[]>;
	/**
	 * For non-idempotent calls: after an answer was lost, reports which records the CRM did
	 * apply (an outcome) and which it did not (undefined), so only those are sent again.
	 */
	reconcile?(batch: Payload[]): Promise<Array<RecordOutcome | undefined>>;
}

export interface SendContext {
	/** Records queued for calls like this one after this batch, from every execution. */
	waiting: number;
}

/** Whether an upsert shares its calls with other executions of the same kind (the "Combine" options). */
export interface CombineSettings {
	enabled: boolean;
	/** How long a record sent at idle waits for others to join its call. */
	maxWaitMs: number;
	/** How long a record that arrives while calls of its kind are in flight or queued waits for others to join its call. */
	burstWaitMs: number;
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
