import { LookupCache } from '../../shared/engine/lookupCache';
import type { FieldType, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { CrmField } from '../../shared/engine/fields';
import { zohoApiRequest } from '../transport';

interface ZohoFieldMeta {
	api_name: string;
	display_label?: string;
	field_label?: string;
	data_type: string;
	system_mandatory?: boolean;
	read_only?: boolean;
	field_read_only?: boolean;
	length?: number;
	unique?: unknown;
	pick_list_values?: Array<{ display_value: string; actual_value: string }>;
}

const NUMBER_TYPES = new Set(['integer', 'bigint', 'double', 'currency', 'percent', 'decimal', 'long']);
/** Zoho types a record cannot be written with from a web form. */
const UNWRITABLE_TYPES = new Set(['autonumber', 'formula', 'lookup', 'ownerlookup', 'multiselectlookup', 'fileupload', 'imageupload', 'profileimage', 'subform', 'rollup_summary', 'userlookup']);

export function toCrmField(meta: ZohoFieldMeta): CrmField {
	let type: FieldType = 'string';
	let format: CrmField['format'];
	if (NUMBER_TYPES.has(meta.data_type)) type = 'number';
	else if (meta.data_type === 'boolean') type = 'boolean';
	else if (meta.data_type === 'date') [type, format] = ['dateTime', 'date'];
	else if (meta.data_type === 'datetime') type = 'dateTime';
	else if (meta.data_type === 'picklist') type = 'options';
	else if (meta.data_type === 'multiselectpicklist') format = 'multiOptions';
	else if (meta.data_type === 'email') format = 'email';
	const isUnique = meta.api_name === 'Email' || (meta.unique !== undefined && meta.unique !== null && Object.keys(meta.unique as object).length > 0);
	return {
		id: meta.api_name,
		displayName: meta.display_label ?? meta.field_label ?? meta.api_name,
		type,
		format,
		required: meta.system_mandatory === true,
		readOnly: meta.read_only === true || meta.field_read_only === true || UNWRITABLE_TYPES.has(meta.data_type) || meta.api_name === 'id',
		// Zoho lets duplicate checks use the system Email field and fields marked unique.
		unique: isUnique,
		maxLength: type === 'string' && (format === undefined || format === 'email') && meta.length ? meta.length : undefined,
		options:
			type === 'options'
				? (meta.pick_list_values ?? []).filter((entry) => entry.actual_value !== '-None-').map((entry) => ({ name: entry.display_value, value: entry.actual_value }))
				: undefined,
	};
}

const cache = new LookupCache<CrmField[]>(5 * 60 * 1000);

/**
 * The module's fields from Zoho's own metadata, kept five minutes per credential so a webhook
 * that runs once per lead does not pay a metadata call per lead.
 */
export async function getModuleFields(ctx: IExecuteFunctions | ILoadOptionsFunctions, module: string, fresh = false): Promise<CrmField[]> {
	const credentialId = ctx.getNode().credentials?.zohoCrmLeadUpsertApi?.id ?? 'default';
	const key = `${credentialId}|${module}`;
	return await cache.get(
		key,
		async () => {
			const { body } = await zohoApiRequest<{ fields?: ZohoFieldMeta[] }>(ctx, 'GET', '/crm/v8/settings/fields', { qs: { module } });
			return (body.fields ?? []).map(toCrmField);
		},
		fresh,
	);
}
