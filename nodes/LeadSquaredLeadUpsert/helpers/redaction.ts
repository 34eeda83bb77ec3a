import type { IExecuteFunctions } from 'n8n-workflow';

import { credentialRedactor } from '../../shared/engine/redact';
import { LSQ_CREDENTIAL } from '../transport';

export const leadSquaredRedactor = async (ctx: IExecuteFunctions) =>
	await credentialRedactor(ctx, LSQ_CREDENTIAL, ['accessKey', 'secretKey']);
