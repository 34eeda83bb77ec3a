import type { FieldType, IDataObject, IExecuteFunctions, ResourceMapperField, ResourceMapperValue } from 'n8n-workflow';

import { LeadInputError } from './errors';
import { isBlankText } from './text';

/** The code of the error for two input keys that fill one field with different values. */
export const COLLIDING_KEYS = 'COLLIDING_INPUT_KEYS';

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && isBlankText(value));

/** A CRM field as every adapter describes it, from the CRM's own metadata. */
export interface CrmField {
	/** The name the API expects (Zoho api_name, LeadSquared schema name, Act-On column heading). */
	id: string;
	displayName: string;
	type: FieldType;
	/** How the value is written when the API needs more than the n8n type says. */
	format?: 'email' | 'phone' | 'date' | 'multiOptions' | 'text';
	required?: boolean;
	readOnly?: boolean;
	/** Can identify a record (duplicate check, search key). */
	unique?: boolean;
	maxLength?: number;
	options?: Array<{ name: string; value: string }>;
}

export function toResourceMapperFields(fields: CrmField[], matchOn: string[] = []): ResourceMapperField[] {
	return fields
		.filter((field) => !field.readOnly)
		.map((field) => ({
			id: field.id,
			displayName: field.displayName === field.id ? field.id : `${field.displayName} (${field.id})`,
			required: field.required ?? false,
			defaultMatch: matchOn.includes(field.id),
			canBeUsedToMatch: field.unique ?? false,
			display: true,
			type: field.type,
			...(field.options ? { options: field.options } : {}),
		}));
}

/** Case- and punctuation-insensitive form of a field name, for matching input keys. */
export function normaliseName(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let diagonal = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const above = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
			diagonal = above;
		}
	}
	return row[b.length];
}

/** The real fields most like `name`, best first, for "did you mean" messages. */
export function closestFields(name: string, fields: CrmField[], count = 3): string[] {
	const target = normaliseName(name);
	return fields
		.map((field) => ({
			id: field.id,
			score: Math.min(
				editDistance(target, normaliseName(field.id)),
				editDistance(target, normaliseName(field.displayName)),
			) - (normaliseName(field.id).includes(target) || target.includes(normaliseName(field.id)) ? 2 : 0),
		}))
		.sort((a, b) => a.score - b.score)
		.slice(0, count)
		.map((entry) => entry.id);
}

export interface MappingOptions {
	/** In "map automatically" mode, skip input keys the CRM does not have instead of failing. */
	ignoreUnknownFields?: boolean;
	/** Input keys that are never CRM fields (e.g. the webhook's headers). */
	alwaysIgnore?: string[];
}

interface FieldLookup {
	byId: Map<string, CrmField>;
	/** By id and by label, normalised: what "Map Automatically" matches input keys against. */
	byLooseName: Map<string, CrmField>;
}

// Built once per field list (one per execution), not once per item.
const lookups = new WeakMap<CrmField[], FieldLookup>();

export function lookupOf(fields: CrmField[]): FieldLookup {
	let lookup = lookups.get(fields);
	if (!lookup) {
		lookup = { byId: new Map(fields.map((field) => [field.id, field])), byLooseName: new Map() };
		for (const field of fields) {
			lookup.byLooseName.set(normaliseName(field.displayName), field);
			lookup.byLooseName.set(normaliseName(field.id), field);
		}
		lookups.set(fields, lookup);
	}
	return lookup;
}

/**
 * Reads one item's values from the resource mapper, keyed by CRM field id, and rejects fields
 * the CRM does not have, naming the closest real ones.
 */
export function readMappedValues(
	columns: ResourceMapperValue,
	itemJson: IDataObject,
	fields: CrmField[],
	options: MappingOptions = {},
): Record<string, unknown> {
	const { byId, byLooseName } = lookupOf(fields);
	const values: Record<string, unknown> = {};
	if (columns.mappingMode === 'autoMapInputData') {
		const sourceKey = new Map<string, string>();
		for (const [key, value] of Object.entries(itemJson)) {
			if (options.alwaysIgnore?.includes(key)) continue;
			const field = byId.get(key) ?? byLooseName.get(normaliseName(key));
			if (field) {
				const earlier = sourceKey.get(field.id);
				if (earlier !== undefined && !isBlank(values[field.id]) && !isBlank(value)) {
					if (JSON.stringify(values[field.id]) === JSON.stringify(value)) continue;
					// Either one could be the lead's real value: guessing would report one and store the other.
					throw new LeadInputError(`Input keys "${earlier}" and "${key}" both fill the field ${field.id}, with different values`, {
						field: field.id,
						code: COLLIDING_KEYS,
						description: `Keep one of "${earlier}" and "${key}" in the item (for example with an Edit Fields node), or map the field explicitly with "Map Each Field Below".`,
					});
				}
				if (earlier === undefined || isBlank(values[field.id])) {
					values[field.id] = value;
					sourceKey.set(field.id, key);
				}
			} else if (!options.ignoreUnknownFields) {
				throw unknownField(key, fields, ' Or turn on "Ignore Unknown Input Fields".');
			}
		}
		return values;
	}
	for (const [key, value] of Object.entries(columns.value ?? {})) {
		if (!byId.has(key)) throw unknownField(key, fields, ' Remove it from the mapping or refresh the field list.');
		values[key] = value;
	}
	return values;
}

function unknownField(key: string, fields: CrmField[], hint: string): LeadInputError {
	const closest = closestFields(key, fields);
	return new LeadInputError(`Field "${key}" does not exist in the CRM`, {
		field: key,
		description: `Closest fields: ${closest.join(', ')}.${hint}`,
	});
}

/**
 * Reads a resource mapper parameter per item. "Map Automatically" holds no expressions, so its
 * value is the same for every item and is resolved once; mapped fields are resolved per item.
 */
export function columnsReader(ctx: IExecuteFunctions, name = 'columns'): (itemIndex: number) => ResourceMapperValue {
	const first = ctx.getNodeParameter(name, 0) as ResourceMapperValue;
	return (itemIndex) =>
		itemIndex === 0 || first.mappingMode === 'autoMapInputData' ? first : (ctx.getNodeParameter(name, itemIndex) as ResourceMapperValue);
}
