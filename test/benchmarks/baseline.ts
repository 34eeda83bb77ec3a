/**
 * The hand-built flows the node replaces, in plain `fetch`: what an HTTP Request chain (or the
 * seeds' scriptlets) sends, with none of the node's token sharing, batching or pacing.
 */

export interface Answer {
	status: number;
	body: any;
	/** Set when the connection failed before an answer came. */
	networkError?: string;
}

export interface RetryOnFail {
	/** Attempts in all, first one included. */
	tries: number;
	waitMs: number;
}

/** n8n's node setting "Retry On Fail" at its defaults: 3 tries, 1 second apart, on any failure. */
export const N8N_RETRY_ON_FAIL: RetryOnFail = { tries: 3, waitMs: 1000 };
/** The seeds' scriptlets send once; a failed lead waits for someone to re-run it by hand. */
export const NO_RETRY: RetryOnFail = { tries: 1, waitMs: 0 };

export interface Request {
	method: string;
	url: string;
	headers?: Record<string, string>;
	json?: unknown;
	form?: Record<string, string>;
}

async function send(request: Request): Promise<Answer> {
	const headers: Record<string, string> = { ...request.headers };
	let body: string | undefined;
	if (request.json !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(request.json);
	} else if (request.form) {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		body = new URLSearchParams(request.form).toString();
	}
	try {
		const response = await fetch(request.url, { method: request.method, headers, body });
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// Not JSON: keep the text.
		}
		return { status: response.status, body: parsed };
	} catch (error) {
		return { status: 0, body: undefined, networkError: (error as Error).message };
	}
}

/**
 * Sends a request the way an HTTP Request node does: an answer of 400 or more (or no answer)
 * fails the node, and "Retry On Fail" sends it again after a fixed wait. A refusal hidden in
 * an HTTP 200 body passes as a success, exactly as it would in such a flow.
 */
export async function request(req: Request, retry: RetryOnFail): Promise<Answer> {
	let answer: Answer = { status: 0, body: undefined };
	for (let attempt = 1; attempt <= retry.tries; attempt++) {
		answer = await send(req);
		if (answer.status >= 200 && answer.status < 400) return answer;
		if (attempt < retry.tries) await new Promise((resolve) => setTimeout(resolve, retry.waitMs));
	}
	return answer;
}

/** Words for a failed answer, to report why a lead was lost. */
export function describeAnswer(answer: Answer): string {
	if (answer.networkError) return `no answer: ${answer.networkError}`;
	const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
	return `HTTP ${answer.status} ${String(body ?? '').slice(0, 120)}`;
}

/** Runs the leads one after another, like back-to-back webhook executions, and tallies them. */
export async function eachLead(
	count: number,
	send: (index: number) => Promise<{ ok: true } | { ok: false; reason: string }>,
): Promise<{ written: number; failed: number; failureSamples: string[] }> {
	let written = 0;
	let failed = 0;
	const reasons = new Set<string>();
	for (let i = 0; i < count; i++) {
		const result = await send(i);
		if (result.ok) {
			written++;
		} else {
			failed++;
			if (reasons.size < 4) reasons.add(result.reason);
		}
	}
	return { written, failed, failureSamples: [...reasons] };
}

type Sent = { ok: true } | { ok: false; reason: string };
type Granted = { token: string } | { reason: string };

/** The two hand-built flows for CRMs with tokens, given how to get a token and how to write one lead. */
export function tokenFlows<Lead>(
	leadsFor: (count: number) => Lead[],
	getToken: (url: string, retry: RetryOnFail) => Promise<Granted>,
	write: (url: string, token: string, lead: Lead, retry: RetryOnFail) => Promise<Sent>,
) {
	return {
		/** As the seeds do: every submission asks for a token, then writes its lead; nothing retries. */
		seedStyle: async (job: { url: string; leads: number }) => {
			const input = leadsFor(job.leads);
			return await eachLead(job.leads, async (i) => {
				const granted = await getToken(job.url, NO_RETRY);
				if ('reason' in granted) return { ok: false, reason: granted.reason };
				return await write(job.url, granted.token, input[i], NO_RETRY);
			});
		},
		/** One token for the run, then one write per lead with n8n's Retry On Fail, no batching or pacing. */
		perLead: async (job: { url: string; leads: number }) => {
			const input = leadsFor(job.leads);
			const granted = await getToken(job.url, N8N_RETRY_ON_FAIL);
			if ('reason' in granted) return { written: 0, failed: job.leads, failureSamples: [granted.reason] };
			return await eachLead(job.leads, (i) => write(job.url, granted.token, input[i], N8N_RETRY_ON_FAIL));
		},
	};
}
