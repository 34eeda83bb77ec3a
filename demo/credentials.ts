/**
 * Credentials the demo imports into n8n, pointing at the local CRM sandboxes instead of the
 * vendors. The fixed ids let the workflows in templates/ reference them by id.
 */
import { LEADSQUARED_DEFAULT_KEYS } from '../sandbox/leadsquared/LeadSquaredSandbox';

export interface DemoCredential {
	id: string;
	name: string;
	/** Credential type name as declared by the package, e.g. 'zohoCrmLeadUpsertApi'. */
	type: string;
	/** Plain values; n8n encrypts them on import. */
	data: Record<string, unknown>;
}

/** Where each sandbox answers, keyed by CRM ('zoho', 'leadsquared', 'acton', 'act365'). */
export type SandboxUrls = Record<string, string>;

/** Ids and names the templates refer to; a user who imports a template picks their own instead. */
export const DEMO_CREDENTIALS = {
	zoho: { id: 'zohoCrmDemoCred1', name: 'Zoho CRM (demo sandbox)', type: 'zohoCrmLeadUpsertApi' },
	leadsquared: { id: 'leadSquaredDemo1', name: 'LeadSquared (demo sandbox)', type: 'leadSquaredLeadUpsertApi' },
	acton: { id: 'actOnDemoCred001', name: 'Act-On (demo sandbox)', type: 'actOnLeadUpsertApi' },
	act365: { id: 'act365DemoCred01', name: 'Act! 365 (demo sandbox)', type: 'act365LeadUpsertApi' },
} as const;

/**
 * The sandboxes' default keys (see each class in sandbox/). The hidden token fields start empty
 * so the first execution fetches a token, as it would after a user fills in a new credential.
 */
export function demoCredentials(sandboxUrls: SandboxUrls): DemoCredential[] {
	const credentials: DemoCredential[] = [];
	if (sandboxUrls.zoho) {
		credentials.push({
			...DEMO_CREDENTIALS.zoho,
			data: {
				dataCenter: 'custom',
				customAccountsUrl: sandboxUrls.zoho,
				clientId: '1000.SANDBOXCLIENTID',
				clientSecret: 'sandbox-client-secret',
				refreshToken: '1000.sandbox.refresh-token',
				accessToken: '',
				apiDomain: '',
			},
		});
	}
	if (sandboxUrls.leadsquared) {
		credentials.push({
			...DEMO_CREDENTIALS.leadsquared,
			data: {
				region: 'custom',
				customBaseUrl: sandboxUrls.leadsquared,
				accessKey: LEADSQUARED_DEFAULT_KEYS.accessKey,
				secretKey: LEADSQUARED_DEFAULT_KEYS.secretKey,
				// The sandbox's plan: 25 calls and 5 bulk calls per 5 seconds.
				callsPerWindow: 25,
				bulkCallsPerWindow: 5,
				rateLimitWindowSeconds: 5,
			},
		});
	}
	if (sandboxUrls.acton) {
		credentials.push({
			...DEMO_CREDENTIALS.acton,
			data: {
				host: 'custom',
				customBaseUrl: sandboxUrls.acton,
				username: 'marketing@example.com',
				password: 'Sandbox-Pass-1',
				clientId: 'sandbox-client-id',
				clientSecret: 'sandbox-client-secret',
				callsPerSecond: 5,
				accessToken: '',
				refreshToken: '',
				tokenExpiresAt: '',
			},
		});
	}
	if (sandboxUrls.act365) {
		credentials.push({
			...DEMO_CREDENTIALS.act365,
			data: {
				authentication: 'apiKeys',
				host: 'custom',
				baseUrl: sandboxUrls.act365,
				apiKey: 'sandbox-api-key',
				developerApiKey: 'sandbox-developer-key',
				rateLimitCalls: 0,
				rateLimitWindowSeconds: 60,
				accessToken: '',
			},
		});
	}
	return credentials;
}
