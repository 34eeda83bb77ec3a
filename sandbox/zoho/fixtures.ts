/** Field metadata as `GET /crm/v8/settings/fields` returns it (subset of keys the node reads). */
export interface ZohoFieldMeta {
	api_name: string;
	display_label: string;
	data_type: string;
	json_type: string;
	system_mandatory: boolean;
	read_only: boolean;
	length: number;
	custom_field: boolean;
	visible: boolean;
	unique?: { casesensitive: string };
	pick_list_values?: Array<{ display_value: string; actual_value: string }>;
}

const field = (
	api_name: string,
	display_label: string,
	data_type: string,
	extra: Partial<ZohoFieldMeta> = {},
): ZohoFieldMeta => ({
	api_name,
	display_label,
	data_type,
	json_type: extra.json_type ?? (data_type === 'multiselectpicklist' ? 'jsonarray' : data_type === 'integer' || data_type === 'double' ? (data_type === 'integer' ? 'integer' : 'double') : data_type === 'boolean' ? 'boolean' : 'string'),
	system_mandatory: false,
	read_only: false,
	length: 255,
	custom_field: false,
	visible: true,
	...extra,
});

const options = (...values: string[]) => values.map((value) => ({ display_value: value, actual_value: value }));

const common: ZohoFieldMeta[] = [
	field('First_Name', 'First Name', 'text', { length: 40 }),
	field('Last_Name', 'Last Name', 'text', { system_mandatory: true, length: 80 }),
	field('Email', 'Email', 'email', { length: 100 }),
	field('Secondary_Email', 'Secondary Email', 'email', { length: 100 }),
	field('Phone', 'Phone', 'phone', { length: 30 }),
	field('Mobile', 'Mobile', 'phone', { length: 30 }),
	field('Title', 'Title', 'text', { length: 100 }),
	field('Lead_Source', 'Lead Source', 'picklist', {
		pick_list_values: options('-None-', 'Advertisement', 'Web Form', 'Web Download', 'Chat', 'Trade Show'),
	}),
	field('Description', 'Description', 'textarea', { length: 32000 }),
	field('Email_Opt_Out', 'Email Opt Out', 'boolean'),
	field('Created_Time', 'Created Time', 'datetime', { read_only: true }),
	field('Modified_Time', 'Modified Time', 'datetime', { read_only: true }),
	field('id', 'Record Id', 'bigint', { read_only: true, visible: false }),
];

export const MODULE_FIELDS: Record<string, ZohoFieldMeta[]> = {
	Leads: [
		...common,
		field('Company', 'Company', 'text', { length: 200 }),
		field('Website', 'Website', 'website'),
		field('Lead_Status', 'Lead Status', 'picklist', {
			pick_list_values: options('-None-', 'Not Contacted', 'Contacted', 'Qualified'),
		}),
		field('Annual_Revenue', 'Annual Revenue', 'currency', { json_type: 'double' }),
		field('No_of_Employees', 'No. of Employees', 'integer'),
		field('Product_Interest', 'Product Interest', 'multiselectpicklist', {
			custom_field: true,
			pick_list_values: options('CRM', 'Marketing Automation', 'Analytics', 'Support Desk'),
		}),
		field('Demo_Date', 'Demo Date', 'date', { custom_field: true }),
		field('External_Lead_ID', 'External Lead ID', 'text', {
			custom_field: true,
			length: 64,
			unique: { casesensitive: 'false' },
		}),
	],
	Contacts: [
		...common,
		field('Account_Name', 'Account Name', 'lookup', { json_type: 'jsonobject' }),
		field('Department', 'Department', 'text', { length: 30 }),
		field('Date_of_Birth', 'Date of Birth', 'date'),
	],
};

/** Fields Zoho lets `duplicate_check_fields` name: the system Email field and "unique" fields. */
export function duplicateCheckable(module: string): string[] {
	return (MODULE_FIELDS[module] ?? []).filter((meta) => meta.api_name === 'Email' || meta.unique).map((meta) => meta.api_name);
}
