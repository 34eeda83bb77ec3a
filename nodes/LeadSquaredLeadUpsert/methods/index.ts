import type { ILoadOptionsFunctions, INodePropertyOptions, ResourceMapperFields } from 'n8n-workflow';

import { toResourceMapperFields } from '../../shared/engine/fields';
import { getActivityFields, getActivityTypes, getLeadFields } from '../helpers/fields';
import { leadSquaredClient } from '../transport';

export const resourceMapping = {
	/** The account's live lead fields (schema names, display names, types); unique ones can be searched by. */
	async getFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		const fields = await getLeadFields(await leadSquaredClient(this), true);
		return { fields: toResourceMapperFields(fields, ['EmailAddress']) };
	},

	/** The chosen activity type's own fields (mx_Custom_1…), from the account's settings. */
	async getActivityFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		const event = Number(this.getNodeParameter('activityEvent', ''));
		if (!Number.isFinite(event) || event <= 0) return { fields: [] };
		const fields = await getActivityFields(await leadSquaredClient(this), event, true);
		return { fields: toResourceMapperFields(fields) };
	},
};

export const loadOptions = {
	/** The account's activity types, by name with their event code. */
	async getActivityTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const types = await getActivityTypes(await leadSquaredClient(this), true);
		return types
			.map((type) => ({ name: `${type.DisplayName} (${type.ActivityEvent})`, value: type.ActivityEvent }))
			.sort((a, b) => a.name.localeCompare(b.name));
	},
};
