import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import {
	ACTON_HOSTS,
	ACTON_SECRET_FIELDS,
	apiBaseUrl,
	DEFAULT_CALLS_PER_SECOND,
	LOGINS_PER_HOUR,
	loginKey,
} from '../nodes/ActOnLeadUpsert/helpers/account';
import { FatalCallError, throwIfAuthServiceDown, TransientCallError } from '../nodes/shared/engine/errors';
import { redactorFor } from '../nodes/shared/engine/redact';
import { shareTokenRequest, stopIfClaimOnly, TOKEN_LIFETIME_FIELDS, type MintedToken } from '../nodes/shared/engine/tokenCache';
import { SHARING_WORKERS_FIELD } from '../nodes/shared/engine/sharedQuota';
import { lowerCaseHeaders } from '../nodes/shared/engine/transport';
import {
	rememberTokenLimit,
	TokenLimitError,
	tokenLimitResetsAt,
	tokenLimitResetTime,
} from '../nodes/shared/engine/tokenLimit';

const HOUR_MS = 3_600_000;
/** A stored token this close to its expiry is refreshed rather than checked. */
const EXPIRY_MARGIN_MS = 60_000;
const CREDENTIALS_PAGE = 'https://developer.act-on.com/provision/';
/** How long a request waits before reading the credential again after its refresh token was refused. */
const REREAD_DELAY_MS = 1000;

/** Per credential, the last refresh token Act-On refused in this process. */
const refusedRefreshTokens = new Map<string, string>();

interface TokenAnswer {
	statusCode: number;
	headers: Record<string, string>;
	body: IDataObject;
}

/**
 * Why a password grant was last refused, per login key, when the refusal did not name the limit:
 * the waiting error repeats it instead of claiming the limit is spent.
 */
const lastLoginRefusal = new Map<string, FatalCallError>();

function limitError(credentials: ICredentialDataDecryptedObject, resetsAt: number, refusal?: FatalCallError): TokenLimitError {
	const minutes = Math.max(1, Math.ceil((resetsAt - Date.now()) / 60_000));
	const at = new Date(resetsAt).toISOString().replace(/\.\d+Z$/, 'Z');
	if (refusal) {
		return new TokenLimitError(
			`${refusal.message}; no new login is tried until ${at} (in about ${minutes} min)`,
			`${refusal.description ?? ''} Act-On counts failed logins toward its ${LOGINS_PER_HOUR} an hour, and it does not document how it refuses a spent limit, so after any refused login this credential waits out the hour rather than risk locking the user out for the next one too.`.trim(),
			resetsAt,
		);
	}
	return new TokenLimitError(
		`Act-On allows ${LOGINS_PER_HOUR} logins per hour for ${String(credentials.username)} and they are spent; the limit resets at ${at} (in about ${minutes} min)`,
		'This credential asks for no new token until then, so the next hour is not spent too. It keeps and refreshes its tokens, so it logs in rarely: if this happens again, another tool or credential is logging in as the same user with the same app. Give this one its own Act-On user, or stop the other.',
		resetsAt,
	);
}

/**
 * Act-On's token-endpoint refusals, in words that say what to fix. No httpCode: n8n would show
 * its generic text for the status instead of these words (in the credential test too).
 */
