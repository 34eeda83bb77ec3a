import type { IDataObject, ResourceMapperValue } from 'n8n-workflow';

import { LeadInputError } from '../../shared/engine/errors';
import { readMappedValues, type CrmField } from '../../shared/engine/fields';
import { requireObject } from '../../shared/engine/input';
import { matchKey } from '../../shared/engine/text';
import { isEmpty, shapeValues } from '../../shared/engine/values';
import { fieldLabel } from './errors';

/** One lead as LeadSquared's attribute list wants it, plus the unique field it is found by. */
export interface LeadPayload {
	attributes: Record<string, string>;
	searchBy: string;
}

export interface LeadMappingOptions {
	clearEmptyFields: boolean;
	ignoreUnknownFields: boolean;
}

/** LeadSquared wants UTC date-times as 'YYYY-MM-DD HH:MM:SS' and dates as 'YYYY-MM-DD'. */
export function lsqDate(date: Date, withTime: boolean): string {
	const iso = date.toISOString();
	return withTime ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(0, 10);
}

/** Values travel as text; LeadSquared reads them by the field's type. */
function asText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (Array.isArray(value)) return value.map(String).join(';');
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** `[{Attribute, Value}]` with SearchBy last, the shape every lead endpoint takes. */
export function toAttributePairs(lead: LeadPayload): Array<{ Attribute: string; Value: string }> {
	return [
		...Object.entries(lead.attributes).map(([Attribute, Value]) => ({ Attribute, Value })),
		{ Attribute: 'SearchBy', Value: lead.searchBy },
	];
}

/** How LeadSquared compares unique values: case-insensitively, phones by their digits. */
export function searchKeyOf(lead: LeadPayload): string {
	const value = lead.attributes[lead.searchBy] ?? '';
	const normalised = /phone|mobile/i.test(lead.searchBy) ? value.replace(/\D/g, '') : matchKey(value);
	return `${lead.searchBy}:${normalised}`;
}

/** The unique field leads are found by: the mapper's "Search By" column, e-mail unless chosen otherwise. */
export function searchFieldOf(columns: ResourceMapperValue): string {
	return columns.matchingColumns?.[0] || 'EmailAddress';
}

/**
 * Validates and shapes one item's lead fields. An item without a value for the search key
 * cannot be found or created safely, so it fails alone, naming the field.
 */
export function prepareLead(
	itemJson: unknown,
	columns: ResourceMapperValue,
	fields: CrmField[],
	searchBy: string,
	options: LeadMappingOptions,
): LeadPayload {
	const json = requireObject(itemJson) as IDataObject;
	const values = readMappedValues(columns, json, fields, { ignoreUnknownFields: options.ignoreUnknownFields });
	if (isEmpty(values[searchBy])) {
		throw new LeadInputError(`No value for the search key ${fieldLabel(fields, searchBy).replace(/"/g, '')}`, {
			field: searchBy,
			description: `LeadSquared finds the lead by ${searchBy}: map a value to ${fieldLabel(fields, searchBy)}, or set "Search By" to a unique field this item has.`,
		});
	}
	const shaped = shapeValues(values, fields, { clearEmptyFields: options.clearEmptyFields, formatDate: lsqDate, emptyValue: '' });
	const attributes: Record<string, string> = {};
	for (const [key, value] of Object.entries(shaped)) attributes[key] = asText(value);
	return { attributes, searchBy };
}
