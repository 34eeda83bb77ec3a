import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { properties } from './description';
import { loadOptions, resourceMapping } from './methods';
import { LSQ_CREDENTIAL } from './transport';

export class LeadSquaredLeadUpsert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LeadSquared Lead Upsert',
		name: 'leadSquaredLeadUpsert',
		icon: { light: 'file:leadSquared.svg', dark: 'file:leadSquared.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Upsert web-form leads into LeadSquared and post activities, paced to the plan\'s rate limit, without duplicates',
		defaults: { name: 'LeadSquared Lead Upsert' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: LSQ_CREDENTIAL, required: true }],
		properties,
	};

	methods = { resourceMapping, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
