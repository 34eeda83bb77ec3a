import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { pruneToContract, type AnswerContract } from './contract';
import { FaultInjector, type Fault, type FaultRule } from './faults';
import { compilePattern, readRequest, type SandboxReply, type SandboxRequest } from './http';

export interface Route {
	method: string;
	/** '/crm/v8/:module/upsert' style; matched case-insensitively. */
	pattern: string;
	/** Name the call is counted under, e.g. 'upsert' or 'token'. */
	endpoint: string;
	handler: (req: SandboxRequest) => SandboxReply | Promise<SandboxReply>;
	/** The answer fields the vendor documents (CONTRACT.md); strict mode answers only these. */
	contract?: AnswerContract;
}

export interface SandboxOptions {
	/** Added before every answer, to model a vendor's network and processing time. */
	latencyMs?: number;
	/** Seed of the random fault generator. */
	seed?: number;
	/** Answer only the fields each route's contract lists, so a client cannot lean on any other. */
	strictContract?: boolean;
}

export interface RequestLogEntry {
	method: string;
	url: string;
	endpoint: string;
	status: number | 'fault';
	headerNames: string[];
}

/** Named side effects a test or the admin API can fire ("expireTokens", "revokeRefreshToken"…). */
export type SandboxActions = Record<string, () => void>;

/**
 * Base of every CRM emulator: routing, latency, fault injection, per-endpoint call counters,
 * a request log, and an admin API under /__sandbox for processes that do not share memory
 * with the emulator (the demo, the real n8n end-to-end tests).
 */
export abstract class Sandbox {
	abstract readonly name: string;
	latencyMs: number;
	/** See SandboxOptions.strictContract; also settable with POST /__sandbox/config. */
	strictContract: boolean;
	readonly faults: FaultInjector;
	/** Calls per endpoint, including refused and faulted ones. */
	calls: Record<string, number> = {};
	/** Refusals the emulator made on its own (rate limit, concurrency, auth), by reason. */
	refusals: Record<string, number> = {};
	log: RequestLogEntry[] = [];
	/** Keep at most this many log entries (benchmarks send tens of thousands of calls). */
	logLimit = 20000;

	private server?: Server;
	private readonly sockets = new Set<Socket>();
	private compiled?: Array<Route & { match: ReturnType<typeof compilePattern> }>;

	constructor(options: SandboxOptions = {}) {
		this.latencyMs = options.latencyMs ?? 0;
		this.strictContract = options.strictContract ?? false;
		this.faults = new FaultInjector(options.seed ?? 1);
	}

	protected abstract routes(): Route[];
	/** The vendor's body for an injected status fault (429, 500…). */
	protected abstract faultBody(status: number): unknown;
	/** The vendor's answer to a path it does not know. */
	protected notFound(_req: SandboxRequest): SandboxReply {
		return { status: 404, body: { message: 'Not Found' } };
	}
	/** Runs before the route's handler (auth, rate limits); a reply short-circuits the call. */
	protected before(_req: SandboxRequest, _route: Route): SandboxReply | undefined {
		return undefined;
	}
	/** Runs once the answer (or fault) is decided, e.g. to release a concurrency slot. */
	protected after(_req: SandboxRequest, _route: Route): void {}
	/** Clears records, tokens and limit counters. */
	protected abstract resetState(): void;
	/** Records as stored, for tests and the admin API. */
	abstract dump(): unknown;
	/** Side effects that faults and the admin API can trigger by name. */
	actions(): SandboxActions {
		return {};
	}
	/** Every route's documented answer fields, for the contract tests. */
	routeContracts(): Array<Pick<Route, 'method' | 'pattern' | 'endpoint' | 'contract'>> {
		return this.routes().map(({ method, pattern, endpoint, contract }) => ({ method, pattern, endpoint, contract }));
	}
	/** Applies settings such as rate limits from the admin API or a test. */
	configure(_settings: Record<string, unknown>): void {}

