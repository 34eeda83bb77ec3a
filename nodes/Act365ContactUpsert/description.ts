import type { INodeProperties } from 'n8n-workflow';

import { lookupFields, upsertFieldMapper, writeOptions } from '../shared/descriptions';

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
				action: 'Create or update a contact',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Find a contact by email or ID',
				action: 'Get a contact',
			},
		],
		default: 'upsert',
	},
	upsertFieldMapper({
		displayName: 'Fields',
		method: 'getFields',
		multiKeyMatch: false,
		matchOn: {
			title: 'Match On',
			description: 'The contact whose value matches is updated; without a match a contact is created',
			hint: 'Email Address, or another field that identifies a person (phone, LinkedIn URL)',
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
			crm: 'Act!',
			target: 'the contact',
			parallelCallsHint: 'A rate limit set in the credential applies as well',
			extra: [
				{
					displayName: 'Batch Size',
					name: 'batchSize',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 500 },
					default: 50,
					description: 'Contacts looked up together; the look-up is split into as few calls as the URL length allows',
				},
				{
					displayName: 'If Several Contacts Match',
					name: 'multipleMatches',
					type: 'options',
					options: [
						{
							name: 'Update the First (Oldest)',
							value: 'updateFirst',
							description: 'Update the contact created first; the output lists every matching ID',
						},
						{ name: 'Update All', value: 'updateAll', description: 'Update every matching contact' },
						{ name: 'Error', value: 'error', description: 'Fail the item, naming the matching IDs' },
					],
					default: 'updateFirst',
					description: 'Act! allows duplicate contacts: what to do when more than one has the match value',
				},
			],
		}),
	},
	...lookupFields([{ name: 'Email', value: 'email' }, { name: 'Contact ID', value: 'id' }], 'email or contact ID'),
];
