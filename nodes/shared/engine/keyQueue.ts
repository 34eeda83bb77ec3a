/**
 * Runs writes one after another when they share a record key; writes on other keys run in
 * parallel. Every key of a run is registered at once, before anything is awaited, so two runs
 * can never wait on each other.
 */
export class KeyQueue {
	private readonly tails = new Map<string, Promise<unknown>>();

	async run<T>(recordKeys: string[], write: () => Promise<T>): Promise<T> {
		const keys = [...new Set(recordKeys)];
		const previous = keys.map((key) => this.tails.get(key)).filter((tail) => tail !== undefined);
		const current = Promise.all(previous).then(write);
		const tail = current.catch(() => undefined);
		for (const key of keys) this.tails.set(key, tail);
		try {
			return await current;
		} finally {
			for (const key of keys) if (this.tails.get(key) === tail) this.tails.delete(key);
		}
	}
}
