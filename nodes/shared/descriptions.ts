import type { INodeProperties } from 'n8n-workflow';

export interface WriteOptionsSettings {
	/** The CRM's name, as users know it ("Zoho", "Act-On"). */
	crm: string;
	/** What the CRM calls a field ("field", "column"). */
	fieldWord?: string;
	/** Where input keys are matched ("the module", "the list"). */
	target: string;
	/** Why the parallel-call cap matters for this CRM (its limit on calls in flight). */
	parallelCallsHint: string;
	/** The node's own options; the collection is sorted by display name, as n8n's lint asks. */
	extra?: INodeProperties[];
}

/** The options every write operation shares, worded for its CRM, so the four nodes feel the same. */
export function writeOptions(settings: WriteOptionsSettings): INodeProperties[] {
	const fieldWord = settings.fieldWord ?? 'field';
	const shared: INodeProperties[] = [
		{
			displayName: 'Clear Empty Fields',
			name: 'clearEmptyFields',
			type: 'boolean',
			default: false,
			description: `Whether empty values clear the ${fieldWord} in ${settings.crm}. Off: empty values are left out, so a blank form field never wipes data.`,
		},
		{
			displayName: 'Combine With Other Executions',
			name: 'combineExecutions',
			type: 'boolean',
			default: true,
			description: `Whether leads of executions running at the same time (one webhook call each) share calls to ${settings.crm}: while a call is in flight the next leads queue and go together in the next one. A lead sent when nothing is in flight goes at once. Off: every execution makes its own calls.`,
		},
		{
			displayName: 'Ignore Unknown Input Fields',
			name: 'ignoreUnknownFields',
			type: 'boolean',
			default: false,
			description: `Whether "Map Automatically" skips input fields ${settings.target} has no ${fieldWord} for, instead of failing the item`,
		},
		{
			displayName: 'Max Wait to Combine (Ms)',
			name: 'combineMaxWaitMs',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 5000 },
			default: 0,
			description: 'How long a lead sent when no call is in flight waits for leads of other executions to join its call. 0 sends it at once.',
		},
		{
			displayName: 'Max Wait in a Burst (Ms)',
			name: 'combineBurstWaitMs',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 5000 },
			default: 500,
			description: `How long a lead that arrives while other leads are already on their way to ${settings.crm} waits for more to join its call, unless the call is full sooner; so does one that arrives within this time after a call shared by several executions stored leads. Fewer, fuller calls in a campaign spike; one execution at a time never waits. 0 sends each call as soon as the one before it ends.`,
		},
		{
			displayName: 'Max Parallel Calls',
			name: 'maxParallelCalls',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			// The pacer keeps each vendor's rate limit whatever this is; three calls in flight
			// already reach every limit at ordinary latencies.
			default: 3,
			description: `Calls in flight at once for this credential, across executions. ${settings.parallelCallsHint}.`,
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 5,
			description: 'How often a failed call (rate limit, server error, timeout) is repeated, with growing pauses',
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1000 },
			default: 30000,
			description: `How long to wait for each answer from ${settings.crm}`,
		},
	];
	return [...shared, ...(settings.extra ?? [])].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The Get operation's two parameters: what to search by, and the value to look for. */
export function lookupFields(searchBy: Array<{ name: string; value: string }>, lookedFor: string): INodeProperties[] {
	return [
		{
			displayName: 'Search By',
			name: 'searchBy',
			type: 'options',
			noDataExpression: true,
			options: searchBy,
			default: 'email',
			displayOptions: { show: { operation: ['get'] } },
		},
		{
			displayName: 'Value',
			name: 'searchValue',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'ada@example.org',
			description: `The ${lookedFor} to look for`,
			displayOptions: { show: { operation: ['get'] } },
		},
	];
}

export interface UpsertMapperSettings {
	displayName: string;
	/** The node's resourceMapping method that lists the CRM's fields. */
	method: string;
	/** Parameters whose change reloads the fields (module, list…). */
	dependsOn?: string[];
	/** Whether several fields may be matched on together. */
	multiKeyMatch: boolean;
	/** What the CRM calls its fields, when not "field" (Act-On: "column"). */
	fieldWords?: { singular: string; plural: string };
	matchOn: { title: string; description: string; hint: string };
	operations: string[];
}

/** The field mapper of a write operation: live CRM fields, "Map Automatically", and what to match on. */
export function upsertFieldMapper(settings: UpsertMapperSettings): INodeProperties {
	return {
		displayName: settings.displayName,
		name: 'columns',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			...(settings.dependsOn ? { loadOptionsDependsOn: settings.dependsOn } : {}),
			resourceMapper: {
				resourceMapperMethod: settings.method,
				mode: 'upsert',
				fieldWords: settings.fieldWords ?? { singular: 'field', plural: 'fields' },
				addAllFields: false,
				multiKeyMatch: settings.multiKeyMatch,
				supportAutoMap: true,
				matchingFieldsLabels: settings.matchOn,
			},
		},
		displayOptions: { show: { operation: settings.operations } },
	};
}
