/**
 * A real n8n for the end-to-end tests: the pinned runtime, this package built and installed as a
 * community package, the CRM sandboxes running in the test process (so tests can read their
 * records and inject faults), the demo credentials and the templates imported and published.
 * Each run uses a fresh n8n home in the system's temp folder, never the demo's `.demo/`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { startSandboxes, type RunningSandboxes } from '../../sandbox';
import { DEMO_CREDENTIALS, demoCredentials, type DemoCredential } from '../../demo/credentials';
import { DEMO_OWNER, ensureRuntime, linkPackage, login, n8nCli, REPO_ROOT, RUNTIME, setupOwner, startN8n, type N8nHandle } from '../../demo/runtime';
import { ensureOutboxTable, outboxRows, pointWorkflowsAtOutbox, updateOutboxRows, type Outbox, type OutboxRow, type RowFilter } from '../../demo/outbox';
import { importTemplates, readTemplates, TEMPLATES_DIR, waitForWebhooks } from '../../demo/templates';
import { startQueueServices, type QueueServices } from './queueServices';

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, any>; credentials?: Record<string, unknown>; webhookId?: string }>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export interface InstanceOptions {
	/** Changes to the shipped templates before import (say, a shorter schedule), in place. */
	changeTemplates?: (templates: Record<string, WorkflowJson>) => void;
	/** Workflows imported next to the templates, derived from them by the test. */
	extraWorkflows?: (templates: Record<string, WorkflowJson>) => WorkflowJson[];
	/** Credentials imported next to the demo ones. */
	extraCredentials?: (urls: RunningSandboxes['urls']) => DemoCredential[];
	/** A `dist/` built from other code (an earlier commit) installed instead of this one's, for comparisons. */
	packageDist?: string;
	/** Changes to the demo credentials' data before import (say, their rate-limit settings). */
	credentialData?: Partial<Record<keyof typeof DEMO_CREDENTIALS, Record<string, unknown>>>;
	/**
	 * n8n's queue mode: a main process taking the webhooks, this many `n8n worker` processes
	 * running the executions, Redis and Postgres (started here, see queueServices.ts).
	 */
	queue?: { workers: number };
}

export interface Instance {
	url: string;
	home: string;
	sandboxes: RunningSandboxes['sandboxes'];
	urls: RunningSandboxes['urls'];
	/** Seconds each start-up step took, for the test log. */
	timings: Record<string, number>;
	/** Log files of the n8n processes (main first, then the queue-mode workers). */
	logFiles: string[];
	post(route: string, body: string | FormData, contentType?: string): Promise<Answer>;
	postJson(route: string, body: unknown): Promise<Answer>;
	/** Session cookie of the owner, for the REST API. */
	cookie(): Promise<string>;
	/** The "Lead outbox" data table's rows (created at start, see demo/outbox.ts). */
	outboxRows(): Promise<OutboxRow[]>;
	/** The runs of a workflow n8n has on record (its executions list), newest first. */
	executions(workflowId: string): Promise<ExecutionRun[]>;
	/** Changes the rows matching every condition, as n8n's Data tables view would; returns how many. */
	updateOutboxRows(where: RowFilter[], data: Partial<OutboxRow>): Promise<number>;
	/** Stops the main n8n process and starts it again on the same home and port (one process only). */
	restart(): Promise<void>;
	stop(): Promise<void>;
}

export interface ExecutionRun {
	id: string;
	status: string;
	startedAt: string;
	/** Absent while the run goes on. */
	stoppedAt?: string | null;
}

export interface Answer {
	status: number;
	text: string;
	json: any;
}

/** A port with the two after it free too: n8n's task broker takes port + 1, CLI commands port + 2. */
async function freePortTriple(): Promise<number> {
	const isFree = (port: number) =>
		new Promise<boolean>((resolve) => {
			const server = net.createServer();
			server.once('error', () => resolve(false));
			server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
		});
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = 20000 + Math.floor(Math.random() * 30000);
		if ((await isFree(port)) && (await isFree(port + 1)) && (await isFree(port + 2))) return port;
	}
	throw new Error('No three consecutive free ports found for n8n');
}

