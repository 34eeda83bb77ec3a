import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { submitToLane, type Submission } from './coalescer';
import { describeCredentialProblem } from './credentialErrors';
import { errorItemJson } from './errorItem';
import { classifyFailure, FatalCallError, findCause, inspectHttpError, LeadInputError, PartialBatchError } from './errors';
import type { Pacer } from './pacing';
import { clip, type Redactor } from './redact';
import { classifyCallError, DEFAULT_RETRY, waitBeforeRetry } from './retry';
import type { CombineSettings, LeadFailure, LeadUpsertAdapter, PreparedLead, RecordOutcome, RetrySettings } from './types';

export interface LeadUpsertRun<Payload> {
	adapter: LeadUpsertAdapter<Payload>;
	/** Validates and shapes item `itemIndex`; throws LeadInputError for bad input. */
	prepare(itemIndex: number): PreparedLead<Payload>;
	redactor: Redactor;
	/** Shares Retry-After pauses with every execution on the same quota. */
	pacer?: Pacer;
	/** Batches in flight at once. */
	concurrency?: number;
	retry?: Partial<RetrySettings>;
	/** Added to every success item next to action and id (crm, module…). */
	resultContext?: IDataObject;
	/** Turns a call-level failure into words for the items it hit (vendor error bodies). */
	describeCallError?(error: unknown): LeadFailure;
	/** Sharing calls with other executions; on by default when the adapter gives a combine key. */
	combine?: CombineSettings;
}

interface Group<Payload> {
	payload: Payload;
	members: number[];
	/** Each member's own payload, kept once a second item joins, in case the merged write is refused. */
	memberPayloads?: Payload[];
	outcome?: RecordOutcome;
	/** The outcome is the CRM's answer for this record (not a call that failed for the batch). */
	answered?: boolean;
	/** The call was refused as a whole (not for this record, nor for a passing fault). */
	refusedWithCall?: boolean;
	/** Match key: another execution's record with it waits for the next call. */
	recordKey?: string;
}

/** A group waiting in a lane, with the execution it answers to. */
interface Queued<Payload> {
	group: Group<Payload>;
	run: LeadUpsertRun<Payload>;
	settings: RetrySettings;
}

/**
 * Runs one node execution: every input item ends as exactly one success or one error item,
 * paired with its input, whatever the CRM or the network does.
 */
export async function executeLeadUpsert<Payload>(
	ctx: IExecuteFunctions,
	run: LeadUpsertRun<Payload>,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const failures = new Map<number, LeadFailure>();
	const groups = groupByDedupeKey(items.length, run, failures);
	const settings = { ...DEFAULT_RETRY, ...run.retry };
	const execution = { run, settings, laneKey: laneKeyOf(run) };

	await sendGroups(groups, execution);

	const outcomeOf = new Map<number, { outcome: RecordOutcome; firstMember: number }>();
	for (const group of groups) {
		for (const member of group.members) outcomeOf.set(member, { outcome: group.outcome!, firstMember: group.members[0] });
	}
	for (const single of await sendRefusedMergesItemByItem(groups, execution)) {
		outcomeOf.set(single.members[0], { outcome: single.outcome!, firstMember: single.members[0] });
	}

	const results: ItemResult[] = items.map((_item, i) => {
		const result = outcomeOf.get(i);
		const failure = failures.get(i) ?? (result && !result.outcome.ok ? result.outcome.failure : undefined);
		if (failure || !result?.outcome?.ok) return { failure: failure ?? { message: 'The CRM returned no result for this item' } };
		const { action, id, details } = result.outcome;
		return {
			json: {
				action,
				id,
				...run.resultContext,
				...(details ?? {}),
				...(result.firstMember !== i ? { mergedWithItem: result.firstMember } : {}),
			},
		};
	});
	return [buildOutput(ctx, results, run.redactor)];
}

