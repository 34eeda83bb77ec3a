import type { IExecuteFunctions } from 'n8n-workflow';

import { credentialRedactor } from '../../shared/engine/redact';
import { ACT365_CREDENTIAL } from '../transport';

/** Masks the keys, the password and the token, and the Basic header values built from them. */
export const act365Redactor = async (ctx: IExecuteFunctions) =>
	await credentialRedactor(ctx, ACT365_CREDENTIAL, ['apiKey', 'developerApiKey', 'password', 'accessToken'], [
		['apiKey', 'developerApiKey'],
		['username', 'password'],
	]);
