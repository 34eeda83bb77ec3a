/**
 * Keeps secrets out of anything a user, a log or an error output can see. Values are
 * registered per execution (from the credential) and replaced wherever they appear, and
 * well-known secret shapes (bearer tokens, key query parameters) are masked even when unknown.
 */
const MASK = '***';

const SECRET_PATTERNS: RegExp[] = [
	/(Authorization["']?\s*[:=]\s*["']?)(Bearer|Basic|Zoho-oauthtoken)\s+[^\s"',}]+/gi,
	/\b(Bearer|Zoho-oauthtoken)\s+[A-Za-z0-9._~+/=-]{8,}/g,
	/([?&](?:access_?key|secret_?key|client_secret|refresh_token|access_token|password|code)=)[^&\s"']+/gi,
	/("(?:client_secret|refresh_token|access_token|password|secretKey|accessKey|apiKey|developerKey)"\s*:\s*")[^"]*/gi,
];

export class Redactor {
	private readonly secrets: string[] = [];

	constructor(secrets: Array<string | undefined> = []) {
		for (const secret of secrets) this.add(secret);
	}

	add(secret: unknown): void {
		// Short values ("1", "eu") would mask ordinary words; real secrets are longer.
		if (typeof secret === 'string' && secret.length >= 6 && !this.secrets.includes(secret)) {
			this.secrets.push(secret);
			this.secrets.sort((a, b) => b.length - a.length);
		}
	}

	text(value: string): string {
		let out = value;
		for (const secret of this.secrets) out = out.split(secret).join(MASK);
		for (const pattern of SECRET_PATTERNS) {
			out = out.replace(pattern, (_match, prefix: string) =>
				/^(Bearer|Zoho-oauthtoken)$/i.test(prefix) ? `${prefix} ${MASK}` : `${prefix}${MASK}`,
			);
		}
		return out;
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

/** A redactor that masks the named secret fields of the node's credential. */
export async function credentialRedactor(
	ctx: { getCredentials(type: string): Promise<Record<string, unknown>> },
	credentialType: string,
	secretFields: string[],
): Promise<Redactor> {
	const credentials = await ctx.getCredentials(credentialType);
	return new Redactor(secretFields.map((field) => credentials[field] as string | undefined));
}
