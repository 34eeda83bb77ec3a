import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export interface MintedToken {
	/** The fields preAuthentication hands back to n8n to store in the credential. */
	fields: ICredentialDataDecryptedObject;
	token: string;
	expiresAt: number;
}

const inFlight = new Map<string, Promise<MintedToken>>();
const latest = new Map<string, MintedToken>();

/** Margin before expiry under which a sibling's token is not worth reusing. */
const REUSE_MARGIN_MS = 60 * 1000;

/**
 * n8n calls a credential's preAuthentication whenever a request finds the stored token empty
 * or gets a 401, with no lock: parallel items and executions would each mint a token. This
 * makes every caller in the process share one request, and hands a caller that still holds
 * a token a sibling already replaced the newer token instead of minting yet another.
 */
export async function shareTokenRequest(
	key: string,
	presentedToken: unknown,
	mint: () => Promise<MintedToken>,
): Promise<ICredentialDataDecryptedObject> {
	const known = latest.get(key);
	if (known && known.token !== presentedToken && known.expiresAt - REUSE_MARGIN_MS > Date.now()) {
		return known.fields;
	}
	let pending = inFlight.get(key);
	if (!pending) {
		pending = mint()
			.then((minted) => {
				latest.set(key, minted);
				return minted;
			})
			.finally(() => inFlight.delete(key));
		inFlight.set(key, pending);
	}
	return (await pending).fields;
}

/** For tests and for credentials whose secrets changed: forget what this process minted. */
export function forgetTokens(): void {
	latest.clear();
}
