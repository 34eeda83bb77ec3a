import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { FatalCallError, throwIfAuthServiceDown } from '../nodes/shared/engine/errors';
import { shareTokenRequest, stopIfClaimOnly, TOKEN_LIFETIME_FIELDS } from '../nodes/shared/engine/tokenCache';
import { rememberTokenLimit, TokenLimitError, tokenLimitResetsAt } from '../nodes/shared/engine/tokenLimit';

/** Zoho blocks a refresh token for the rest of a 10-minute window once 10 tokens were minted in it. */
const MINT_WINDOW_MS = 10 * 60 * 1000;

/** Accounts host and API domain of every Zoho data centre. */
export const ZOHO_DATA_CENTERS: Record<string, { name: string; accounts: string; api: string }> = {
	us: { name: 'United States (.com)', accounts: 'https://accounts.zoho.com', api: 'https://www.zohoapis.com' },
	eu: { name: 'Europe (.eu)', accounts: 'https://accounts.zoho.eu', api: 'https://www.zohoapis.eu' },
	in: { name: 'India (.in)', accounts: 'https://accounts.zoho.in', api: 'https://www.zohoapis.in' },
	au: { name: 'Australia (.com.au)', accounts: 'https://accounts.zoho.com.au', api: 'https://www.zohoapis.com.au' },
	cn: { name: 'China (.com.cn)', accounts: 'https://accounts.zoho.com.cn', api: 'https://www.zohoapis.com.cn' },
	jp: { name: 'Japan (.jp)', accounts: 'https://accounts.zoho.jp', api: 'https://www.zohoapis.jp' },
	ca: { name: 'Canada (zohocloud.ca)', accounts: 'https://accounts.zohocloud.ca', api: 'https://www.zohoapis.ca' },
	sa: { name: 'Saudi Arabia (.sa)', accounts: 'https://accounts.zoho.sa', api: 'https://www.zohoapis.sa' },
	uk: { name: 'United Kingdom (.uk)', accounts: 'https://accounts.zoho.uk', api: 'https://www.zohoapis.uk' },
};

function accountsUrl(credentials: ICredentialDataDecryptedObject): string {
	const dataCenter = String(credentials.dataCenter ?? 'us');
	const url = dataCenter === 'custom' ? String(credentials.customAccountsUrl ?? '') : ZOHO_DATA_CENTERS[dataCenter]?.accounts;
	if (!url) throw new FatalCallError('Zoho CRM credential has no accounts URL', 'Choose a data centre, or fill in "Accounts URL" for a custom one.');
	return url.replace(/\/+$/, '');
}

function throttled(resetsAt: number): TokenLimitError {
	const at = new Date(resetsAt).toISOString().replace(/\.\d+Z$/, 'Z');
	return new TokenLimitError(
		`Zoho CRM refused to issue an access token: Access Denied (10 tokens per refresh token in 10 minutes are spent); this credential asks again after ${at}`,
		'Nothing asks Zoho for a token before then, so the block is not extended. This credential reuses its token across executions, so if this happens again another tool is refreshing the same refresh token: give that tool its own refresh token.',
		resetsAt,
	);
}

function tokenError(body: Record<string, unknown>, credentials: ICredentialDataDecryptedObject): FatalCallError {
	const accounts = accountsUrl(credentials);
	const console = accounts.replace('//accounts.', '//api-console.');
	const code = String(body.error ?? 'no access_token in the answer');
	const fixes: Record<string, string> = {
		invalid_code: `Zoho says the refresh token is revoked, expired or from another data centre (invalid_code). In ${console} open your Self Client, generate a new grant code with scope ZohoCRM.modules.ALL,ZohoCRM.settings.fields.READ,ZohoCRM.users.READ, exchange it for a refresh token, and paste it into this credential.`,
		invalid_client: `Zoho does not know this client ID at ${accounts} (invalid_client). Check the data centre matches the one your Zoho account lives in, and copy the client ID again from ${console}.`,
		invalid_client_secret: `Zoho rejected the client secret (invalid_client_secret). Copy it again from the Self Client's "Client Secret" tab in ${console}.`,
	};
	return new FatalCallError(`Zoho CRM refused to issue an access token: ${code}`, fixes[code] ?? `Check the credential's client ID, client secret, refresh token and data centre (${accounts}).`);
}

