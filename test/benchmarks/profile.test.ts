import { join } from 'node:path';

import { profileCpu, splitProfile } from './profile';

const ROOT = join(__dirname, '..', '..');

/** A V8 profile's shape: a call tree, and which tree node each sample was taken in. */
function profileOf(tree: Array<{ id: number; name: string; url: string; children?: number[] }>, samples: Array<[number, number]>) {
	return {
		nodes: tree.map(({ id, name, url, children }) => ({ id, callFrame: { functionName: name, url }, children })),
		samples: samples.map(([id]) => id),
		timeDeltas: samples.map(([, us]) => us),
	};
}

describe('CPU profile split', () => {
	const tree = [
		{ id: 1, name: '(root)', url: '', children: [2, 5, 8, 10, 11, 12, 13] },
		{ id: 2, name: 'runMicrotasks', url: '', children: [3] },
		{ id: 3, name: 'prepare', url: `file://${ROOT}/dist/nodes/ZohoCrmLeadUpsert/actions/upsert.operation.js`, children: [4] },
		{ id: 4, name: 'stringify', url: '' },
		{ id: 5, name: 'transformResponse', url: `file://${ROOT}/node_modules/axios/dist/node/axios.cjs`, children: [6] },
		{ id: 6, name: 'parse', url: '' },
		{ id: 8, name: 'post', url: 'node:inspector', children: [9] },
		{ id: 9, name: 'dispatch', url: '' },
		{ id: 10, name: '(garbage collector)', url: '' },
		{ id: 11, name: '(idle)', url: '' },
		{ id: 12, name: 'processOutput', url: `file://${ROOT}/node_modules/n8n-core/dist/execution-engine/workflow-execute.js` },
		{ id: 13, name: 'execute', url: `file://${ROOT}/test/harness/packageTypes.ts` },
	];

	it("charges a built-in to the code that called it, and leaves idle time and the profiler's own work out", () => {
		const split = splitProfile(
			profileOf(tree, [
				[3, 1000],
				[4, 2000],
				[6, 500],
				[9, 9000],
				[10, 300],
				[11, 5000],
				[12, 700],
				[13, 400],
			]),
		);
		expect(split).toEqual({ package: 3, n8n: 0.7, http: 0.5, gc: 0.3, harness: 0.4, other: 0 });
	});

	it('profiles real work: a busy loop in this file is charged to the benchmark code, not to the package', async () => {
		const { result, split } = await profileCpu(async () => {
			let sum = 0;
			const until = Date.now() + 150;
			while (Date.now() < until) sum += Math.sqrt(sum + 1);
			return sum;
		});
		expect(result).toBeGreaterThan(0);
		expect(split.harness).toBeGreaterThan(50);
		expect(split.package).toBe(0);
	});
});
