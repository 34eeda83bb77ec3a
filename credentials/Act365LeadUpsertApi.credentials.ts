import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { FatalCallError, throwIfAuthServiceDown } from '../nodes/shared/engine/errors';
import { redactorFor } from '../nodes/shared/engine/redact';
import { shareTokenRequest, stopIfClaimOnly, TOKEN_LIFETIME_FIELDS } from '../nodes/shared/engine/tokenCache';
import { SHARING_WORKERS_FIELD } from '../nodes/shared/engine/sharedQuota';

export const ACT365_DEFAULT_HOST = 'https://mycloud.act.com/act/api';

/** Stored in place of a token in key mode: the key pair was checked once and needs no token. */
export const KEYS_CHECKED = 'api-keys-checked';

/** Web API tokens last about an hour; used when the token's own expiry cannot be read. */
const WEB_API_TOKEN_MS = 55 * 60 * 1000;

export type Act365AuthMode = 'apiKeys' | 'webApi';

export function authMode(credentials: ICredentialDataDecryptedObject): Act365AuthMode {
	return credentials.authentication === 'webApi' ? 'webApi' : 'apiKeys';
}

/** The API root every relative request path hangs off, without a trailing slash. */
export function act365BaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const webApi = authMode(credentials) === 'webApi';
	const choice = String((webApi ? credentials.webApiHost : credentials.host) ?? '');
	const url = choice === 'custom' || choice === '' ? String((webApi ? credentials.webApiUrl : credentials.baseUrl) ?? '') : choice;
	if (!/^https?:\/\//i.test(url.trim())) {
		throw new FatalCallError(
			webApi ? 'The Act! Web API URL is missing or not a URL' : 'The Act! 365 base URL is missing or not a URL',
			webApi
				? 'Fill in "Web API URL" in the credential, e.g. https://myserver.example.com/act.web.api (ask your Act! administrator for the host).'
				: `Choose the Act! 365 host, or fill in "Base URL", e.g. ${ACT365_DEFAULT_HOST}.`,
		);
	}
	return url.trim().replace(/\/+$/, '');
}

function basicHeader(user: unknown, password: unknown): string {
	return `Basic ${Buffer.from(`${String(user ?? '')}:${String(password ?? '')}`).toString('base64')}`;
}

interface ProbeAnswer {
	statusCode: number;
	body: unknown;
}

const messageOf = (body: unknown) =>
	body && typeof body === 'object' ? String((body as Record<string, unknown>).messageDetail ?? (body as Record<string, unknown>).message ?? '') : String(body ?? '');

/** Credential fields whose values never appear in an error, output or log. */
export const ACT365_SECRET_FIELDS = ['apiKey', 'developerApiKey', 'password', 'accessToken'];
/** The pairs the credential sends as `Basic base64(user:password)`. */
export const ACT365_BASIC_PAIRS: Array<[string, string]> = [
	['apiKey', 'developerApiKey'],
	['username', 'password'],
];

/** An answer's words for an error, masked before they are cut: the answer may echo the keys. */
const answerWords = (credentials: ICredentialDataDecryptedObject, body: unknown) =>
	redactorFor(credentials, ACT365_SECRET_FIELDS, ACT365_BASIC_PAIRS).clipped(messageOf(body), 200);

/**
 * What a 401 to the key pair means (no HTTP code on the error: n8n would swap the words for its
 * stock "Authorization failed"). Act! documents no 401 body, so a refusal names both keys; only
 * a `messageDetail` that speaks of the developer key (where Act! sends one) narrows it down.
 */
export function keyRefusal(body: unknown): FatalCallError {
	const detail = body && typeof body === 'object' ? String((body as Record<string, unknown>).messageDetail ?? '') : '';
	if (/developer key/i.test(detail)) {
		return new FatalCallError(
			'Act! 365 accepted the API key but refused the developer key: check "Developer Key"',
			'Sign in to Act! 365, open the developer key page, choose "Give me my developer key now!" and paste that key into the credential\'s "Developer Key".',
		);
	}
	return new FatalCallError(
		'Act! 365 refused the key pair: check "API Key" and "Developer Key"',
		'Act! does not say which key is wrong. In Act! 365 open Profile (bottom left) → Apps & Integrations and copy the API key shown there (generate one if none is shown, or if it was regenerated since); then, signed in, get the developer key with "Give me my developer key now!" and paste both again.',
	);
}

