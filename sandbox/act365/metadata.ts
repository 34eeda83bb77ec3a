/**
 * The custom-field catalogue `GET /Metadata` serves. Clients filter it with `type eq 'Field'`
 * (contact custom fields) or `type eq 'OpportunityField'`, and `show eq true` for visible ones.
 * Only those filters are documented; the entry shape (`name`, `displayName`, `type`,
 * `fieldType`, `show`, `options`) is unverified — plausible, not observed.
 */
export interface MetadataEntry {
	name: string;
	displayName: string;
	type: 'Field' | 'OpportunityField';
	fieldType: 'Text' | 'Number' | 'YesNo' | 'Picklist' | 'Date';
	show: boolean;
	options?: string[];
	[key: string]: unknown;
}

export const METADATA_FIELDS = ['name', 'displayName', 'type', 'fieldType', 'show'] as const;

/** What /Metadata reports as the length of every core text column; writes longer than it are refused. */
export const CORE_TEXT_LENGTH = 128;

export function defaultMetadata(): MetadataEntry[] {
	return [
		{ name: 'Lead_Score', displayName: 'Lead Score', type: 'Field', fieldType: 'Number', show: true },
		{ name: 'Referral_Source', displayName: 'Referral Source', type: 'Field', fieldType: 'Text', show: true },
		{ name: 'Newsletter', displayName: 'Newsletter', type: 'Field', fieldType: 'YesNo', show: true },
		{
			name: 'Interest',
			displayName: 'Interest',
			type: 'Field',
			fieldType: 'Picklist',
			show: true,
			options: ['Product demo', 'Pricing', 'Partnership', 'Support'],
		},
		// A hidden field: lets tests check that `show eq true` narrows the catalogue.
		{ name: 'Legacy_Id', displayName: 'Legacy ID', type: 'Field', fieldType: 'Text', show: false },
		{ name: 'Deal_Source', displayName: 'Deal Source', type: 'OpportunityField', fieldType: 'Text', show: true },
		{ name: 'Expected_Close', displayName: 'Expected Close', type: 'OpportunityField', fieldType: 'Date', show: true },
	];
}

/** Why `value` cannot be stored in the custom field, or undefined when it can. */
export function customValueProblem(entry: MetadataEntry, value: unknown): string | undefined {
	if (value === null || value === '') return undefined;
	switch (entry.fieldType) {
		case 'Number':
			return Number.isFinite(Number(value)) && typeof value !== 'boolean' ? undefined : 'expected a number';
		case 'YesNo':
			return typeof value === 'boolean' || /^(true|false)$/i.test(String(value)) ? undefined : 'expected true or false';
		case 'Date':
			return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : 'expected a date';
		default:
			return typeof value === 'string' || typeof value === 'number' ? undefined : 'expected text';
	}
}

/**
 * Column entries of the Web API's `GET /api/metadata/contact/fields` (surface B). The key names
 * come from its Swagger document; the values here are plausible, not observed. Without
 * `showAll=true` only custom fields are listed — an assumption about what "showAll" adds.
 */
export function webApiContactColumns(catalogue: MetadataEntry[], coreFields: readonly string[], showAll: boolean) {
	const dataTypes: Record<MetadataEntry['fieldType'], string> = {
		Text: 'Character',
		Number: 'Number',
		YesNo: 'YesNo',
		Picklist: 'Character',
		Date: 'Date',
	};
	const display = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
	const core = coreFields.map((name) => ({
		name,
		columnName: name.toUpperCase(),
		displayName: display(name),
		aliasName: display(name),
		type: 'Contact',
		dataType: name === 'birthday' ? 'Date' : 'Character',
		length: name === 'birthday' ? null : CORE_TEXT_LENGTH,
		isAllowBlank: true,
		isReadOnly: false,
		isCustom: false,
		isPrimary: false,
		picklist: null,
	}));
	const custom = catalogue
		.filter((entry) => entry.type === 'Field' && entry.show)
		.map((entry, i) => ({
			name: entry.name,
			columnName: `CUST_${entry.name.toUpperCase()}`,
			displayName: entry.displayName,
			aliasName: entry.displayName,
			type: 'Contact',
			dataType: dataTypes[entry.fieldType],
			length: entry.fieldType === 'Text' || entry.fieldType === 'Picklist' ? 128 : null,
			isAllowBlank: true,
			isReadOnly: false,
			isCustom: true,
			isPrimary: false,
			picklist: entry.options ? { id: `pl-${i + 1}`, name: entry.displayName, isLimitToList: false, isMultiSelect: false } : null,
		}));
	return showAll ? [...core, ...custom] : custom;
}
