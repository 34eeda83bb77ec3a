import type { INodeProperties } from 'n8n-workflow';

import { lookupFields, upsertFieldMapper, writeOptions } from '../shared/descriptions';

export const ZOHO_MODULES = [
	{ name: 'Lead', value: 'Leads' },
	{ name: 'Contact', value: 'Contacts' },
];

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update a record',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Find a record by email or ID',
				action: 'Get a record',
			},
		],
		default: 'upsert',
	},
	{
		displayName: 'Module',
		name: 'module',
		type: 'options',
		noDataExpression: true,
		options: ZOHO_MODULES,
		default: 'Leads',
		description: 'The Zoho CRM module the records belong to',
	},
	upsertFieldMapper({
		displayName: 'Fields',
		method: 'getFields',
		dependsOn: ['module'],
		multiKeyMatch: true,
		matchOn: {
			title: 'Match On',
			description: 'Duplicate-check fields, in order: Zoho updates the record whose value matches, otherwise creates one',
			hint: 'Email, or fields marked "Do not allow duplicate values" in Zoho',
		},
		operations: ['upsert'],
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['upsert'] } },
		options: writeOptions({
			crm: 'Zoho',
			target: 'the module',
			parallelCallsHint: 'Zoho allows 10 heavy calls at a time',
			extra: [
				{
					displayName: 'Append to Multi-Select Fields',
					name: 'appendMultiSelect',
					type: 'boolean',
					default: false,
					description: 'Whether values for multi-select picklists are added to the existing ones instead of replacing them',
				},
				{
					displayName: 'Assignment Rule ID',
					name: 'larId',
					type: 'string',
					default: '',
					description: 'ID of a Zoho assignment rule to assign new records with',
				},
				{
					displayName: 'Automations to Run',
					name: 'trigger',
					type: 'multiOptions',
					options: [
						{ name: 'Workflow Rules', value: 'workflow' },
						{ name: 'Approval Processes', value: 'approval' },
						{ name: 'Blueprints', value: 'blueprint' },
					],
					default: ['workflow', 'approval', 'blueprint'],
					description: 'Which Zoho automations the upsert may fire. Leave the option out to let Zoho run them all, as for records created in Zoho.',
				},
				{
					displayName: 'Batch Size',
					name: 'batchSize',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 100 },
					default: 100,
					description: 'Records per upsert call (Zoho accepts at most 100)',
				},
			],
		}),
	},
	...lookupFields([{ name: 'Email', value: 'email' }, { name: 'Record ID', value: 'id' }], 'email or record ID'),
];
