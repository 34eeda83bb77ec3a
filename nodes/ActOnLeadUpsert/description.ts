import type { INodeProperties } from 'n8n-workflow';

import { upsertFieldMapper, writeOptions } from '../shared/descriptions';

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
				action: 'Create or update a contact in a list',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Find a contact in a list by email',
				action: 'Get a contact by email',
			},
		],
		default: 'upsert',
	},
	{
		displayName: 'List',
		name: 'list',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The Act-On contact list the contacts belong to',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a list...',
				typeOptions: { searchListMethod: 'searchLists', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'l-0001',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^\\S+$', errorMessage: 'A list ID has no spaces, e.g. l-0001' },
					},
				],
			},
		],
	},
	upsertFieldMapper({
		displayName: 'Columns',
		method: 'getColumns',
		dependsOn: ['list.value'],
		multiKeyMatch: false,
		fieldWords: { singular: 'column', plural: 'columns' },
		matchOn: {
			title: 'Match On',
			description: 'Act-On updates the first contact in the list with this e-mail, otherwise adds one',
			hint: "The list's e-mail column",
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
			crm: 'Act-On',
			fieldWord: 'column',
			target: 'the list',
			parallelCallsHint: 'The per-second limit set in the credential applies as well',
		}),
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		description: 'The e-mail address of the contact to look for',
		displayOptions: { show: { operation: ['get'] } },
	},
];