function buildPackage(): void {
	const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

export function loadTemplates(): Record<string, WorkflowJson> {
	return Object.fromEntries(
		readTemplates().map((template) => [template.file, JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, template.file), 'utf8')) as WorkflowJson]),
	);
}

/** A constant in a Set or Code node of a template, set to another value. */
export function setConstant(workflow: WorkflowJson, nodeName: string, constant: string, value: number | string): void {
	const node = workflow.nodes.find((candidate) => candidate.name === nodeName)!;
	// Set nodes hold it in their JSON expression, Code nodes in their code.
	const field = node.parameters.jsonOutput !== undefined ? 'jsonOutput' : 'jsCode';
	const pattern = new RegExp(`const ${constant} = [^;]+;`);
	if (!pattern.test(node.parameters[field])) throw new Error(`${nodeName} has no ${constant}`);
	node.parameters[field] = node.parameters[field].replace(pattern, `const ${constant} = ${value};`);
}

/**
 * The outbox replay every `seconds` instead of every minute, so a queued lead is stored within a
 * test; unless `shippedPauses`, its pauses between tries of a lead are seconds instead of minutes too.
 */
export function replayEvery(replay: WorkflowJson, seconds: number, { shippedPauses = false } = {}): void {
	replay.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger')!.parameters.rule = {
		interval: [{ field: 'seconds', secondsInterval: seconds }],
	};
	if (shippedPauses) return;
	setConstant(replay, 'Reschedule or set aside', 'FIRST_DELAY_SECONDS', 1);
	setConstant(replay, 'Reschedule or set aside', 'MAX_DELAY_MINUTES', 0.05);
}

/**
 * Each "Notify: …" placeholder of a workflow turned into what a user puts there: here an HTTP
 * request posting the node's input to `url`, so a test can count what was notified.
 */
export function notifyTo(workflow: WorkflowJson, url: string): void {
	for (const node of workflow.nodes) {
		if (node.type !== 'n8n-nodes-base.noOp' || !node.name.startsWith('Notify:')) continue;
		Object.assign(node, {
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: { method: 'POST', url, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: {} },
		});
	}
}

async function timed<T>(timings: Record<string, number>, label: string, step: () => T | Promise<T>): Promise<T> {
	const started = Date.now();
	const result = await step();
	timings[label] = Math.round((Date.now() - started) / 100) / 10;
	return result;
}