/**
 * In a burst, how long a lead waits for others to join its call: about one CRM round trip, so a
 * call carries what arrives in that time instead of one or two leads.
 */
export const DEFAULT_BURST_WAIT_MS = 500;

function waitOption(value: unknown, fallback: number): number {
	const ms = Number(value ?? fallback);
	return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** The "Combine With Other Executions", "Max Wait to Combine (Ms)" and "Max Wait in a Burst (Ms)" options of an upsert. */
export function combineOption(options: IDataObject): CombineSettings {
	return {
		enabled: options.combineExecutions !== false,
		maxWaitMs: waitOption(options.combineMaxWaitMs, 0),
		burstWaitMs: waitOption(options.combineBurstWaitMs, DEFAULT_BURST_WAIT_MS),
	};
}

export type ItemResult = { json: IDataObject; failure?: undefined } | { failure: LeadFailure; json?: undefined };

/** Errors buildOutput stopped the node with: already in their final words, never rewrapped. */
const stopErrors = new WeakSet<Error>();

/** Masked first, then cut: a secret cut in half would no longer be recognised. */
function safeFailure(redactor: Redactor, failure: LeadFailure): LeadFailure {
	const masked = redactor.value(failure);
	return {
		...masked,
		message: clip(masked.message),
		...(masked.description ? { description: clip(masked.description) } : {}),
	};
}

/**
 * One output item per input item, in order, each paired with its input and carrying it under
 * `input`. Failures become error items (n8n routes them to the error output when the node is
 * set to), or stop the node with the first one, saying how many items were written.
 */
export function buildOutput(ctx: IExecuteFunctions, results: ItemResult[], redactor: Redactor): INodeExecutionData[] {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	let firstError: NodeApiError | NodeOperationError | undefined;
	let succeeded = 0;
	results.forEach((result, i) => {
		const input = items[i].json;
		if (!result.failure) {
			succeeded++;
			output.push({ json: { ...result.json, input }, pairedItem: { item: i } });
			return;
		}
		const safe = safeFailure(redactor, result.failure);
		firstError ??= toNodeError(ctx, safe, i);
		// Keys n8n recognises as an error, so it routes the item to the error output and keeps
		// the JSON (setting `item.error` would make it replace the JSON with the message alone).
		output.push({
			json: errorItemJson(safe.message, {
				...(safe.description ? { fix: safe.description } : {}),
				...(safe.field ? { field: safe.field } : {}),
				...(safe.code ? { code: safe.code } : {}),
				...(safe.httpCode ? { httpCode: safe.httpCode } : {}),
				// A failure no error classified is the CRM refusing this record in its answer: sent
				// again unchanged, it would be refused again.
				retryLater: safe.retryLater === true,
				reason: safe.reason ?? 'refused',
				itemIndex: i,
				input,
			}),
			pairedItem: { item: i },
		});
	});
	if (firstError && !ctx.continueOnFail()) {
		const failed = results.length - succeeded;
		if (failed > 1 || succeeded > 0) {
			firstError.description = [
				firstError.description,
				`${failed} of ${results.length} items failed; ${succeeded} succeeded. Set the node's "On Error" to "Continue (using error output)" to route failed items instead of stopping.`,
			]
				.filter(Boolean)
				.join(' ');
		}
		stopErrors.add(firstError);
		throw firstError;
	}
	return output;
}

/**
 * When a whole operation fails (a setting that cannot work, a credential that cannot get a
 * token), every item fails with the same words: with "continue on error" each goes to the
 * error output instead of n8n passing the input on as if it had succeeded.
 */
export async function failEveryItem(
	ctx: IExecuteFunctions,
	error: unknown,
	redactor: Redactor,
	describeCallError?: (error: unknown) => LeadFailure,
): Promise<INodeExecutionData[][]> {
	if (error instanceof Error && stopErrors.has(error)) throw error;
	const failure = safeFailure(redactor, toFailure(error, { describeCallError }));
	if (!ctx.continueOnFail()) throw toNodeError(ctx, failure, 0);
	return [buildOutput(ctx, ctx.getInputData().map(() => ({ failure })), redactor)];
}

/**
 * For operations with one call per item (look-ups): runs them in order and reports each item
 * the same way as an upsert.
 */
export async function executePerItem(
	ctx: IExecuteFunctions,
	redactor: Redactor,
	handle: (itemIndex: number) => Promise<IDataObject>,
	describeCallError?: (error: unknown) => LeadFailure,
): Promise<INodeExecutionData[][]> {
	const results: ItemResult[] = [];
	for (let i = 0; i < ctx.getInputData().length; i++) {
		try {
			results.push({ json: await handle(i) });
		} catch (error) {
			results.push({ failure: toFailure(error, { describeCallError }) });
		}
	}
	return [buildOutput(ctx, results, redactor)];
}

interface Execution<Payload> {
	run: LeadUpsertRun<Payload>;
	settings: RetrySettings;
	laneKey: string;
}

let soloLanes = 0;

/** Executions that send the same kind of call meet in one lane; with combining off, each has its own. */
function laneKeyOf(run: LeadUpsertRun<unknown>): string {
	const combineKey = run.adapter.combineKey;
	if (combineKey !== undefined && run.combine?.enabled !== false) return `shared|${combineKey}`;
	return `solo|${++soloLanes}`;
}

/**
 * Sends the groups in calls of up to a batch, `run.concurrency` at a time, sharing the calls
 * with other executions in the same lane; resolves once every group has its outcome.
 */
async function sendGroups<Payload>(groups: Array<Group<Payload>>, execution: Execution<Payload>): Promise<void> {
	if (groups.length === 0) return;
	const { run, settings } = execution;
	const owner = {};
	const partOfBatch = groups.length > run.adapter.batchSize;
	const submissions = groups.map(
		(group): Submission<Queued<Payload>> => ({
			item: { group, run, settings },
			owner,
			conflictKey: group.recordKey,
			partOfBatch,
			readyInMs: run.adapter.readyInMs ? () => run.adapter.readyInMs!() : undefined,
			send: sendCombined,
		}),
	);
	await Promise.all(
		submitToLane(execution.laneKey, submissions, {
			batchSize: run.adapter.batchSize,
			concurrency: run.concurrency ?? 1,
			maxWaitMs: Math.max(0, run.combine?.maxWaitMs ?? 0),
			burstWaitMs: Math.max(0, run.combine?.burstWaitMs ?? 0),
		}),
	);
	for (const group of groups) group.outcome ??= { ok: false, failure: { message: 'The CRM returned no result for this item' } };
}

/**
 * One call for records of one or more executions, through the first one's adapter (they are
 * equivalent by their combine key). When a call carrying several executions' records is refused
 * as a whole, each execution's records are sent again on their own, so one execution's bad
 * record cannot fail another's. Resolves to whether the CRM wrote any record.
 */
async function sendCombined<Payload>(queued: Array<Queued<Payload>>, waiting: number): Promise<boolean> {
	const { run, settings } = queued[0];
	try {
		await sendWithRetries(
			queued.map((entry) => entry.group),
			run,
			settings,
			waiting,
		);
		await resendRefusedPerExecution(queued);
	} catch (error) {
		// A fault of the node itself: every record still open says so, and the lane moves on.
		for (const entry of queued) entry.group.outcome ??= { ok: false, failure: toFailure(error, entry.run) };
	}
	return queued.some((entry) => entry.group.outcome?.ok === true);
}

/** A shared call refused as a whole: each execution's records go again in a call of their own. */
async function resendRefusedPerExecution<Payload>(queued: Array<Queued<Payload>>): Promise<void> {
	const byRun = new Map<LeadUpsertRun<Payload>, Array<Queued<Payload>>>();
	for (const entry of queued) byRun.set(entry.run, [...(byRun.get(entry.run) ?? []), entry]);
	if (byRun.size < 2) return;
	for (const entries of byRun.values()) {
		const refused = entries.filter((entry) => entry.group.refusedWithCall);
		if (refused.length === 0) continue;
		for (const { group } of refused) {
			group.outcome = undefined;
			group.refusedWithCall = undefined;
		}
		await sendWithRetries(
			refused.map((entry) => entry.group),
			refused[0].run,
			refused[0].settings,
			0,
		);
	}
}

/**
 * A merged write that the CRM refused (one item's phone belongs to another record, another's
 * picklist value is unknown) would fail every item in it for one item's fault. Its items are
 * sent again one by one, in input order, so each ends with its own result. Only for idempotent
 * writes: a refused upsert wrote nothing, and sending it again cannot write twice.
 */
async function sendRefusedMergesItemByItem<Payload>(groups: Array<Group<Payload>>, execution: Execution<Payload>): Promise<Array<Group<Payload>>> {
	if (!execution.run.adapter.idempotent) return [];
	const refused = groups.filter((group) => group.memberPayloads && group.answered && group.outcome && !group.outcome.ok);
	const singles: Array<Group<Payload>> = [];
	// Round r sends every refused merge's r-th item, so an item's write never overtakes an earlier one of the same record.
	for (let round = 0; ; round++) {
		const items = refused
			.filter((group) => round < group.members.length)
			.map((group) => ({ payload: group.memberPayloads![round], members: [group.members[round]], recordKey: group.recordKey }));
		if (items.length === 0) return singles;
		await sendGroups(items, execution);
		singles.push(...items);
	}
}

function groupByDedupeKey<Payload>(
	count: number,
	run: LeadUpsertRun<Payload>,
	failures: Map<number, LeadFailure>,
): Array<Group<Payload>> {
	const groups: Array<Group<Payload>> = [];
	const byKey = new Map<string, Group<Payload>>();
	for (let i = 0; i < count; i++) {
		let lead: PreparedLead<Payload>;
		try {
			lead = run.prepare(i);
		} catch (error) {
			failures.set(i, toFailure(error, run));
			continue;
		}
		const existing = lead.dedupeKey !== undefined ? byKey.get(lead.dedupeKey) : undefined;
		if (existing) {
			existing.memberPayloads ??= [existing.payload];
			existing.memberPayloads.push(lead.payload);
			existing.payload = run.adapter.merge ? run.adapter.merge(existing.payload, lead.payload) : lead.payload;
			existing.members.push(i);
			continue;
		}
		const group: Group<Payload> = { payload: lead.payload, members: [i], recordKey: lead.recordKey ?? lead.dedupeKey };
		groups.push(group);
		if (lead.dedupeKey !== undefined) byKey.set(lead.dedupeKey, group);
	}
	return groups;
}

async function sendWithRetries<Payload>(
	batch: Array<Group<Payload>>,
	run: LeadUpsertRun<Payload>,
	settings: RetrySettings,
	waiting: number,
): Promise<void> {
	let pending = batch;
	for (let attempt = 0; pending.length > 0; attempt++) {
		try {
			const outcomes = await run.adapter.send(
				pending.map((group) => group.payload),
				{ waiting },
			);
			pending.forEach((group, index) => {
				group.outcome = outcomes[index] ?? {
					ok: false,
					failure: { message: 'The CRM answered without a result for this record' },
				};
				group.answered = outcomes[index] !== undefined;
			});
			return;
		} catch (thrown) {
			let error = thrown;
			if (thrown instanceof PartialBatchError) {
				// Keep what the batch settled before it stopped; only the rest is retried or failed.
				const unsettled: Array<Group<Payload>> = [];
				pending.forEach((group, index) => {
					const settled = thrown.settled[index];
					if (settled) {
						group.outcome = settled;
						group.answered = true;
					} else unsettled.push(group);
				});
				pending = unsettled;
				error = thrown.cause;
				if (pending.length === 0) return;
			}
			const classification = classifyCallError(error);
			if (!classification.retryable || attempt >= settings.maxRetries) {
				const failure = toFailure(error, run);
				if (classification.retryable) {
					failure.description = `Gave up after ${attempt + 1} tries. ${failure.description ?? ''}`.trim();
				}
				const refused = !classification.retryable && !classification.mayHaveApplied && !describeCredentialProblem(error);
				for (const group of pending) {
					group.outcome = { ok: false, failure };
					group.refusedWithCall = refused;
				}
				return;
			}
			if (classification.mayHaveApplied && !run.adapter.idempotent) {
				pending = await keepUnapplied(pending, run, settings);
				if (pending.length === 0) return;
			}
			await waitBeforeRetry(attempt, classification, settings, run.pacer);
		}
	}
}

/** Asks the CRM which writes of a lost call went through; returns the groups to send again. */
async function keepUnapplied<Payload>(pending: Array<Group<Payload>>, run: LeadUpsertRun<Payload>, settings: RetrySettings) {
	if (!run.adapter.reconcile) return pending;
	for (let attempt = 0; ; attempt++) {
		try {
			const found = await run.adapter.reconcile(pending.map((group) => group.payload));
			const unapplied: Array<Group<Payload>> = [];
			pending.forEach((group, index) => {
				if (found[index]) group.outcome = found[index];
				else unapplied.push(group);
			});
			return unapplied;
		} catch (error) {
			const classification = classifyCallError(error);
			if (!classification.retryable || attempt >= settings.maxRetries) {
				// Sending again without knowing could write twice: report instead of guessing.
				const failure: LeadFailure = {
					message: 'The CRM did not confirm whether this record was written, and checking failed',
					description: `Check the record in the CRM before running this item again. ${toFailure(error, run).message}`,
					retryLater: false,
					reason: 'unconfirmed',
				};
				for (const group of pending) group.outcome = { ok: false, failure };
				return [];
			}
			await waitBeforeRetry(attempt, classification, settings, run.pacer);
		}
	}
}

/** A failure in words, with whether waiting can cure it (see classifyFailure). */
export function withFailureClass(failure: LeadFailure, error: unknown): LeadFailure {
	return { ...failure, ...classifyFailure(error) };
}

function toFailure(error: unknown, run: Pick<LeadUpsertRun<unknown>, 'describeCallError'>): LeadFailure {
	return withFailureClass(describeFailure(error, run), error);
}

function describeFailure(error: unknown, run: Pick<LeadUpsertRun<unknown>, 'describeCallError'>): LeadFailure {
	const credentialProblem = describeCredentialProblem(error);
	if (credentialProblem) return credentialProblem;
	const input = findCause(error, LeadInputError);
	if (input) return input.toFailure();
	const fatal = findCause(error, FatalCallError);
	if (fatal) return { message: fatal.message, description: fatal.description, httpCode: fatal.httpCode };
	// The node's own checks (a setting that cannot work) already say what to change.
	if (error instanceof NodeOperationError) return { message: error.message, description: error.description ?? undefined };
	if (run.describeCallError) return run.describeCallError(error);
	const info = inspectHttpError(error);
	return {
		message: info.status ? `The CRM answered HTTP ${info.status}` : `The CRM could not be reached: ${info.message}`,
		httpCode: info.status ? String(info.status) : undefined,
		description: typeof info.body === 'string' ? info.body : info.body ? JSON.stringify(info.body) : undefined,
	};
}

function toNodeError(ctx: IExecuteFunctions, failure: LeadFailure, itemIndex: number) {
	const options = { itemIndex, description: failure.description, message: failure.message };
	if (failure.httpCode) {
		return new NodeApiError(ctx.getNode(), failure as unknown as JsonObject, { ...options, httpCode: failure.httpCode });
	}
	return new NodeOperationError(ctx.getNode(), failure.message, options);
}