export class Act365LeadUpsertApi implements ICredentialType {
	name = 'act365LeadUpsertApi';

	displayName = 'Act! 365 (Contact Upsert) API';

	icon = { light: 'file:icons/act365.svg', dark: 'file:icons/act365.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-lead-upsert/n8n-nodes-lead-upsert#act-365';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'API Key and Developer Key (Act! 365)',
					value: 'apiKeys',
					description: 'Act! 365 cloud (formerly Act! Essentials), signed in at app.act365.com',
				},
				{
					name: 'User Name and Password (Act! Premium Web API)',
					value: 'webApi',
					description: 'Act! Premium, Premium Cloud or Advantage through the Act! Web API',
				},
			],
			default: 'apiKeys',
			description: 'Act! 365 and Act! Premium are different products: keys of one do nothing on the other',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'options',
			options: [
				{ name: 'Act! 365 (Mycloud.act.com)', value: ACT365_DEFAULT_HOST },
				{ name: 'Custom Base URL', value: 'custom' },
			],
			default: ACT365_DEFAULT_HOST,
			displayOptions: { show: { authentication: ['apiKeys'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: ACT365_DEFAULT_HOST,
			description: 'Root of the Act! 365 API, up to and including /act/api',
			displayOptions: { show: { authentication: ['apiKeys'], host: ['custom'] } },
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'In Act! 365: Profile (bottom left) → Apps & Integrations → API Key',
			displayOptions: { show: { authentication: ['apiKeys'] } },
		},
		{
			displayName: 'Developer Key',
			name: 'developerApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'From Act!\'s developer key page ("Give me my developer key now!"), signed in to Act! 365',
			displayOptions: { show: { authentication: ['apiKeys'] } },
		},
		{
			displayName: 'Web API Host',
			name: 'webApiHost',
			type: 'options',
			options: [
				{ name: 'Act! Premium Cloud, US (Apius.act.com)', value: 'https://apius.act.com/act.web.api' },
				{ name: 'Act! Web API Reference Host (Apimta.act.com)', value: 'https://apimta.act.com/act.web.api' },
				{ name: 'Custom Web API URL', value: 'custom' },
			],
			default: 'custom',
			description: 'Premium Cloud and self-hosted Premium each have their own host; ask your Act! administrator',
			displayOptions: { show: { authentication: ['webApi'] } },
		},
		{
			displayName: 'Web API URL',
			name: 'webApiUrl',
			type: 'string',
			default: '',
			placeholder: 'https://myserver.example.com/act.web.api',
			description: 'Root of the Act! Web API, up to and including /act.web.api (Premium Cloud: https://{server}/{customer}-api/act.web.api)',
			displayOptions: { show: { authentication: ['webApi'], webApiHost: ['custom'] } },
		},
		{
			displayName: 'Database Name',
			name: 'databaseName',
			type: 'string',
			default: '',
			required: true,
			description: 'The Act! database to work in, as shown when signing in to Act!',
			displayOptions: { show: { authentication: ['webApi'] } },
		},
		{
			displayName: 'User Name',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: 'An Act! user with permission to use the Web API',
			displayOptions: { show: { authentication: ['webApi'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['webApi'] } },
		},
		{
			displayName: 'Rate Limit (Calls)',
			name: 'rateLimitCalls',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Most calls the account may make per window; 0 means no limit of your own (Act! publishes none, and a limit Act! announces in X-RateLimit headers is followed anyway)',
		},
		{
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindowSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description: 'Length of the window "Rate Limit (Calls)" counts in',
		},
		SHARING_WORKERS_FIELD,
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		...TOKEN_LIFETIME_FIELDS,
	];

	/**
	 * Web API: trades user, password and database for a token, once per credential (n8n stores it
	 * and runs this again only after a 401). Key mode has no token; it checks the key pair once so
	 * a wrong key is reported by name, here and in the credential test.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const base = act365BaseUrl(credentials);
		if (authMode(credentials) === 'apiKeys') {
			const answer = (await this.helpers.httpRequest({
				method: 'GET',
				url: `${base}/Contacts?$top=1&$select=id`,
				headers: { Authorization: basicHeader(credentials.apiKey, credentials.developerApiKey) },
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
				json: true,
			})) as ProbeAnswer;
			if (answer.statusCode === 401) throw keyRefusal(answer.body);
			throwIfAuthServiceDown(answer.statusCode, 'Act! 365');
			if (answer.statusCode >= 400) {
				throw new FatalCallError(
					`Act! 365 answered HTTP ${answer.statusCode} at ${base}: check "Base URL"`,
					`${answerWords(credentials, answer.body)} The base URL should end in /act/api, e.g. ${ACT365_DEFAULT_HOST}.`.trim(),
				);
			}
			return { accessToken: KEYS_CHECKED };
		}
		const database = String(credentials.databaseName ?? '');
		const key = `act-web-api|${base}|${String(credentials.username).toLowerCase()}|${database.toLowerCase()}|${String(credentials.password)}`;
		return await shareTokenRequest(key, credentials, async () => {
			const answer = (await this.helpers.httpRequest({
				method: 'GET',
				url: `${base}/authorize`,
				headers: { Authorization: basicHeader(credentials.username, credentials.password), 'Act-Database-Name': database },
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
				json: false,
			})) as ProbeAnswer;
			if (answer.statusCode === 401) {
				throw new FatalCallError(
					`Act! refused the user name, password or database name: check "User Name", "Password" and "Database Name" (${database})`,
					'Sign in to Act! with the same user and database to confirm them; the database name is the one chosen at sign-in. The user needs Web API permission.',
				);
			}
			throwIfAuthServiceDown(answer.statusCode, "The Act! Web API's /authorize");
			if (answer.statusCode >= 400) {
				throw new FatalCallError(
					`The Act! Web API answered HTTP ${answer.statusCode} at ${base}/authorize: check "Web API URL"`,
					answerWords(credentials, answer.body) || 'The URL should end in /act.web.api.',
				);
			}
			const token = readToken(answer.body);
			if (!token) throw new FatalCallError('The Act! Web API answered /authorize without a token', 'Check "Web API URL" points at the Act! Web API.');
			return { token, expiresAt: tokenExpiry(token), fields: { accessToken: token } };
		});
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		stopIfClaimOnly(credentials);
		const baseURL = requestOptions.baseURL || act365BaseUrl(credentials);
		if (authMode(credentials) === 'webApi') {
			return {
				...requestOptions,
				baseURL,
				headers: {
					...requestOptions.headers,
					Authorization: `Bearer ${String(credentials.accessToken ?? '')}`,
					'Act-Database-Name': String(credentials.databaseName ?? ''),
				},
			};
		}
		return {
			...requestOptions,
			baseURL,
			headers: { ...requestOptions.headers, Authorization: basicHeader(credentials.apiKey, credentials.developerApiKey) },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			url: '={{$credentials.authentication === "webApi" ? "/api/contacts/myrecord" : "/Contacts?$top=1&$select=id"}}',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'Act! refused the credential: check the API key, then the developer key (or user, password and database)' },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: 'Act! accepted the sign-in but refuses Web API use: the subscription or the user\'s Web API permission is missing' },
			},
		],
	};
}

/** The token comes back as the bare body; accept a JSON-quoted string too. */
function readToken(body: unknown): string | undefined {
	let text = typeof body === 'string' ? body.trim() : '';
	if (!text && body && typeof body === 'object') text = String((body as Record<string, unknown>).token ?? (body as Record<string, unknown>).access_token ?? '');
	if (text.startsWith('"')) {
		try {
			text = String(JSON.parse(text));
		} catch {
			return undefined;
		}
	}
	return text || undefined;
}

function tokenExpiry(token: string): number {
	try {
		const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
		if (typeof payload.exp === 'number') return payload.exp * 1000;
	} catch {
		// Not a readable JWT: fall back to the documented lifetime.
	}
	return Date.now() + WEB_API_TOKEN_MS;
}
