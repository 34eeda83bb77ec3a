import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export interface SandboxRequest {
	method: string;
	/** Path without the query string. */
	path: string;
	/** The URL exactly as the client sent it (tests check no secret ever appears here). */
	url: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	/** Parsed JSON, form fields (urlencoded or multipart) or undefined. */
	body: unknown;
	rawBody: string;
	/** True when the client declared JSON but sent something that does not parse. */
	bodyMalformed: boolean;
	params: Record<string, string>;
}

export interface SandboxReply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export async function readRequest(message: IncomingMessage): Promise<Omit<SandboxRequest, 'params'>> {
	const chunks: Buffer[] = [];
	for await (const chunk of message) chunks.push(chunk as Buffer);
	const rawBody = Buffer.concat(chunks).toString('utf8');
	const url = message.url ?? '/';
	const parsed = new URL(url, 'http://sandbox.local');
	const contentType = String(message.headers['content-type'] ?? '').toLowerCase();
	let body: unknown;
	let bodyMalformed = false;
	if (rawBody.length > 0) {
		if (contentType.includes('application/x-www-form-urlencoded')) {
			body = Object.fromEntries(new URLSearchParams(rawBody));
		} else if (contentType.includes('multipart/form-data')) {
			body = parseMultipartFields(rawBody, contentType);
		} else {
			try {
				body = JSON.parse(rawBody);
			} catch {
				bodyMalformed = true;
				body = rawBody;
			}
		}
	}
	return {
		method: (message.method ?? 'GET').toUpperCase(),
		path: decodeURIComponent(parsed.pathname),
		url,
		query: parsed.searchParams,
		headers: message.headers,
		body,
		rawBody,
		bodyMalformed,
	};
}

/** Text fields of a multipart body (Zoho's SDK posts token requests this way). */
function parseMultipartFields(raw: string, contentType: string): Record<string, string> {
	const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
	const fields: Record<string, string> = {};
	if (!boundary) return fields;
	for (const part of raw.split(`--${boundary}`)) {
		const name = /name="([^"]+)"/.exec(part)?.[1];
		const split = part.indexOf('\r\n\r\n');
		if (name && split >= 0) fields[name] = part.slice(split + 4).replace(/\r\n$/, '');
	}
	return fields;
}

/** Compiles '/crm/v8/:module/upsert' into a matcher that yields named params. */
export function compilePattern(pattern: string): (path: string) => Record<string, string> | undefined {
	const names: string[] = [];
	const source = pattern
		.split('/')
		.map((segment) => {
			if (segment.startsWith(':')) {
				names.push(segment.slice(1));
				return '([^/]+)';
			}
			return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		})
		.join('/');
	const regex = new RegExp(`^${source}/?$`, 'i');
	return (path) => {
		const match = regex.exec(path);
		if (!match) return undefined;
		return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
	};
}

/** Reads the Basic credentials of a request. */
export function basicAuth(req: Pick<SandboxRequest, 'headers'>): { user: string; password: string } | undefined {
	const header = String(req.headers.authorization ?? '');
	if (!header.toLowerCase().startsWith('basic ')) return undefined;
	const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Form fields from the body, falling back to the query string (vendors accept both). */
export function formField(req: SandboxRequest, name: string): string | undefined {
	const body = req.body as Record<string, unknown> | undefined;
	const fromBody = body && typeof body === 'object' ? body[name] : undefined;
	if (typeof fromBody === 'string') return fromBody;
	return req.query.get(name) ?? undefined;
}
