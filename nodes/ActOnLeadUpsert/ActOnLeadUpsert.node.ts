import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { properties } from './description';
import { ACTON_CREDENTIAL } from './helpers/account';
import { listSearch, resourceMapping } from './methods';

export class ActOnLeadUpsert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Act-On Lead Upsert',
		name: 'actOnLeadUpsert',
		icon: { light: 'file:actOn.svg', dark: 'file:actOn.dark.svg' },
		group: ['output'],
		version: 1,
		// The editor gives a list picked from the list as { value, cachedResultName }, one typed in as text.
		subtitle: '={{$parameter["operation"] + ": " + ($parameter["list"].cachedResultName || $parameter["list"].value || $parameter["list"])}}',
		description: 'Upsert web-form leads into an Act-On contact list by e-mail, within the login and per-second limits',
		defaults: { name: 'Act-On Lead Upsert' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: ACTON_CREDENTIAL, required: true }],
		properties,
	};

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
