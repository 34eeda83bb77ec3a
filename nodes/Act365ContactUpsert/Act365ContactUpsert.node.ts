import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { properties } from './description';
import { resourceMapping } from './methods';
import { ACT365_CREDENTIAL } from './transport';

export class Act365ContactUpsert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Act! 365 Contact Upsert',
		name: 'act365ContactUpsert',
		icon: { light: 'file:act365.svg', dark: 'file:act365.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": contact"}}',
		description: 'Create or update Act! 365 contacts from web-form leads, matched by email, without duplicates',
		defaults: { name: 'Act! 365 Contact Upsert' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: ACT365_CREDENTIAL, required: true }],
		properties,
	};

	methods = { resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
