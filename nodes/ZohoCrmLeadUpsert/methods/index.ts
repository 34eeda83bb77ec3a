import type { ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';

import { toResourceMapperFields } from '../../shared/engine/fields';
import { getModuleFields } from '../helpers/fields';

export const resourceMapping = {
	/** The module's live fields, with types and required flags, for the field mapper. */
	async getFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		const module = this.getNodeParameter('module', 'Leads') as string;
		const fields = await getModuleFields(this, module, true);
		return { fields: toResourceMapperFields(fields, ['Email']) };
	},
};
