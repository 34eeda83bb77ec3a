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
import { ZOHO_CREDENTIAL } from './transport';

export class ZohoCrmLeadUpsert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zoho CRM Lead Upsert',
		name: 'zohoCrmLeadUpsert',
		icon: { light: 'file:zohoCrm.svg', dark: 'file:zohoCrm.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["module"]}}',
		description: 'Upsert web-form leads into Zoho CRM in batches of 100, without duplicates',
		defaults: { name: 'Zoho CRM Lead Upsert' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: ZOHO_CREDENTIAL, required: true }],
		properties,
	};

	methods = { resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
