import type { IDataObject } from 'n8n-workflow';

import { LeadInputError } from './errors';

/** An item whose JSON is not an object cannot be mapped to CRM fields. */
export function requireObject(json: unknown): IDataObject {
	if (json === null || typeof json !== 'object' || Array.isArray(json)) {
		throw new LeadInputError(`The input item is ${Array.isArray(json) ? 'a list' : typeof json}, not an object with lead fields`, {
			description: 'Split lists into items first (for example with "Split Out"), so each item is one lead such as { "email": "…", "lastName": "…" }.',
		});
	}
	return json as IDataObject;
}
