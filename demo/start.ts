/**
 * `npm start`: a real n8n with this package installed, wired to the local CRM sandboxes, with
 * the example workflows imported and an owner account ready to sign in. Ctrl-C stops it all.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSandboxes, type RunningSandboxes } from '../sandbox';
import { demoCredentials } from './credentials';
import { ensureOutboxTable, OUTBOX_TABLE } from './outbox';
import { DEMO_HOME, DEMO_OWNER, ensureRuntime, linkPackage, login, n8nCli, REPO_ROOT, setupOwner, startN8n, type N8nHandle } from './runtime';
import { importTemplates, waitForWebhooks } from './templates';

const PORT = Number(process.env.DEMO_N8N_PORT ?? 5678);

function step(label: string): void {
	console.log(`• ${label}`);
}

function buildPackage(): void {
	step('Building the package (npm run build)');
	const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('npm run build failed');
}

async function importCredentials(urls: Record<string, string>): Promise<number> {
	const credentials = demoCredentials(urls);
	if (credentials.length === 0) return 0;
	// Plain secrets of the local sandboxes only; n8n encrypts them in its database.
	const file = path.join(DEMO_HOME, 'credentials.json');
	fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
	await n8nCli(DEMO_HOME, ['import:credentials', `--input=${file}`], { port: PORT });
	return credentials.length;
}

async function main(): Promise<void> {
	const started = Date.now();
	let sandboxes: RunningSandboxes | undefined;
	let n8n: N8nHandle | undefined;
	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandboxes…');
		await n8n?.stop();
		await sandboxes?.close();
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	try {
		await ensureRuntime();
		buildPackage();
		step('Installing the package into n8n');
		linkPackage(DEMO_HOME);
		step('Starting the CRM sandboxes');
		sandboxes = await startSandboxes({ fixedPorts: true });
		step('Importing credentials and example workflows');
		const credentialCount = await importCredentials(sandboxes.urls);
		const templates = await importTemplates(DEMO_HOME);
		step('Starting n8n');
		n8n = await startN8n({ home: DEMO_HOME, port: PORT });
		await setupOwner(n8n.url, DEMO_OWNER);
		step(`Creating the "${OUTBOX_TABLE}" data table`);
		await ensureOutboxTable(n8n.url, await login(n8n.url, DEMO_OWNER));
		await waitForWebhooks(n8n.url, templates);

		console.log(`\nReady in ${((Date.now() - started) / 1000).toFixed(0)} s.\n`);
		console.log(`n8n editor   ${n8n.url}`);
		console.log(`sign in as   ${DEMO_OWNER.email} / ${DEMO_OWNER.password}`);
		console.log(`n8n log      ${path.relative(REPO_ROOT, n8n.logFile)}`);
		console.log(`credentials  ${credentialCount} imported`);
		console.log(`workflows    ${templates.length} imported${templates.length === 0 ? ' (templates/ is empty)' : ''}`);
		for (const template of templates) {
			for (const webhook of template.webhooks) {
				console.log(`  ${template.name}: ${webhook.base === 'form' ? 'open' : webhook.method} ${n8n.url}/${webhook.base}/${webhook.path}`);
			}
		}
		console.log('CRM sandboxes');
		for (const [name, url] of Object.entries(sandboxes.urls)) console.log(`  ${name.padEnd(12)} ${url}`);
		console.log('\nCtrl-C stops everything.');
	} catch (error) {
		console.error(`\n${(error as Error).message}`);
		await shutdown(1);
	}
}

void main();