export async function startInstance(options: InstanceOptions = {}): Promise<Instance> {
	const timings: Record<string, number> = {};
	await timed(timings, 'runtime', () => ensureRuntime());
	await timed(timings, 'build', () => buildPackage());
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-lead-upsert-e2e-'));
	let sandboxes: RunningSandboxes | undefined;
	let services: QueueServices | undefined;
	let n8n: N8nHandle | undefined;
	const workers: N8nHandle[] = [];
	const stop = async () => {
		await Promise.all(workers.map((worker) => worker.stop()));
		await n8n?.stop();
		await services?.stop();
		await sandboxes?.close();
		if (!process.env.E2E_KEEP_HOME) fs.rmSync(home, { recursive: true, force: true });
	};
	try {
		sandboxes = await startSandboxes();
		const running = sandboxes;
		const port = await freePortTriple();
		const installed = linkPackage(home);
		if (options.packageDist) {
			fs.rmSync(path.join(installed, 'dist'), { recursive: true, force: true });
			fs.cpSync(options.packageDist, path.join(installed, 'dist'), { recursive: true });
		}
		if (options.queue) services = await timed(timings, 'redis and postgres', () => startQueueServices());
		// Every process of a queue-mode set-up shares the database, Redis and the encryption key.
		const env: NodeJS.ProcessEnv = services ? { ...services.env, N8N_ENCRYPTION_KEY: `e2e-queue-${path.basename(home)}` } : {};

		const credentials = [...demoCredentials(running.urls), ...(options.extraCredentials?.(running.urls) ?? [])];
		for (const credential of credentials) {
			const key = (Object.keys(DEMO_CREDENTIALS) as Array<keyof typeof DEMO_CREDENTIALS>).find((name) => DEMO_CREDENTIALS[name].id === credential.id);
			if (key && options.credentialData?.[key]) Object.assign(credential.data, options.credentialData[key]);
		}
		const credentialsFile = path.join(home, 'credentials.json');
		fs.writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
		await timed(timings, 'import credentials', () => n8nCli(home, ['import:credentials', `--input=${credentialsFile}`], { port, env }));

		// The shipped templates as they are, plus the test's variants, from one folder.
		const workflowsDir = path.join(home, 'workflows');
		fs.mkdirSync(workflowsDir);
		const templates = loadTemplates();
		options.changeTemplates?.(templates);
		for (const [file, workflow] of Object.entries(templates)) fs.writeFileSync(path.join(workflowsDir, file), JSON.stringify(workflow));
		for (const workflow of options.extraWorkflows?.(templates) ?? []) {
			fs.writeFileSync(path.join(workflowsDir, `e2e-${workflow.id}.json`), JSON.stringify(workflow));
		}
		const imported = await timed(timings, 'import and publish workflows', () => importTemplates(home, workflowsDir, { port, env }));

		n8n = await timed(timings, 'start n8n', () => startN8n({ home, port, env }));
		const url = n8n.url;
		await setupOwner(url, DEMO_OWNER);
		let session: string | undefined;
		const cookie = async () => (session ??= await login(url, DEMO_OWNER));
		const outbox: Outbox = await timed(timings, 'outbox table', async () => {
			const table = await ensureOutboxTable(url, await cookie());
			if (RUNTIME.major < 2) await pointWorkflowsAtOutbox(url, await cookie(), table, imported.flatMap((workflow) => (workflow.id ? [workflow.id] : [])));
			return table;
		});
		for (let index = 0; index < (options.queue?.workers ?? 0); index++) {
			const workerPort = await freePortTriple();
			workers.push(await timed(timings, `start worker ${index + 1}`, () => startN8n({ home, port: workerPort, env, command: 'worker', logName: `worker-${index + 1}.log` })));
		}
		await timed(timings, 'webhooks registered', () => waitForWebhooks(url, imported));

		const post = async (route: string, body: string | FormData, contentType?: string): Promise<Answer> => {
			const response = await fetch(`${url}/${route}`, {
				method: 'POST',
				headers: contentType ? { 'content-type': contentType } : {},
				body,
			});
			const text = await response.text();
			let json: any;
			try {
				json = JSON.parse(text);
			} catch {
				json = undefined;
			}
			return { status: response.status, text, json };
		};
		return {
			url,
			home,
			sandboxes: running.sandboxes,
			urls: running.urls,
			timings,
			logFiles: [n8n.logFile, ...workers.map((worker) => worker.logFile)],
			post,
			postJson: (route, body) => post(route, JSON.stringify(body), 'application/json'),
			cookie,
			outboxRows: async () => outboxRows(url, await cookie(), outbox),
			executions: async (workflowId) => executions(url, await cookie(), workflowId),
			updateOutboxRows: async (where, data) => updateOutboxRows(url, await cookie(), outbox, where, data),
			restart: async () => {
				if (options.queue) throw new Error('restart() runs one n8n process only');
				await n8n?.stop();
				n8n = await startN8n({ home, port, env, logName: `n8n-restarted-${Date.now()}.log` });
				session = undefined;
				await waitForWebhooks(url, imported);
			},
			stop,
		};
	} catch (error) {
		if (n8n) (error as Error).message += `\n(n8n log: ${n8n.logFile})`;
		await stop();
		throw error;
	}
}

async function executions(url: string, cookie: string, workflowId: string): Promise<ExecutionRun[]> {
	const query = new URLSearchParams({ filter: JSON.stringify({ workflowId }), limit: '250' });
	const response = await fetch(`${url}/rest/executions?${query}`, { headers: { cookie } });
	if (!response.ok) throw new Error(`n8n answered ${response.status} to GET /rest/executions: ${await response.text()}`);
	return ((await response.json()) as { data: { results: ExecutionRun[] } }).data.results;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}
