/**
 * CRM metadata (fields, lists, activity types) kept for a while per credential, so a webhook that
 * runs once per lead does not pay a metadata call per lead; executions that start together while
 * it loads wait for the same request instead of each sending their own.
 */
export class LookupCache<T> {
	private readonly stored = new Map<string, { value: T; at: number }>();

	private readonly loading = new Map<string, Promise<T>>();

	constructor(private readonly lifetimeMs: number) {}

	/** `fresh` (the editor's pickers) skips what is stored and what is loading. */
	async get(key: string, load: () => Promise<T>, fresh = false): Promise<T> {
		if (!fresh) {
			const hit = this.stored.get(key);
			if (hit && Date.now() - hit.at < this.lifetimeMs) return hit.value;
			const pending = this.loading.get(key);
			if (pending) return await pending;
		}
		const pending = load();
		this.loading.set(key, pending);
		try {
			const value = await pending;
			this.stored.set(key, { value, at: Date.now() });
			return value;
		} finally {
			if (this.loading.get(key) === pending) this.loading.delete(key);
		}
	}
}
