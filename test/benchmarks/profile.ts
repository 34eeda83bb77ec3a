/**
 * Where a run's CPU time goes, from V8's sampling profiler: each sample is charged to the code
 * it was taken in (its own time, not its callers'), grouped into the parts below. The profiler
 * slows what it watches, so the parts are shares of the sampled time, to be scaled by a CPU
 * figure measured without it.
 */
import { Session } from 'node:inspector';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export const CPU_PARTS = ['package', 'n8n', 'http', 'gc', 'harness', 'other'] as const;
export type CpuPart = (typeof CPU_PARTS)[number];

export const CPU_PART_LABELS: Record<CpuPart, string> = {
	package: "the package's own code",
	n8n: 'n8n-core and n8n-workflow',
	http: 'HTTP stack and Node runtime (axios, sockets, streams, timers, JSON)',
	gc: 'garbage collection',
	harness: 'benchmark input (the Test Input node)',
	other: 'other',
};

/** A split with every part at zero, to add samples to. */
export function emptySplit(): Record<CpuPart, number> {
	return Object.fromEntries(CPU_PARTS.map((part) => [part, 0])) as Record<CpuPart, number>;
}

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string };
	children?: number[];
}

interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

const packageCode = `${join(ROOT, 'dist')}/`;
const harnessCode = `${join(ROOT, 'test')}/`;
const n8nCode = ['/node_modules/n8n-core/', '/node_modules/n8n-workflow/', '/node_modules/@n8n/'];
const httpCode = ['/node_modules/axios/', '/node_modules/follow-redirects/', '/node_modules/proxy-from-env/', '/node_modules/form-data/'];

/** The part a frame's own code belongs to; undefined for a built-in, which has no URL. */
function partOfCode(frame: ProfileNode['callFrame']): CpuPart | 'idle' | undefined {
	if (frame.functionName === '(idle)') return 'idle';
	if (frame.functionName === '(garbage collector)') return 'gc';
	// V8's own work outside any script (compiling, the event loop).
	if (frame.functionName === '(program)' || frame.functionName === '(root)') return 'http';
	const { url } = frame;
	if (url === '') return undefined;
	// A CommonJS module's URL is file:///path, or the bare path when a test runner loaded it.
	const path = url.replace(/^file:\/\//, '');
	if (path.startsWith(packageCode)) return 'package';
	if (path.startsWith(harnessCode)) return 'harness';
	if (n8nCode.some((part) => url.includes(part))) return 'n8n';
	if (url.startsWith('node:') || httpCode.some((part) => url.includes(part))) return 'http';
	return 'other';
}

/**
 * Sampled milliseconds per part; idle time is left out. A built-in (JSON.stringify, a string
 * method, a socket write) is charged to the script code that called it, so the package pays
 * for the built-ins it uses and the HTTP stack for its own.
 */
export function splitProfile(profile: Profile): Record<CpuPart, number> {
	const parentOf = new Map<number, ProfileNode>();
	const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
	for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
	const ancestors = function* (node: ProfileNode) {
		for (let current: ProfileNode | undefined = node; current; current = parentOf.get(current.id)) yield current;
	};
	const resolve = (node: ProfileNode): CpuPart | 'idle' => {
		// The profiler handing over its profile is not the run's work.
		if ([...ancestors(node)].some((frame) => frame.callFrame.url === 'node:inspector')) return 'idle';
		for (const frame of ancestors(node)) {
			const part = partOfCode(frame.callFrame);
			if (part) return part;
		}
		return 'http';
	};
	const byNode = new Map([...nodeById.values()].map((node) => [node.id, resolve(node)]));
	const split = emptySplit();
	profile.samples.forEach((id, i) => {
		const part = byNode.get(id);
		if (part && part !== 'idle') split[part] += (profile.timeDeltas[i] ?? 0) / 1000;
	});
	return split;
}

/** Runs `work` under the sampling profiler and returns its result with the sampled split. */
export async function profileCpu<T>(work: () => Promise<T>): Promise<{ result: T; split: Record<CpuPart, number> }> {
	const session = new Session();
	session.connect();
	const post = <R>(method: string, params?: object) =>
		new Promise<R>((resolve, reject) => session.post(method, params ?? {}, (error, answer) => (error ? reject(error) : resolve(answer as R))));
	try {
		await post('Profiler.enable');
		await post('Profiler.setSamplingInterval', { interval: 200 });
		await post('Profiler.start');
		const result = await work();
		const { profile } = await post<{ profile: Profile }>('Profiler.stop');
		return { result, split: splitProfile(profile) };
	} finally {
		session.disconnect();
	}
}
