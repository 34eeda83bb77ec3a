import { randomBytes } from 'node:crypto';

/**
 * Bearer tokens of the Act! Premium Web API (surface B): `GET /authorize` trades a user's Basic
 * credentials plus an `Act-Database-Name` header for a JWT that lasts about an hour (third-party
 * estimate). The token here is JWT-shaped (three base64url parts, `exp` in the payload) so a client
 * may read its expiry, but it is only checked against this table, never cryptographically.
 */
export const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class WebApiTokens {
	private readonly issued = new Map<string, { database: string; expiresAt: number }>();

	issue(user: string, database: string, now = Date.now()): string {
		const expiresAt = now + TOKEN_LIFETIME_MS;
		const token = [
			b64url({ alg: 'HS256', typ: 'JWT' }),
			b64url({ sub: user, db: database, iat: Math.floor(now / 1000), exp: Math.floor(expiresAt / 1000) }),
			randomBytes(32).toString('base64url'),
		].join('.');
		this.issued.set(token, { database, expiresAt });
		return token;
	}

	/** Why the token cannot be used with this database, or undefined when it can. */
	problem(token: string | undefined, database: string | undefined, now = Date.now()): string | undefined {
		const entry = token ? this.issued.get(token) : undefined;
		if (!entry) return 'Authorization has been denied for this request.';
		if (entry.expiresAt <= now) return 'The token has expired.';
		if (!database || database.toLowerCase() !== entry.database.toLowerCase()) return 'The Act-Database-Name header does not match the token.';
		return undefined;
	}

	/** Ages every token past its lifetime, so the next call gets 401 and the client re-authorizes. */
	expireAll(): void {
		for (const entry of this.issued.values()) entry.expiresAt = 0;
	}

	clear(): void {
		this.issued.clear();
	}
}
