/**
 * Keeps secrets out of anything a user, a log or an error output can see. Values are
 * registered per execution (from the credential) and replaced wherever they appear, in the
 * forms a request carries them (raw, URL-encoded, base64 as in a Basic header), and well-known
 * secret shapes (bearer and Basic authorization values, key query parameters) are masked even
 * when unknown. Text is always masked before it is cut: a cut secret no longer matches.
 */
const MASK = '***';

/** Longest error message and fix kept in an error item, cut only after masking. */
export const MAX_ERROR_TEXT = 600;

const SECRET_PATTERNS: RegExp[] = [
	/(Authorization["']?\s*[:=]\s*["']?)(Bearer|Basic|Zoho-oauthtoken)\s+[^\s"',}]+/gi,
	/\b(Bearer|Zoho-oauthtoken)\s+[A-Za-z0-9._~+/=-]{8,}/g,
	// Basic credentials are base64 and hold at least a digit, "+", "/" or "=": "Basic information" stays.
	/\b(Basic)\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{12,}={0,2}/g,
	/([?&](?:access_?key|secret_?key|client_secret|refresh_token|access_token|password|code|api_?key|developer_?key)=)[^&\s"']+/gi,
	/("(?:client_secret|refresh_token|access_token|password|secretKey|accessKey|apiKey|developerKey|developerApiKey)"\s*:\s*")[^"]*/gi,
];

function maskShapes(text: string): string {
	let out = text;
	for (const pattern of SECRET_PATTERNS) {
		out = out.replace(pattern, (_match, prefix: string) => (/^(Bearer|Zoho-oauthtoken|Basic)$/i.test(prefix) ? `${prefix} ${MASK}` : `${prefix}${MASK}`));
	}
	return out;
}

/**
 * The part of base64 text that only the secret's bytes decide, for each of the three ways the
 * secret can line up inside a longer encoded value (`user:secret` in a Basic header, say).
 */
function base64Cores(secret: string): string[] {
	const bytes = Buffer.from(secret, 'utf8');
	const cores: string[] = [];
	for (let offset = 0; offset < 3; offset++) {
		const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
		const start = Math.ceil((offset * 8) / 6);
		const end = Math.floor(((offset + bytes.length) * 8) / 6);
		const core = encoded.slice(start, end);
		if (core.length >= 8) cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
	}
	return cores;
}

/** Cuts text to `max` characters; call it only on text that is already masked. */
export function clip(text: string, max = MAX_ERROR_TEXT): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export class Redactor {
	private readonly secrets: string[] = [];

	constructor(secrets: Array<string | undefined> = []) {
		for (const secret of secrets) this.add(secret);
	}

	/** Registers a secret in every form a request or an echoing answer may carry it. */
	add(secret: unknown): void {
		// Short values ("1", "eu") would mask ordinary words; real secrets are longer.
		if (typeof secret !== 'string' || secret.length < 6) return;
		const forms = [secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+'), JSON.stringify(secret).slice(1, -1), ...base64Cores(secret)];
		for (const form of forms) {
			if (form.length >= 6 && !this.secrets.includes(form)) this.secrets.push(form);
		}
		this.secrets.sort((a, b) => b.length - a.length);
	}

	/** Registers the Basic authorization value built from a user and a password (or two keys). */
	addBasic(user: unknown, password: unknown): void {
		if (typeof user !== 'string' || typeof password !== 'string' || !user || !password) return;
		this.add(Buffer.from(`${user}:${password}`).toString('base64'));
	}

	text(value: string): string {
		// Shapes first: a token fetched during the run is not registered, and masking a registered
		// secret inside it (a JWT carries the user name) would break the shape that finds it.
		let out = maskShapes(value);
		for (const secret of this.secrets) out = out.split(secret).join(MASK);
		return maskShapes(out);
	}

	/** Masks, then cuts to `max` characters: never the other way round. */
	clipped(value: string, max = MAX_ERROR_TEXT): string {
		return clip(this.text(value), max);
	}

	/** Deep copy with every string redacted. */
	value<T>(value: T): T {
		if (typeof value === 'string') return this.text(value) as T;
		if (Array.isArray(value)) return value.map((entry) => this.value(entry)) as T;
		if (value && typeof value === 'object') {
			const copy: Record<string, unknown> = {};
			for (const [key, entry] of Object.entries(value)) copy[key] = this.value(entry);
			return copy as T;
		}
		return value;
	}
}

/** A redactor for credential values already at hand (inside a credential's own code). */
export function redactorFor(
	credentials: Record<string, unknown>,
	secretFields: string[],
	basicPairs: Array<[string, string]> = [],
): Redactor {
	const redactor = new Redactor(secretFields.map((field) => credentials[field] as string | undefined));
	for (const [user, password] of basicPairs) redactor.addBasic(credentials[user], credentials[password]);
	return redactor;
}

/**
 * A redactor that masks the named secret fields of the node's credential (keys, passwords and
 * every token it stores) and the Basic values built from the named pairs.
 */
export async function credentialRedactor(
	ctx: { getCredentials(type: string): Promise<Record<string, unknown>> },
	credentialType: string,
	secretFields: string[],
	basicPairs: Array<[string, string]> = [],
): Promise<Redactor> {
	return redactorFor(await ctx.getCredentials(credentialType), secretFields, basicPairs);
}
