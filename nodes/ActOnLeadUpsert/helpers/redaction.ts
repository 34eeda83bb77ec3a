import type { IExecuteFunctions } from 'n8n-workflow';

import { credentialRedactor } from '../../shared/engine/redact';
import { ACTON_CREDENTIAL, ACTON_SECRET_FIELDS } from './account';

export const actOnRedactor = async (ctx: IExecuteFunctions) =>
	await credentialRedactor(ctx, ACTON_CREDENTIAL, ACTON_SECRET_FIELDS);
