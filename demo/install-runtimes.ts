/**
 * `npm run runtimes -- [version|alias…]`: installs n8n runtimes ahead of their first use (all of
 * them when none is named), one after another. CI starts it beside the unit tests so the
 * end-to-end matrix does not wait for the installs; a test that needs a runtime still being
 * installed waits for that install instead of starting its own.
 */
import { ensureRuntime, listRuntimes, runtimeFor } from './runtime';

async function main(): Promise<void> {
	const choices = process.argv.slice(2);
	// The pinned one first: the full end-to-end suite, which runs first, needs it.
	const pinned = runtimeFor('pinned');
	const runtimes = choices.length > 0 ? choices.map(runtimeFor) : [pinned, ...listRuntimes().filter((runtime) => runtime.dir !== pinned.dir)];
	for (const runtime of runtimes) await ensureRuntime(runtime);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