function tokenError(answer: TokenAnswer, credentials: ICredentialDataDecryptedObject): FatalCallError {
	// The answer's words are masked before they are cut: a token endpoint may echo the login it was sent.
	const redactor = redactorFor(credentials, ACTON_SECRET_FIELDS);
	const code = redactor.clipped(String(answer.body.error ?? answer.body.errorCode ?? answer.statusCode), 80);
	const text = redactor.clipped(String(answer.body.error_description ?? answer.body.message ?? ''), 300);
	if (/PUBLIC_API_FEATURE_NOT_ENABLED/.test(`${code} ${text}`)) {
		return new FatalCallError(
			'API access is not enabled on this Act-On account (PUBLIC_API_FEATURE_NOT_ENABLED)',
			'Ask Act-On support or your account manager to enable the REST API for the account, then test the credential again.',
		);
	}
	// Act-On documents no answer for a spent login limit, so every refusal may be that limit too.
	const orLimit = `If they are right, the cause is likely Act-On's limit of ${LOGINS_PER_HOUR} logins an hour for this user and app, spent by earlier tries or by another tool logging in as ${String(credentials.username)}: then wait for the hour to pass and change nothing.`;
	if (answer.statusCode === 401 || code === 'access_denied') {
		return new FatalCallError(
			`Act-On refused the login (HTTP ${answer.statusCode} ${code}): a wrong Client ID or Client Secret, or the hourly login limit`,
			`Check both against the API credentials Act-On issued for this app (requested at ${CREDENTIALS_PAGE}) and that the API host matches the account. ${orLimit}`,
		);
	}
	if (code === 'invalid_grant') {
		return new FatalCallError(
			`Act-On refused the login of ${String(credentials.username)} (HTTP ${answer.statusCode} invalid_grant): a wrong username or password, or the hourly login limit`,
			`Check the email and password this Act-On user signs in with; after a password change in Act-On, update it here too. ${orLimit}`,
		);
	}
	return new FatalCallError(
		`Act-On refused to issue an access token (HTTP ${answer.statusCode}${code ? ` ${code}` : ''})`,
		`${text ? `${text}. ` : ''}Check the credential's API host, client ID and secret, username and password. ${orLimit}`,
	);
}

function isLimitAnswer(answer: TokenAnswer): boolean {
	const text = `${String(answer.body.error ?? '')} ${String(answer.body.error_description ?? answer.body.message ?? '')}`;
	return answer.statusCode === 429 || /rate.?limit|too many|limit of \d+/i.test(text);
}

export class ActOnLeadUpsertApi implements ICredentialType {
	name = 'actOnLeadUpsertApi';

	displayName = 'Act-On (Lead Upsert) API';

