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
	/** Sends one combined call and settles every record in it; the first record's execution does the sending. */
	send(items: Item[], waiting: number): Promise<void>;
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
 * `burstWaitMs`, since more are on their way.
 */
class Lane<Item> {
	private readonly queue: Array<Entry<Item>> = [];
	private inFlight = 0;
	/** Match keys of the calls in flight, with how many records hold each. */
	private readonly busyKeys = new Map<string, number>();
	private lingering = false;

	constructor(private readonly onIdle: () => void) {}

	submit(submissions: Array<Submission<Item>>, settings: LaneSettings): Array<Promise<void>> {
		const now = Date.now();
		const deadline = now + (this.idle ? settings.maxWaitMs : settings.burstWaitMs);
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
			try {
				await batch[0].send(
					batch.map((entry) => entry.item),
					waiting,
				);
			} catch {
				// The sender settles its records itself; a throw here must not stop the lane.
			} finally {
				this.inFlight--;
				for (const key of keys) {
					const left = (this.busyKeys.get(key) ?? 1) - 1;
					if (left > 0) this.busyKeys.set(key, left);
					else this.busyKeys.delete(key);
				}
				for (const entry of batch) entry.done();
				this.pump();
				if (this.idle) this.onIdle();
			}
		})();
	}

	private linger(ms: number): void {
		if (this.lingering) return;
		this.lingering = true;
		void sleep(ms).then(() => {
			this.lingering = false;
			this.pump();
			if (this.idle) this.onIdle();
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