	get baseUrl(): string {
		const address = this.server?.address() as AddressInfo | null;
		if (!address) throw new Error(`${this.name} sandbox is not listening`);
		return `http://127.0.0.1:${address.port}`;
	}

	async listen(port = 0, host = '127.0.0.1'): Promise<string> {
		this.server = createServer((req, res) => {
			void this.serve(req, res);
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, host, resolve);
		});
		return this.baseUrl;
	}

	async close(): Promise<void> {
		if (!this.server) return;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	/** Forget records, counters, faults and tokens. */
	reset(): void {
		this.resetState();
		this.resetCounters();
		this.faults.clear();
	}

	resetCounters(): void {
		this.calls = {};
		this.refusals = {};
		this.log = [];
	}

	countOf(endpoint: string): number {
		return this.calls[endpoint] ?? 0;
	}

	totalCalls(): number {
		return Object.values(this.calls).reduce((sum, n) => sum + n, 0);
	}

	injectFault(rule: FaultRule): void {
		this.faults.arm(rule);
	}

	protected refuse(reason: string): void {
		this.refusals[reason] = (this.refusals[reason] ?? 0) + 1;
	}

	private route(method: string, path: string) {
		this.compiled ??= this.routes().map((route) => ({ ...route, match: compilePattern(route.pattern) }));
		for (const route of this.compiled) {
			if (route.method !== method) continue;
			const params = route.match(path);
			if (params) return { route, params };
		}
		return undefined;
	}

	private async serve(message: import('node:http').IncomingMessage, res: ServerResponse): Promise<void> {
		const partial = await readRequest(message);
		if (partial.path.startsWith('/__sandbox')) {
			this.send(res, await this.admin({ ...partial, params: {} }));
			return;
		}
		const found = this.route(partial.method, partial.path);
		const req: SandboxRequest = { ...partial, params: found?.params ?? {} };
		if (!found) {
			this.record(req, 'unknown', 404);
			this.send(res, this.notFound(req));
			return;
		}
		const { route } = found;
		this.calls[route.endpoint] = (this.calls[route.endpoint] ?? 0) + 1;
		const fault = this.faults.pick(route.endpoint);
		try {
			if (fault && (await this.applyFault(fault, req, route, res))) return;
			const answer = this.before(req, route) ?? (await route.handler(req));
			const reply = this.strictContract && route.contract ? { ...answer, body: pruneToContract(answer.body, route.contract) } : answer;
			await this.delay();
			this.record(req, route.endpoint, reply.status);
			this.send(res, reply);
		} catch (error) {
			this.record(req, route.endpoint, 500);
			this.send(res, { status: 500, body: { message: `sandbox error: ${(error as Error).message}` } });
		} finally {
			this.after(req, route);
		}
	}

	/** Returns true when the fault consumed the call. */
	private async applyFault(fault: Fault, req: SandboxRequest, route: Route, res: ServerResponse): Promise<boolean> {
		switch (fault.kind) {
			case 'action':
				fault.run();
				return false;
			case 'status': {
				await this.delay();
				this.record(req, route.endpoint, fault.status);
				this.send(res, {
					status: fault.status,
					body: fault.body ?? this.faultBody(fault.status),
					headers: fault.headers,
				});
				return true;
			}
			case 'echo': {
				await this.delay();
				this.record(req, route.endpoint, fault.status);
				this.send(res, { status: fault.status, body: echoInto(this.faultBody(fault.status), echoOf(req, fault.pad ?? 0)) });
				return true;
			}
			case 'timeout':
				this.record(req, route.endpoint, 'fault');
				// Hold the socket; the client's timeout (or close()) ends it.
				return true;
			case 'reset':
				this.record(req, route.endpoint, 'fault');
				res.socket?.destroy();
				return true;
			case 'lostResponse': {
				// The vendor applied the write; only the answer is lost on the way back.
				if (!this.before(req, route)) await route.handler(req);
				this.record(req, route.endpoint, 'fault');
				res.socket?.destroy();
				return true;
			}
		}
	}

	private async delay(): Promise<void> {
		if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
	}

	private record(req: SandboxRequest, endpoint: string, status: number | 'fault'): void {
		if (this.log.length >= this.logLimit) this.log.shift();
		this.log.push({ method: req.method, url: req.url, endpoint, status, headerNames: Object.keys(req.headers) });
	}

	private send(res: ServerResponse, reply: SandboxReply): void {
		if (res.destroyed || res.headersSent) return;
		const headers: Record<string, string> = { ...(reply.headers ?? {}) };
		let payload = '';
		if (reply.body !== undefined) {
			payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
			headers['content-type'] ??= typeof reply.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
		}
		res.writeHead(reply.status, headers);
		res.end(payload);
	}

	/** GET stats | GET state | POST reset | POST faults {rule} | POST config {settings} | POST action/:name */
	private async admin(req: SandboxRequest): Promise<SandboxReply> {
		const command = req.path.replace(/^\/__sandbox\/?/, '');
		const body = (req.body ?? {}) as Record<string, unknown>;
		if (req.method === 'GET' && command === 'stats') {
			return {
				status: 200,
				body: {
					name: this.name,
					calls: this.calls,
					total: this.totalCalls(),
					refusals: this.refusals,
					faultsFired: this.faults.firedByKind,
					latencyMs: this.latencyMs,
				},
			};
		}
		if (req.method === 'GET' && command === 'state') return { status: 200, body: this.dump() };
		if (req.method === 'GET' && command === 'log') return { status: 200, body: this.log };
		if (req.method === 'POST' && command === 'reset') {
			this.reset();
			return { status: 200, body: { ok: true } };
		}
		if (req.method === 'POST' && command === 'faults') {
			const { action, fault, ...rule } = body as unknown as { action?: string; fault?: Fault } & FaultRule;
			const named = action ? this.actions()[action] : undefined;
			if (action && !named) return { status: 400, body: { message: `unknown action ${action}` } };
			this.injectFault({ ...rule, fault: named ? { kind: 'action', run: named } : (fault as Fault) });
			return { status: 200, body: { ok: true } };
		}
		if (req.method === 'POST' && command === 'faults/clear') {
			this.faults.clear();
			return { status: 200, body: { ok: true } };
		}
		if (req.method === 'POST' && command === 'config') {
			if (typeof body.latencyMs === 'number') this.latencyMs = body.latencyMs;
			if (typeof body.strictContract === 'boolean') this.strictContract = body.strictContract;
			this.configure(body);
			return { status: 200, body: { ok: true } };
		}
		if (req.method === 'POST' && command.startsWith('action/')) {
			const run = this.actions()[command.slice('action/'.length)];
			if (!run) return { status: 404, body: { message: 'unknown action' } };
			run();
			return { status: 200, body: { ok: true } };
		}
		return { status: 404, body: { message: 'unknown sandbox command' } };
	}
}

/** The request as an echoing server would print it. */
function echoOf(req: SandboxRequest, pad: number): string {
	const values = Object.values(req.headers).flat().join(' | ');
	return `${'.'.repeat(pad)} Request: ${req.method} ${req.url} Header values: ${values} Headers: ${JSON.stringify(req.headers)} Body: ${req.rawBody}`;
}

/** The vendor's error body with the echo appended to every text in it (or the echo alone). */
function echoInto(body: unknown, echo: string): unknown {
	if (typeof body === 'string') return `${body}${echo}`;
	if (Array.isArray(body)) return body.map((entry) => echoInto(entry, echo));
	if (body && typeof body === 'object') {
		return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value === 'string' || typeof value === 'object' ? echoInto(value, echo) : value]));
	}
	return echo;
}
