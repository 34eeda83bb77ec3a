import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { FatalCallError } from '../../shared/engine/errors';

export const ACTON_CREDENTIAL = 'actOnLeadUpsertApi';

/** Act-On's API gateways; the token and data calls share one host. */
export const ACTON_HOSTS = [
	{ name: 'Default', value: 'https://api.actonsoftware.com', description: 'Host api.actonsoftware.com' },
	{ name: 'EU', value: 'https://api-eu.actonsoftware.com', description: 'Host api-eu.actonsoftware.com, for EU accounts' },
	{ name: 'Legacy', value: 'https://restapi.actonsoftware.com', description: 'Host restapi.actonsoftware.com, in older setups' },
];

/** Act-On's documented limits: 5 data calls per second, 5 password grants per hour. */
export const DEFAULT_CALLS_PER_SECOND = 5;
export const LOGINS_PER_HOUR = 5;
/** Enough calls in flight to reach the per-second limit at Act-On's usual latency. */
export const DEFAULT_PARALLEL_CALLS = 3;

/** Credential fields whose values never appear in an error, output or log. */
export const ACTON_SECRET_FIELDS = ['password', 'clientId', 'clientSecret', 'accessToken', 'refreshToken'];

export function apiBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const host = String(credentials.host ?? ACTON_HOSTS[0].value);
	const url = host === 'custom' ? String(credentials.customBaseUrl ?? '').trim() : host;
	if (!/^https?:\/\//i.test(url)) {
		throw new FatalCallError('The Act-On credential has no API host', 'Choose an API host, or fill in "Base URL" with https://… for a custom one.');
	}
	return url.replace(/\/+$/, '');
}

/**
 * Act-On counts its limits per account user: the per-second limit for the user's account, the
 * logins per app + user. Credentials that share a user share these keys, and so the limits.
 */
export function accountKey(credentials: ICredentialDataDecryptedObject): string {
	return `acton|${apiBaseUrl(credentials)}|${String(credentials.username ?? '').trim().toLowerCase()}`;
}

export function loginKey(credentials: ICredentialDataDecryptedObject): string {
	return `${accountKey(credentials)}|${String(credentials.clientId ?? '')}`;
}

export function callsPerSecond(credentials: ICredentialDataDecryptedObject): number {
	const limit = Number(credentials.callsPerSecond ?? DEFAULT_CALLS_PER_SECOND);
	return Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_CALLS_PER_SECOND;
}
