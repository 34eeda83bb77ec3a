import type { IExecuteFunctions } from 'n8n-workflow';

import { credentialRedactor } from '../../shared/engine/redact';
import { ACTON_CREDENTIAL } from './account';

export const actOnRedactor = async (ctx: IExecuteFunctions) =>
	await credentialRedactor(ctx, ACTON_CREDENTIAL, ['password', 'clientId', 'clientSecret', 'accessToken', 'refreshToken']);
