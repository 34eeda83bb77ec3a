import type { INodeProperties } from 'n8n-workflow';

import { lookupFields, upsertFieldMapper, writeOptions } from '../shared/descriptions';

const WRITE_OPERATIONS = ['upsert', 'upsertWithActivity'];

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
				action: 'Create or update a lead',
			},
			{
				name: 'Create or Update and Post Activity',
				value: 'upsertWithActivity',
				description: 'Find the lead by its search key (creating it when new), update it and post an activity on it',
				action: 'Create or update a lead and post an activity',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Find a lead by email, phone or lead ID',
				action: 'Get a lead',
			},
		],
		default: 'upsert',
	},
	upsertFieldMapper({
		displayName: 'Lead Fields',
		method: 'getFields',
		multiKeyMatch: false,
		matchOn: {
			title: 'Search By',
			description: 'The unique field LeadSquared finds the lead by: it updates the lead with this value, otherwise creates one',
			hint: 'Email, Phone, or a custom field marked unique in LeadSquared',
		},
		operations: WRITE_OPERATIONS,
	}),
	{
		displayName: 'Activity Type Name or ID',
		name: 'activityEvent',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getActivityTypes' },
		default: '',
		required: true,
		description:
			'The activity to post on the lead. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { operation: ['upsertWithActivity'] } },
	},
	{
		displayName: 'Activity Note',
		name: 'activityNote',
		type: 'string',
		default: '',
		placeholder: 'Submitted the pricing form',
		description: 'Shown on the activity in the lead\'s timeline',
		displayOptions: { show: { operation: ['upsertWithActivity'] } },
	},
	{
		displayName: 'Activity Date and Time',
		name: 'activityDateTime',
		type: 'string',
		default: '',
		placeholder: '2026-11-20T09:15:00Z',
		description: 'When the activity happened (sent to LeadSquared in UTC). Empty: when the node runs.',
		displayOptions: { show: { operation: ['upsertWithActivity'] } },
	},
	{
		displayName: 'Activity Fields',
		name: 'activityFields',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		typeOptions: {
			loadOptionsDependsOn: ['activityEvent'],
			resourceMapper: {
				resourceMapperMethod: 'getActivityFields',
				mode: 'add',
				fieldWords: { singular: 'activity field', plural: 'activity fields' },
				addAllFields: false,
				supportAutoMap: false,
			},
		},
		displayOptions: { show: { operation: ['upsertWithActivity'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: WRITE_OPERATIONS } },
		options: writeOptions({
			crm: 'LeadSquared',
			target: 'LeadSquared',
			parallelCallsHint: "The plan's rate limit is kept either way",
			extra: [
				{
					displayName: 'API to Use',
					name: 'apiMode',
					type: 'options',
					options: [
						{
							name: 'Automatic',
							value: 'auto',
							description: 'The bulk APIs when they finish sooner under the credential\'s two limits, else one call per lead',
						},
						{
							name: 'Bulk',
							value: 'bulk',
							description: 'Up to 25 leads per call (then up to 25 activities per call when posting activities), on the bulk quota',
						},
						{
							name: 'One Lead per Call',
							value: 'single',
							description: 'Lead.CreateOrUpdate (or CreateCustom with the activity) for each lead, on the ordinary quota',
						},
					],
					default: 'auto',
				},
				{
					displayName: 'Batch Size',
					name: 'batchSize',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 25 },
					default: 25,
					description: 'Leads, and activities, per bulk call (LeadSquared accepts at most 25)',
				},
				{
					displayName: 'Skip Drop-Down Validation',
					name: 'skipDropDownValidation',
					type: 'boolean',
					default: false,
					description: 'Whether activity drop-down fields accept values outside their option list (LeadSquared\'s ValidateDropDownOptions)',
					displayOptions: { show: { '/operation': ['upsertWithActivity'] } },
				},
			],
		}),
	},
	...lookupFields([{ name: 'Email', value: 'email' }, { name: 'Phone', value: 'phone' }, { name: 'Lead ID', value: 'id' }], 'email, phone number or lead ID'),
];
