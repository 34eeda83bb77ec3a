import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { CUSTOM_REGION, LEADSQUARED_REGIONS, leadSquaredBaseUrl } from '../nodes/LeadSquaredLeadUpsert/transport/regions';
import { SHARING_WORKERS_FIELD } from '../nodes/shared/engine/sharedQuota';

export class LeadSquaredLeadUpsertApi implements ICredentialType {
	name = 'leadSquaredLeadUpsertApi';

	displayName = 'LeadSquared (Lead Upsert) API';

	icon = { light: 'file:icons/leadSquared.svg', dark: 'file:icons/leadSquared.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-lead-upsert/n8n-nodes-lead-upsert#leadsquared';

	properties: INodeProperties[] = [
		{
			displayName:
				'Find the keys and the API host in LeadSquared under My Account › Settings › API and Webhooks. The keys travel as x-LSQ headers, never in URLs.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				...Object.entries(LEADSQUARED_REGIONS).map(([value, name]) => ({ name, value })),
				{ name: 'Custom Base URL', value: CUSTOM_REGION },
			],
			default: 'api',
			description: 'The API host your account lives on: calls to another region\'s host are refused with 401',
		},
		{
			displayName: 'Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api-xx00.leadsquared.com',
			description: 'The API host shown in LeadSquared, without /v2',
			displayOptions: { show: { region: [CUSTOM_REGION] } },
		},
		// Half of the key pair that grants the user's API access: kept masked like the secret.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Access Key',
			name: 'accessKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'API Calls per Window',
			name: 'callsPerWindow',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description:
				'Your plan\'s limit for ordinary API calls; the node paces itself to it so LeadSquared never has to refuse. It is the N in LeadSquared\'s refusal "API calls exceeded the limit of N in 5 second(s)" (e.g. Lite 2, Pro 5–10, Super 10–20, Enterprise 25).',
		},
		{
			displayName: 'Bulk API Calls per Window',
			name: 'bulkCallsPerWindow',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1,
			description: 'Your plan\'s separate limit for bulk calls (25 leads each): 1 on many plans, 5 on Pro and 10 on Super in newer plans',
		},
		{
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindowSeconds',
			type: 'number',
			typeOptions: { minValue: 0.1, numberPrecision: 1 },
			default: 5,
			description: 'The window both limits are counted in; LeadSquared uses 5 seconds',
		},
		SHARING_WORKERS_FIELD,
	];

	/** Keys go in LeadSquared's x-LSQ headers, so they never land in proxy or n8n logs the way URLs do. */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			baseURL: requestOptions.baseURL || leadSquaredBaseUrl(credentials),
			headers: {
				...requestOptions.headers,
				'x-LSQ-AccessKey': String(credentials.accessKey ?? ''),
				'x-LSQ-SecretKey': String(credentials.secretKey ?? ''),
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			url: '/v2/Authentication.svc/UserByAccessKey.Get',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'LeadSquared rejected the access key or secret key (401). Copy both again from My Account › Settings › API and Webhooks, check that Region matches the API host shown there, and that the user is active.',
				},
			},
		],
	};
}
