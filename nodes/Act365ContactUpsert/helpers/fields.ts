import { LookupCache } from '../../shared/engine/lookupCache';
import type { FieldType, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { CrmField } from '../../shared/engine/fields';
import type { Pacer } from '../../shared/engine/pacing';
import { act365ApiRequest, act365Surface, ACT365_CREDENTIAL, encodeQueryValue, type Act365RequestOptions } from '../transport';

/** Contact fields of Act! 365's contact record (the ones its public clients send and read). */
const CORE_FIELDS: Array<{ id: string; displayName: string; format?: CrmField['format'] }> = [
	{ id: 'emailAddress', displayName: 'Email Address', format: 'email' },
	{ id: 'firstName', displayName: 'First Name' },
	{ id: 'lastName', displayName: 'Last Name' },
	{ id: 'company', displayName: 'Company' },
	{ id: 'jobTitle', displayName: 'Job Title' },
	{ id: 'altEmailAddress', displayName: 'Alternate Email Address', format: 'email' },
	{ id: 'businessPhone', displayName: 'Business Phone', format: 'phone' },
	{ id: 'mobilePhone', displayName: 'Mobile Phone', format: 'phone' },
	{ id: 'homePhone', displayName: 'Home Phone', format: 'phone' },
	{ id: 'website', displayName: 'Website' },
	{ id: 'linkedinUrl', displayName: 'LinkedIn URL' },
	{ id: 'birthday', displayName: 'Birthday', format: 'date' },
];

/**
 * Fields a look-up can filter on to find "the same contact". Act! has no unique fields, so these
 * are the ones that identify a person; custom fields cannot be used in `$filter`.
 */
export const MATCHABLE_FIELDS = ['emailAddress', 'altEmailAddress', 'mobilePhone', 'businessPhone', 'homePhone', 'linkedinUrl', 'website'];

export const DEFAULT_MATCH_FIELD = 'emailAddress';

export interface ContactFields {
	fields: CrmField[];
	/** Field id in the mapper → name under `customFields` in the contact body. */
	custom: Map<string, string>;
}

/** One entry of Act! 365's `GET /Metadata` catalogue. */
interface MetadataEntry {
	name: string;
	displayName?: string;
	type?: string;
	fieldType?: string;
	show?: boolean;
	options?: string[];
}

/** One column of the Web API's `GET /api/metadata/contact/fields`. */
interface WebApiColumn {
	name: string;
	displayName?: string;
	aliasName?: string;
	dataType?: string;
	length?: number | null;
	isAllowBlank?: boolean;
	isReadOnly?: boolean;
	isCustom?: boolean;
}

function coreField(core: (typeof CORE_FIELDS)[number]): CrmField {
	return {
		id: core.id,
		displayName: core.displayName,
		type: core.format === 'date' ? 'dateTime' : 'string',
		format: core.format,
		unique: MATCHABLE_FIELDS.includes(core.id),
	};
}

function typeOf(kind: string | undefined): { type: FieldType; format?: CrmField['format'] } {
	switch ((kind ?? '').toLowerCase()) {
		case 'number':
		case 'currency':
		case 'decimal':
		case 'integer':
			return { type: 'number' };
		case 'yesno':
		case 'boolean':
			return { type: 'boolean' };
		case 'date':
			return { type: 'dateTime', format: 'date' };
		case 'datetime':
			return { type: 'dateTime' };
		case 'picklist':
			return { type: 'options' };
		default:
			return { type: 'string' };
	}
}

/** A custom field whose name collides with a core field keeps a prefixed id in the mapper. */
function customId(name: string): string {
	return CORE_FIELDS.some((core) => core.id.toLowerCase() === name.toLowerCase()) ? `custom_${name}` : name;
}

export function act365Fields(metadata: MetadataEntry[]): ContactFields {
	const custom = new Map<string, string>();
	const fields = CORE_FIELDS.map(coreField);
	for (const entry of metadata) {
		if (entry.type !== undefined && entry.type !== 'Field') continue;
		const id = customId(entry.name);
		const { type, format } = typeOf(entry.fieldType);
		custom.set(id, entry.name);
		fields.push({
			id,
			displayName: entry.displayName ?? entry.name,
			type,
			format,
			options: type === 'options' ? (entry.options ?? []).map((value) => ({ name: value, value })) : undefined,
		});
	}
	return { fields, custom };
}

export function webApiFields(columns: WebApiColumn[]): ContactFields {
	const custom = new Map<string, string>();
	const seen = new Set<string>();
	const fields: CrmField[] = [];
	for (const column of columns) {
		seen.add(column.name);
		if (!column.isCustom) {
			const core = CORE_FIELDS.find((candidate) => candidate.id === column.name);
			fields.push(
				core
					? { ...coreField(core), readOnly: column.isReadOnly === true, required: column.isAllowBlank === false }
					: { id: column.name, displayName: column.displayName ?? column.name, ...typeOf(column.dataType), readOnly: column.isReadOnly === true },
			);
			continue;
		}
		const id = customId(column.name);
		custom.set(id, column.name);
		const { type, format } = typeOf(column.dataType);
		fields.push({
			id,
			displayName: column.displayName ?? column.aliasName ?? column.name,
			// Picklist items need one call per list; the field takes text meanwhile.
			type: type === 'options' ? 'string' : type,
			format,
			readOnly: column.isReadOnly === true,
			required: column.isAllowBlank === false,
			maxLength: type === 'string' && column.length ? column.length : undefined,
		});
	}
	// The e-mail address is the match key whether or not the column list names it.
	for (const core of CORE_FIELDS) if (!seen.has(core.id)) fields.push(coreField(core));
	return { fields, custom };
}

const cache = new LookupCache<ContactFields>(5 * 60 * 1000);
/** Largest page the service hands out (the Act! connector of Cloud Elements pages at 150). */
export const PAGE_SIZE = 150;

/**
 * The contact's fields, custom ones from Act!'s own metadata, kept five minutes per credential
 * so a webhook that runs once per lead does not pay a metadata call per lead.
 */
export async function getContactFields(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	options: { fresh?: boolean; pacing?: { pacer: Pacer; observe(headers: Record<string, string>): void } } = {},
): Promise<ContactFields> {
	const surface = await act365Surface(ctx);
	const key = `${ctx.getNode().credentials?.[ACT365_CREDENTIAL]?.id ?? 'default'}|${surface.mode}`;
	return await cache.get(
		key,
		async () => {
			const request: Act365RequestOptions = { pacer: options.pacing?.pacer, onHeaders: options.pacing?.observe };
			if (surface.mode === 'webApi') {
				const { body } = await act365ApiRequest<WebApiColumn[]>(ctx, 'GET', '/api/metadata/contact/fields', { ...request, query: 'showAll=true' });
				return webApiFields(Array.isArray(body) ? body : []);
			}
			const filter = `$filter=${encodeQueryValue("type eq 'Field' and show eq true")}`;
			const entries: MetadataEntry[] = [];
			// Pages of at most PAGE_SIZE, the most the service hands out at once.
			for (let skip = 0; ; skip += PAGE_SIZE) {
				const { body } = await act365ApiRequest<MetadataEntry[]>(ctx, 'GET', '/Metadata', {
					...request,
					query: `${filter}&$top=${PAGE_SIZE}${skip ? `&$skip=${skip}` : ''}`,
				});
				const page = Array.isArray(body) ? body : [];
				entries.push(...page);
				if (page.length < PAGE_SIZE) break;
			}
			return act365Fields(entries);
		},
		options.fresh,
	);
}
