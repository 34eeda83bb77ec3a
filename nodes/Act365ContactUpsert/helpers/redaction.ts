import type { IExecuteFunctions } from 'n8n-workflow';

import { Redactor } from '../../shared/engine/redact';
import { ACT365_CREDENTIAL } from '../transport';

/** Masks the keys, the password and the token, and the Basic header values built from them. */
export async function act365Redactor(ctx: IExecuteFunctions): Promise<Redactor> {
	const credentials = await ctx.getCredentials(ACT365_CREDENTIAL);
	const text = (name: string) => (typeof credentials[name] === 'string' ? (credentials[name] as string) : undefined);
	const basic = (user?: string, password?: string) =>
		user && password ? Buffer.from(`${user}:${password}`).toString('base64') : undefined;
	return new Redactor([
		text('apiKey'),
		text('developerApiKey'),
		text('password'),
		text('accessToken'),
		basic(text('apiKey'), text('developerApiKey')),
		basic(text('username'), text('password')),
	]);
}
