/**
 * `npm run test:e2e:matrix`: the template suite (every shipped template against the sandboxes)
 * on each supported n8n besides the pinned one, which `npm run test:e2e` covers in full. Each
 * runtime is one jest run with N8N_RUNTIME set; the first failure stops the matrix.
 */
import { spawnSync } from 'node:child_process';

import { listRuntimes, REPO_ROOT, runtimeFor } from '../../demo/runtime';

const SUITE = 'test/e2e/templates.e2e.test.ts';

const pinned = runtimeFor('pinned').version;
const versions = (process.argv.slice(2).length > 0 ? process.argv.slice(2).map((choice) => runtimeFor(choice)) : listRuntimes())
	.map((runtime) => runtime.version)
	.filter((version) => version !== pinned);

for (const version of versions) {
	console.log(`\n• n8n ${version}: ${SUITE}`);
	const result = spawnSync('npx', ['jest', '-c', 'jest.e2e.config.js', SUITE], {
		cwd: REPO_ROOT,
		stdio: 'inherit',
		env: { ...process.env, N8N_RUNTIME: version },
	});
	if (result.status !== 0) {
		console.error(`The template suite failed on n8n ${version}.`);
		process.exit(result.status ?? 1);
	}
}
