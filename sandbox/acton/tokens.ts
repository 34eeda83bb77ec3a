import { randomUUID } from 'node:crypto';

/**
 * Act-On OAuth token state. Refresh tokens are single use and die when any new token is issued
 * for the same app + user, which is what breaks two workers refreshing independently.
 */
interface RefreshGrant {
	clientId: string;
	username: string;
	expiresAt: number;
}

export const grantKey = (clientId: string, username: string) => `${clientId}\n${username.toLowerCase()}`;

export class ActOnTokenStore {
	private readonly access = new Map<string, number>();
	private readonly refresh = new Map<string, RefreshGrant>();

	constructor(private readonly clock: () => number) {}

	issue(clientId: string, username: string, accessTtlMs: number, refreshTtlMs: number) {
		const key = grantKey(clientId, username);
		for (const [token, grant] of this.refresh) {
			if (grantKey(grant.clientId, grant.username) === key) this.refresh.delete(token);
		}
		const now = this.clock();
		const accessToken = randomUUID();
		const refreshToken = randomUUID();
		this.access.set(accessToken, now + accessTtlMs);
		this.refresh.set(refreshToken, { clientId, username, expiresAt: now + refreshTtlMs });
		return { accessToken, refreshToken };
	}

	/** Consumes the refresh token; returns its user when it was valid for this client. */
	redeem(refreshToken: string, clientId: string): string | undefined {
		const grant = this.refresh.get(refreshToken);
		if (!grant || grant.clientId !== clientId) return undefined;
		this.refresh.delete(refreshToken);
		return grant.expiresAt > this.clock() ? grant.username : undefined;
	}

	accessValid(token: string): boolean {
		const expiresAt = this.access.get(token);
		return expiresAt !== undefined && expiresAt > this.clock();
	}

	expireAccess(): void {
		this.access.clear();
	}

	revokeRefresh(): void {
		this.refresh.clear();
	}

	clear(): void {
		this.access.clear();
		this.refresh.clear();
	}
}
