import type { IExecuteFunctions } from 'n8n-workflow';

import { ACT365_BASIC_PAIRS, ACT365_SECRET_FIELDS } from '../../../credentials/Act365LeadUpsertApi.credentials';
import { credentialRedactor } from '../../shared/engine/redact';
import { ACT365_CREDENTIAL } from '../transport';

/** Masks the keys, the password and the token, and the Basic header values built from them. */
export const act365Redactor = async (ctx: IExecuteFunctions) =>
	await credentialRedactor(ctx, ACT365_CREDENTIAL, ACT365_SECRET_FIELDS, ACT365_BASIC_PAIRS);
