import type { ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';

import { toResourceMapperFields } from '../../shared/engine/fields';
import { DEFAULT_MATCH_FIELD, getContactFields } from '../helpers/fields';

export const resourceMapping = {
	/** The contact's live fields, custom ones included, for the field mapper. */
	async getFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		const { fields } = await getContactFields(this, { fresh: true });
		return { fields: toResourceMapperFields(fields, [DEFAULT_MATCH_FIELD]) };
	},
};