export class ZohoCrmLeadUpsertApi implements ICredentialType {
	name = 'zohoCrmLeadUpsertApi';

	displayName = 'Zoho CRM (Lead Upsert) API';

	icon = { light: 'file:icons/zohoCrm.svg', dark: 'file:icons/zohoCrm.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-lead-upsert/n8n-nodes-lead-upsert#zoho-crm';

	properties: INodeProperties[] = [
		{
			displayName:
				'Uses a Zoho "Self Client" refresh token. The access token is fetched once and reused by every execution until shortly before it expires, so the 10-tokens-per-10-minutes limit is never reached.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Data Centre',
			name: 'dataCenter',
			type: 'options',
			options: [
				...Object.entries(ZOHO_DATA_CENTERS).map(([value, dc]) => ({ name: dc.name, value })),
				{ name: 'Custom Accounts URL', value: 'custom' },
			],
			default: 'us',
			description: 'Where your Zoho account lives: the domain you sign in at (zoho.com, zoho.eu, …)',
		},
		{
			displayName: 'Accounts URL',
			name: 'customAccountsUrl',
			type: 'string',
			default: '',
			placeholder: 'https://accounts.zoho.com',
			description: 'Base URL of the Zoho accounts server that issues tokens; the API domain comes from its answer',
			displayOptions: { show: { dataCenter: ['custom'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
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
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'From exchanging a Self Client grant code; see the package README for the three steps',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		...TOKEN_LIFETIME_FIELDS,
		{
			displayName: 'API Domain',
			name: 'apiDomain',
			type: 'hidden',
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const accounts = accountsUrl(credentials);
		// Every secret is part of the key: a credential with a mistyped secret must ask Zoho itself
		// (and hear that the secret is wrong), not borrow a token another credential minted.
		const key = `zoho|${accounts}|${String(credentials.clientId)}|${String(credentials.clientSecret)}|${String(credentials.refreshToken)}`;
		return await shareTokenRequest(key, credentials, async () => {
			const blockedUntil = tokenLimitResetsAt(key);
			if (blockedUntil !== undefined) throw throttled(blockedUntil);
			// Secrets go in the form body, never in the URL where proxies and logs keep them.
			const response = (await this.helpers.httpRequest({
				method: 'POST',
				url: `${accounts}/oauth/v2/token`,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'refresh_token',
					client_id: String(credentials.clientId ?? ''),
					client_secret: String(credentials.clientSecret ?? ''),
					refresh_token: String(credentials.refreshToken ?? ''),
				}).toString(),
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
				json: true,
			})) as { statusCode: number; body: Record<string, unknown> | undefined };
			throwIfAuthServiceDown(response.statusCode, "Zoho's token endpoint");
			const body = response.body;
			// Zoho reports most failures with HTTP 200: only an access_token means success.
			if (body?.error === 'Access Denied') {
				rememberTokenLimit(key, Date.now() + MINT_WINDOW_MS);
				throw throttled(Date.now() + MINT_WINDOW_MS);
			}
			if (typeof body?.access_token !== 'string') throw tokenError(body ?? {}, credentials);
			const expiresIn = typeof body.expires_in_sec === 'number' ? body.expires_in_sec : Number(body.expires_in ?? 3600);
			const apiDomain = String(body.api_domain ?? ZOHO_DATA_CENTERS[String(credentials.dataCenter)]?.api ?? '');
			return {
				token: body.access_token,
				expiresAt: Date.now() + expiresIn * 1000,
				fields: { accessToken: body.access_token, apiDomain },
			};
		});
	}

	/** The API host is the `api_domain` Zoho returned with the token, so requests follow the account's data centre. */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		stopIfClaimOnly(credentials);
		const dataCenter = ZOHO_DATA_CENTERS[String(credentials.dataCenter)];
		return {
			...requestOptions,
			baseURL: requestOptions.baseURL || String(credentials.apiDomain || dataCenter?.api || ''),
			headers: { ...requestOptions.headers, Authorization: `Zoho-oauthtoken ${String(credentials.accessToken)}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			url: '/crm/v8/users',
			qs: { type: 'CurrentUser' },
		},
	};
}
