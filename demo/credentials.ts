/**
 * Credentials the demo imports into n8n, pointing at the local CRM sandboxes instead of the
 * vendors. Each CRM adds its entry here; the fixed ids let the workflows in templates/
 * reference them by id.
 */
export interface DemoCredential {
	id: string;
	name: string;
	/** Credential type name as declared by the package, e.g. 'zohoCrmApi'. */
	type: string;
	/** Plain values; n8n encrypts them on import. */
	data: Record<string, unknown>;
}

/** Where each sandbox answers, keyed by CRM ('zoho', 'leadsquared', 'acton', 'act365'). */
export type SandboxUrls = Record<string, string>;

export function demoCredentials(_sandboxUrls: SandboxUrls): DemoCredential[] {
	return [];
}
