import type { IExecuteFunctions } from 'n8n-workflow';

import { credentialRedactor } from '../../shared/engine/redact';
import { ZOHO_CREDENTIAL } from '../transport';

export const zohoRedactor = async (ctx: IExecuteFunctions) =>
	await credentialRedactor(ctx, ZOHO_CREDENTIAL, ['clientId', 'clientSecret', 'refreshToken', 'accessToken']);
