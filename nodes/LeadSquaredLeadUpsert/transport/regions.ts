import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * LeadSquared API hosts by region, keyed by the host's first label. An account answers only on
 * the host of the region it was created in (shown under My Account › Settings › API and Webhooks).
 */
export const LEADSQUARED_REGIONS: Record<string, string> = {
	api: 'Singapore (api.leadsquared.com)',
	'api-us11': 'United States (api-us11.leadsquared.com)',
	'api-in21': 'India, Mumbai (api-in21.leadsquared.com)',
	'api-in22': 'India, Hyderabad (api-in22.leadsquared.com)',
	'api-ir31': 'Ireland (api-ir31.leadsquared.com)',
	'api-ca12': 'Canada (api-ca12.leadsquared.com)',
	'api-me61': 'Middle East (api-me61.leadsquared.com)',
};

export const CUSTOM_REGION = 'custom';

/** The base URL calls go to: the region's host, or the custom one (a proxy, a new region). */
export function leadSquaredBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'api');
	if (region === CUSTOM_REGION) return String(credentials.customBaseUrl ?? '').trim().replace(/\/+$/, '');
	return `https://${region}.leadsquared.com`;
}

/** "api-in21.leadsquared.com" → "India, Mumbai (api-in21.leadsquared.com)". */
export function describeHost(host: string): string {
	const prefix = host.replace(/^https?:\/\//, '').split('.')[0].toLowerCase();
	return LEADSQUARED_REGIONS[prefix] ?? host;
}

/** The region label for the credential's current setting, for error messages. */
export function describeConfiguredRegion(credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'api');
	return region === CUSTOM_REGION ? `the custom base URL ${leadSquaredBaseUrl(credentials)}` : (LEADSQUARED_REGIONS[region] ?? region);
}

/** Whether the credential already points at `host` ("api-in21.leadsquared.com"), by region or custom URL. */
export function pointsAtHost(credentials: ICredentialDataDecryptedObject, host: string): boolean {
	const prefix = host.split('.')[0].toLowerCase();
	const region = String(credentials.region ?? 'api');
	if (region !== CUSTOM_REGION) return region === prefix;
	const base = leadSquaredBaseUrl(credentials).toLowerCase();
	const [, authority = '', ...path] = base.replace(/^https?:\/\//, '/').split('/');
	return authority.split('.')[0] === prefix || authority === host.toLowerCase() || path.includes(prefix);
}
