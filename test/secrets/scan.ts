/**
 * Looks for any form of a secret in text: raw, URL-encoded, JSON-escaped, or inside base64
 * (a Basic header, a token), whole or in part (a secret cut in half still leaks its half).
 */
const WINDOW = 10;

function windowsOf(secret: string): string[] {
	const windows: string[] = [];
	for (let i = 0; i + WINDOW <= secret.length; i++) windows.push(secret.slice(i, i + WINDOW));
	return windows;
}

function decodedRuns(text: string): string[] {
	const runs = text.match(/[A-Za-z0-9+/_-]{14,}={0,2}/g) ?? [];
	const decoded: string[] = [];
	for (const run of runs) {
		for (let offset = 0; offset < 4; offset++) decoded.push(Buffer.from(run.slice(offset), 'base64').toString('latin1'));
	}
	return decoded;
}

/** Every leak found: which secret, in which form, with the text around it. */
export function findLeaks(text: string, secrets: string[]): string[] {
	const leaks: string[] = [];
	const plain = [text, decodeURIComponentSafe(text), text.replace(/\\"/g, '"')];
	const decoded = decodedRuns(text);
	for (const secret of secrets) {
		for (const window of windowsOf(secret)) {
			const hit = plain.find((candidate) => candidate.includes(window));
			if (hit !== undefined) {
				const at = hit.indexOf(window);
				leaks.push(`${secret} as text: …${hit.slice(Math.max(0, at - 60), at + 60)}…`);
				break;
			}
			if (decoded.some((candidate) => candidate.includes(window))) {
				leaks.push(`${secret} inside base64`);
				break;
			}
		}
	}
	return leaks;
}

function decodeURIComponentSafe(text: string): string {
	return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
		try {
			return decodeURIComponent(run);
		} catch {
			return run;
		}
	});
}

/** JSON of anything, cycles and errors included (execution data holds both). */
export function serialise(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, entry: unknown) => {
		if (entry instanceof Error) {
			return { ...entry, name: entry.name, message: entry.message, stack: entry.stack, description: (entry as { description?: unknown }).description };
		}
		if (typeof entry === 'bigint') return String(entry);
		if (entry && typeof entry === 'object') {
			if (seen.has(entry)) return '[cycle]';
			seen.add(entry);
		}
		return entry;
	});
}

/** Everything written to the console and the process's streams while `run` runs. */
export async function captureLogs<T>(run: () => Promise<T>): Promise<{ result: T; logs: string }> {
	const lines: string[] = [];
	const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
	const spies = methods.map((method) => jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(serialise(args))));
	const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (lines.push(String(chunk)), true));
	const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (lines.push(String(chunk)), true));
	try {
		return { result: await run(), logs: lines.join('\n') };
	} finally {
		for (const spy of [...spies, out, err]) spy.mockRestore();
	}
}
