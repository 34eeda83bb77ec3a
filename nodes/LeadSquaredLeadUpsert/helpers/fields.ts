import { LookupCache } from '../../shared/engine/lookupCache';
import type { FieldType } from 'n8n-workflow';

import type { CrmField } from '../../shared/engine/fields';
import type { LeadSquaredClient } from '../transport';

/** A lead field as LeadsMetaData.Get describes it. */
interface LeadFieldMeta {
	SchemaName: string;
	DisplayName?: string;
	DataType?: string;
	IsMandatory?: boolean;
	MaxLength?: string | number;
	IsLeadIdentifier?: boolean;
	Options?: Array<{ Value: string; Text?: string }>;
}

export interface ActivityType {
	ActivityEvent: number;
	DisplayName: string;
}

interface ActivityFieldMeta {
	SchemaName: string;
	DisplayName?: string;
	DataType?: string;
	IsMandatory?: boolean;
	Options?: Array<string | { Value: string; Text?: string }>;
}

/** LeadSquared data types → how the mapper shows them and how values are shaped. */
function typeOf(dataType: string | undefined): { type: FieldType; format?: CrmField['format'] } {
	switch ((dataType ?? '').toLowerCase()) {
		case 'number':
		case 'decimal':
			return { type: 'number' };
		case 'boolean':
			return { type: 'boolean' };
		case 'date':
			return { type: 'dateTime', format: 'date' };
		case 'datetime':
			return { type: 'dateTime' };
		case 'select':
		case 'dropdown':
			return { type: 'options' };
		case 'email':
			return { type: 'string', format: 'email' };
		case 'phone':
			return { type: 'string', format: 'phone' };
		default:
			return { type: 'string' };
	}
}

export function leadFieldToCrmField(meta: LeadFieldMeta): CrmField {
	const { type, format } = typeOf(meta.DataType);
	const maxLength = Number(meta.MaxLength);
	return {
		id: meta.SchemaName,
		displayName: meta.DisplayName || meta.SchemaName,
		type,
		format,
		required: meta.IsMandatory === true,
		// IsLeadIdentifier marks the unique fields LeadSquared can search by (email, phone, custom unique fields).
		unique: meta.IsLeadIdentifier === true,
		maxLength: type === 'string' && format !== 'phone' && maxLength > 0 ? maxLength : undefined,
		options: type === 'options' ? (meta.Options ?? []).map((option) => ({ name: option.Text || option.Value, value: option.Value })) : undefined,
	};
}

export function activityFieldToCrmField(meta: ActivityFieldMeta): CrmField {
	const { type, format } = typeOf(meta.DataType);
	return {
		id: meta.SchemaName,
		displayName: meta.DisplayName || meta.SchemaName,
		type,
		format,
		required: meta.IsMandatory === true,
		options:
			type === 'options'
				? (meta.Options ?? []).map((option) =>
						typeof option === 'string' ? { name: option, value: option } : { name: option.Text || option.Value, value: option.Value },
					)
				: undefined,
	};
}

const cache = new LookupCache<unknown>(5 * 60 * 1000);

/**
 * Metadata kept five minutes per credential and host, so a webhook that runs once per lead does
 * not spend the plan's calls on it; the editor's pickers always ask afresh.
 */
async function cached<T>(key: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
	return (await cache.get(key, load, fresh)) as T;
}

export async function getLeadFields(client: LeadSquaredClient, fresh = false): Promise<CrmField[]> {
	return await cached(`${client.accountKey}|leadFields`, fresh, async () => {
		const meta = await client.request<LeadFieldMeta[]>('GET', '/v2/LeadManagement.svc/LeadsMetaData.Get');
		return (Array.isArray(meta) ? meta : []).filter((field) => field?.SchemaName).map(leadFieldToCrmField);
	});
}

export async function getActivityTypes(client: LeadSquaredClient, fresh = false): Promise<ActivityType[]> {
	return await cached(`${client.accountKey}|activityTypes`, fresh, async () => {
		const types = await client.request<Array<{ ActivityEvent: number | string; DisplayName?: string }>>(
			'GET',
			'/v2/ProspectActivity.svc/ActivityTypes.Get',
		);
		return (Array.isArray(types) ? types : []).map((type) => ({
			ActivityEvent: Number(type.ActivityEvent),
			DisplayName: type.DisplayName ?? String(type.ActivityEvent),
		}));
	});
}

export async function getActivityFields(client: LeadSquaredClient, code: number, fresh = false): Promise<CrmField[]> {
	return await cached(`${client.accountKey}|activityFields|${code}`, fresh, async () => {
		const setting = await client.request<{ Fields?: ActivityFieldMeta[] }>('GET', '/v2/ProspectActivity.svc/CustomActivity/GetActivitySetting', {
			qs: { code },
		});
		return (setting?.Fields ?? []).filter((field) => field?.SchemaName).map(activityFieldToCrmField);
	});
}

/** "205 (Form Submitted), 206 (Webinar Registered)" for messages that list the valid types. */
export function listActivityTypes(types: ActivityType[]): string {
	return types.map((type) => `${type.ActivityEvent} (${type.DisplayName})`).join(', ');
}
