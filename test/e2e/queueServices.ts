/**
 * Redis and Postgres for n8n's queue mode, started by the test itself from the Debian packages
 * `redis-server` and `postgresql` (installed with apt-get when missing, as on a fresh CI
 * machine). Each runs in a temporary folder on its own port and is stopped with the test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface QueueServices {
	/** Environment for every n8n process of the set-up (main, workers, CLI). */
	env: NodeJS.ProcessEnv;
	stop(): Promise<void>;
}

function onPath(command: string): string | undefined {
	const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
	return found.status === 0 ? found.stdout.trim() : undefined;
}

/** The Postgres server binaries: on PATH, or where Debian's postgresql package puts them. */
function postgresBin(): string | undefined {
	const onSystemPath = onPath('postgres');
	if (onSystemPath) return path.dirname(onSystemPath);
	const debian = '/usr/lib/postgresql';
	if (!fs.existsSync(debian)) return undefined;
	const versions = fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a));
	return versions.map((version) => path.join(debian, version, 'bin')).find((dir) => fs.existsSync(path.join(dir, 'postgres')));
}

function aptInstall(packages: string[]): void {
	if (packages.length === 0) return;
	const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
	const run = (args: string[]) => {
		const [command, ...rest] = [...asRoot, ...args];
		const result = spawnSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
		if (result.status !== 0) throw new Error(`${args.join(' ')} failed; install ${packages.join(' ')} by hand`);
	};
	run(['apt-get', 'update']);
	run(['apt-get', 'install', '-y', '--no-install-recommends', ...packages]);
}

/** Installs what queue mode needs when it is missing. */
export function ensureQueuePackages(): { redis: string; postgres: string } {
	// As root, Postgres runs as the `postgres` user, which only Debian's package creates.
	const needsPostgresUser = process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0;
	const missing = [...(onPath('redis-server') ? [] : ['redis-server']), ...(postgresBin() && !needsPostgresUser ? [] : ['postgresql'])];
	aptInstall(missing);
	const redis = onPath('redis-server');
	const postgres = postgresBin();
	if (!redis || !postgres) throw new Error('redis-server or postgres is still missing after apt-get install');
	return { redis, postgres };
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`${what} exited during start-up (code ${child.exitCode})`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => socket.end(() => resolve(true)));
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

async function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
	await exited;
	clearTimeout(timer);
}

/** Postgres refuses to run as root: as root, run it as the `postgres` user the package creates. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
	if (process.getuid?.() !== 0) return [command, args];
	return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

export async function startQueueServices(): Promise<QueueServices> {
	const bins = ensureQueuePackages();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-services-'));
	fs.chmodSync(dir, 0o755);
	const children: ChildProcess[] = [];
	const stop = async () => {
		for (const child of children.reverse()) await stopChild(child);
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		const redisPort = await freePort();
		const redis = spawn(bins.redis, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
			stdio: ['ignore', fs.openSync(path.join(dir, 'redis.log'), 'a'), 'inherit'],
		});
		children.push(redis);
		await waitForPort(redisPort, redis, 'redis-server');

		const data = path.join(dir, 'postgres');
		fs.mkdirSync(data);
		if (process.getuid?.() === 0) spawnSync('chown', ['-R', 'postgres:postgres', data]);
		const [initdb, initArgs] = asPostgresUser(path.join(bins.postgres, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
		const init = spawnSync(initdb, initArgs, { encoding: 'utf8' });
		if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
		const pgPort = await freePort();
		const [postgres, pgArgs] = asPostgresUser(path.join(bins.postgres, 'postgres'), [
			'-D', data, '-p', String(pgPort), '-k', data, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=100',
		]);
		const pg = spawn(postgres, pgArgs, { stdio: ['ignore', fs.openSync(path.join(dir, 'postgres.log'), 'a'), fs.openSync(path.join(dir, 'postgres.err'), 'a')] });
		children.push(pg);
		await waitForPort(pgPort, pg, 'postgres');

		return {
			env: {
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(pgPort),
				DB_POSTGRESDB_DATABASE: 'postgres',
				DB_POSTGRESDB_USER: 'postgres',
				DB_POSTGRESDB_PASSWORD: '',
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(redisPort),
			},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
