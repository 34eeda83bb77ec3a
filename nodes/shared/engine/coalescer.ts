import { sleep } from 'n8n-workflow';

/** One record waiting for a call, from one execution. */
export interface Submission<Item> {
	item: Item;
	/** The execution it belongs to: records of one execution may share a call with their own kind. */
	owner: object;
	/** The record's match key: a key in a call never goes into a second one until that call ends. */
	conflictKey?: string;
	/** Part of an execution with more than a batch of records: its last partial batch need not wait for more. */
	partOfBatch: boolean;
	/**
	 * How long until a call could go out (its quota spent): meanwhile the records wait here to join
	 * it, instead of in the pacer in a call of their own. Omitted: at once.
	 */
	readyInMs?(): number;
	/**
	 * Sends one combined call and settles every record in it; the first record's execution does
	 * the sending. Resolves to whether the CRM wrote any of them.
	 */
	send(items: Item[], waiting: number): Promise<boolean>;
}

export interface LaneSettings {
	batchSize: number;
	concurrency: number;
	/** How long the first record at idle waits for others to join its call. */
	maxWaitMs: number;
	/** How long a record that arrives while the lane is busy (a call in flight or records queued) waits for others. */
	burstWaitMs: number;
}

interface Entry<Item> extends Submission<Item> {
	settings: LaneSettings;
	deadline: number;
	done(): void;
}

/**
 * Group commit for every execution of this n8n process that sends the same kind of call (same
 * credential, module, match fields…): while a call is in flight, records of other executions
 * queue, and the next call takes as many as a batch holds. At idle the first record goes at once
 * (after `maxWaitMs`, 0 by default). A record that arrives while the lane is busy is part of a
 * burst: the call it joins waits until it is full or until the oldest record in it has waited
 * `burstWaitMs`, since more are on their way. So is a record that arrives within `burstWaitMs`
 * of the end of a call that carried several executions' records and wrote some of them, unless
 * a quota paces the lane: in a burst the lane is often idle for a moment between two calls, and
 * a record sent alone then would halve the records a call carries. One execution at a time never
 * shares a call, so it never waits.
 */
class Lane<Item> {
	private readonly queue: Array<Entry<Item>> = [];
	private inFlight = 0;
	/** Match keys of the calls in flight, with how many records hold each. */
	private readonly busyKeys = new Map<string, number>();
	private lingering = false;
	/** Until when a record arriving at an idle lane still counts as part of a burst. */
	private burstUntil = 0;
	private settling = false;

	constructor(private readonly onIdle: () => void) {}

	submit(submissions: Array<Submission<Item>>, settings: LaneSettings): Array<Promise<void>> {
		const now = Date.now();
		const inBurst = !this.idle || now < this.burstUntil;
		const deadline = now + (inBurst ? settings.burstWaitMs : settings.maxWaitMs);
		const settled = submissions.map(
			(submission) => new Promise<void>((done) => this.queue.push({ ...submission, settings, deadline, done })),
		);
		this.pump();
		return settled;
	}

	get idle(): boolean {
		return this.inFlight === 0 && this.queue.length === 0;
	}

	private pump(): void {
		while (this.queue.length > 0) {
			const { settings } = this.queue[0];
			if (this.inFlight >= Math.max(1, settings.concurrency)) return;
			const batch = this.pick(settings.batchSize);
			if (batch.length === 0) return;
			const full = batch.length >= settings.batchSize;
			const { partOfBatch, deadline } = batch[0];
			// A second call in flight only for a full batch: smaller arrivals wait to share the next call.
			if (!full && this.inFlight > 0 && !partOfBatch) return;
			if (!full && !partOfBatch) {
				const waitMs = Math.max(deadline - Date.now(), batch[0].readyInMs?.() ?? 0);
				if (waitMs > 0) {
					this.linger(waitMs);
					return;
				}
			}
			this.start(batch);
		}
	}

	/**
	 * The oldest records that may share a call: a match key already in flight waits (and so does
	 * every later record with it, keeping arrival order); one key comes from one execution per call.
	 */
	private pick(size: number): Array<Entry<Item>> {
		const batch: Array<Entry<Item>> = [];
		const ownerOfKey = new Map<string, object>();
		const blocked = new Set<string>();
		for (const entry of this.queue) {
			if (batch.length >= size) break;
			const key = entry.conflictKey;
			if (key !== undefined) {
				if (blocked.has(key) || this.busyKeys.has(key)) {
					blocked.add(key);
					continue;
				}
				const owner = ownerOfKey.get(key);
				if (owner !== undefined && owner !== entry.owner) {
					blocked.add(key);
					continue;
				}
				ownerOfKey.set(key, entry.owner);
			}
			batch.push(entry);
		}
		return batch;
	}

	private start(batch: Array<Entry<Item>>): void {
		const taken = new Set(batch);
		for (let i = this.queue.length - 1; i >= 0; i--) if (taken.has(this.queue[i])) this.queue.splice(i, 1);
		const keys = batch.map((entry) => entry.conflictKey).filter((key): key is string => key !== undefined);
		for (const key of keys) this.busyKeys.set(key, (this.busyKeys.get(key) ?? 0) + 1);
		this.inFlight++;
		const waiting = this.queue.length;
		void (async () => {
			let written = false;
			try {
				written = await batch[0].send(
					batch.map((entry) => entry.item),
					waiting,
				);
			} catch {
				// The sender settles its records itself; a throw here must not stop the lane.
			} finally {
				this.inFlight--;
				// A lane paced by a quota (readyInMs) gathers records while the quota is spent; with
				// quota to spare, holding a record at an idle lane would only delay it. Nor after a call
				// the CRM refused whole (an outage): the next lead would wait only to fail later.
				if (written && !batch[0].readyInMs && new Set(batch.map((entry) => entry.owner)).size > 1) {
					this.burstUntil = Math.max(this.burstUntil, Date.now() + batch[0].settings.burstWaitMs);
				}
				for (const key of keys) {
					const left = (this.busyKeys.get(key) ?? 1) - 1;
					if (left > 0) this.busyKeys.set(key, left);
					else this.busyKeys.delete(key);
				}
				for (const entry of batch) entry.done();
				this.pump();
				this.settle();
			}
		})();
	}

	private linger(ms: number): void {
		if (this.lingering) return;
		this.lingering = true;
		void sleep(ms).then(() => {
			this.lingering = false;
			this.pump();
			this.settle();
		});
	}

	/** Lets the lane go (onIdle) once it is idle and past the burst it may still be in. */
	private settle(): void {
		if (!this.idle || this.lingering || this.settling) return;
		const burstLeftMs = this.burstUntil - Date.now();
		if (burstLeftMs <= 0) {
			this.onIdle();
			return;
		}
		this.settling = true;
		void sleep(burstLeftMs).then(() => {
			this.settling = false;
			this.settle();
		});
	}
}

// Every execution of the process that sends the same kind of call meets here.
const lanes = new Map<string, Lane<unknown>>();

/**
 * Queues records for calls shared with other executions under `key`; each promise settles once
 * the call that carried its record ended (never rejects: the sender records every outcome).
 */
export function submitToLane<Item>(key: string, submissions: Array<Submission<Item>>, settings: LaneSettings): Array<Promise<void>> {
	let lane = lanes.get(key) as Lane<Item> | undefined;
	if (!lane) {
		const created = new Lane<Item>(() => {
			if (lanes.get(key) === created && created.idle) lanes.delete(key);
		});
		lanes.set(key, created as Lane<unknown>);
		lane = created;
	}
	return lane.submit(submissions, settings);
}