	icon = { light: 'file:icons/actOn.svg', dark: 'file:icons/actOn.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-lead-upsert/n8n-nodes-lead-upsert#act-on';

	properties: INodeProperties[] = [
		{
			displayName: `Act-On allows only ${LOGINS_PER_HOUR} logins (password grants) per hour for each user and app, failed ones included. This credential logs in once, keeps the access and refresh tokens, and refreshes them when they expire, so executions and credential tests reuse one login. If the limit is ever spent, it stops asking until the hour resets.`,
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'API Host',
			name: 'host',
			type: 'options',
			options: [...ACTON_HOSTS, { name: 'Custom Base URL', value: 'custom' }],
			default: ACTON_HOSTS[0].value,
			description: 'The Act-On gateway of your account; EU accounts use api-eu',
		},
		{
			displayName: 'Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.actonsoftware.com',
			description: 'Base URL that serves /token and /api/1/…',
			displayOptions: { show: { host: ['custom'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'marketing@example.com',
			description: 'The email the Act-On user signs in with; it selects the account',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: `From the API credentials Act-On issued for this app (${CREDENTIALS_PAGE})`,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Calls per Second',
			name: 'callsPerSecond',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_CALLS_PER_SECOND,
			description: 'Act-On\'s per-second API limit for the account; every node using this user shares it',
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
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
	];

	/**
	 * n8n runs this when the stored token is empty, after any 401, and on every credential test,
	 * without saying which. Since a login costs one of five per hour, it tries in order: the
	 * stored token (one cheap account call), the refresh token, and only then the password.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const base = apiBaseUrl(credentials);
		const limitKey = loginKey(credentials);
		const tokenKey = `${limitKey}|${String(credentials.password)}|${String(credentials.clientSecret)}`;

		// Secrets go in the form body only, never in a URL where proxies and logs keep them.
		const tokenCall = async (grant: Record<string, string>): Promise<TokenAnswer> => {
			const response = (await this.helpers.httpRequest({
				method: 'POST',
				url: `${base}/token`,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					...grant,
					client_id: String(credentials.clientId ?? ''),
					client_secret: String(credentials.clientSecret ?? ''),
				}).toString(),
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
				json: true,
				timeout: 30_000,
			})) as { statusCode: number; headers: unknown; body: unknown };
			// 429 is left to the login-limit handling below: Act-On answers a spent allowance with it.
			if (response.statusCode >= 500) throwIfAuthServiceDown(response.statusCode, "Act-On's token endpoint");
			const body = response.body && typeof response.body === 'object' ? (response.body as IDataObject) : {};
			return { statusCode: response.statusCode, headers: lowerCaseHeaders(response.headers as Record<string, unknown>), body };
		};

		const minted = (answer: TokenAnswer): MintedToken => {
			const accessToken = String(answer.body.access_token);
			const expiresAt = Date.now() + Number(answer.body.expires_in ?? 3600) * 1000;
			return {
				token: accessToken,
				expiresAt,
				fields: {
					accessToken,
					refreshToken: String(answer.body.refresh_token ?? ''),
					tokenExpiresAt: new Date(expiresAt).toISOString(),
				},
			};
		};

		const storedTokenWorks = async (): Promise<boolean> => {
			const response = (await this.helpers.httpRequest({
				method: 'GET',
				url: `${base}/api/1/account`,
				headers: { Authorization: `Bearer ${String(credentials.accessToken)}` },
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
				json: true,
				timeout: 30_000,
			})) as { statusCode: number };
			return response.statusCode === 200;
		};

		return await shareTokenRequest(tokenKey, credentials, async () => {
			const storedExpiry = Date.parse(String(credentials.tokenExpiresAt ?? ''));
			if (credentials.accessToken && storedExpiry - EXPIRY_MARGIN_MS > Date.now() && (await storedTokenWorks())) {
				const storedIssue = Date.parse(String(credentials.tokenIssuedAt ?? ''));
				return {
					token: String(credentials.accessToken),
					expiresAt: storedExpiry,
					issuedAt: Number.isNaN(storedIssue) ? undefined : storedIssue,
					fields: {
						accessToken: credentials.accessToken,
						refreshToken: credentials.refreshToken ?? '',
						tokenExpiresAt: credentials.tokenExpiresAt ?? '',
					},
				};
			}

			const resetsAt = tokenLimitResetsAt(limitKey);
			if (resetsAt !== undefined) throw limitError(credentials, resetsAt, lastLoginRefusal.get(limitKey));

			// A refresh token refused once before in this process, and still the one stored, is dead.
			const refreshToken = String(credentials.refreshToken ?? '');
			if (refreshToken && refusedRefreshTokens.get(tokenKey) !== refreshToken) {
				// Refresh tokens are single use: the answer carries the next one, stored with it.
				const refreshed = await tokenCall({ grant_type: 'refresh_token', refresh_token: String(credentials.refreshToken) });
				if (refreshed.statusCode === 200 && typeof refreshed.body.access_token === 'string') return minted(refreshed);
				if (refreshed.statusCode === 401) throw tokenError(refreshed, credentials);
				// Refresh tokens are single use. With several n8n processes (queue mode) the usual cause
				// is another worker spending it first and storing the next one in the database: a retry
				// reads the credential again and finds that one. Only when the same refresh token comes
				// back refused (expired, or killed by a login elsewhere) is a password login worth one
				// of the five an hour.
				refusedRefreshTokens.set(tokenKey, refreshToken);
				throw new TransientCallError(
					'Act-On refused the stored refresh token, which another n8n process has probably just used; trying again with the credential as stored now',
					REREAD_DELAY_MS,
				);
			}

			const login = await tokenCall({
				grant_type: 'password',
				username: String(credentials.username ?? '').trim(),
				password: String(credentials.password ?? ''),
			});
			if (login.statusCode === 200 && typeof login.body.access_token === 'string') {
				lastLoginRefusal.delete(limitKey);
				return minted(login);
			}
			// Any refused login, whatever it looks like, may be the spent limit: none again this hour.
			const limited = isLimitAnswer(login);
			const until = limited ? tokenLimitResetTime(login.headers, login.body, HOUR_MS) : Date.now() + HOUR_MS;
			rememberTokenLimit(limitKey, until);
			if (limited) {
				lastLoginRefusal.delete(limitKey);
				throw limitError(credentials, until);
			}
			const refusal = tokenError(login, credentials);
			lastLoginRefusal.set(limitKey, refusal);
			throw refusal;
		});
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		stopIfClaimOnly(credentials);
		return {
			...requestOptions,
			baseURL: requestOptions.baseURL || apiBaseUrl(credentials),
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.accessToken)}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			url: '/api/1/account',
		},
	};
}
