import type { ILoadOptionsFunctions, INodeListSearchResult, ResourceMapperFields } from 'n8n-workflow';

import { toResourceMapperFields } from '../../shared/engine/fields';
import { getContactLists, getListColumns, toCrmFields } from '../helpers/lists';

export const listSearch = {
	/** The account's live contact lists, filtered by name or ID. */
	async searchLists(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		const needle = (filter ?? '').trim().toLowerCase();
		const lists = await getContactLists(this);
		return {
			results: lists
				.filter((list) => !needle || list.name.toLowerCase().includes(needle) || list.id.toLowerCase().includes(needle))
				.map((list) => ({ name: list.folderName ? `${list.name} (${list.folderName})` : list.name, value: list.id })),
		};
	},
};

export const resourceMapping = {
	/** The list's column headings, exactly as Act-On expects them; the e-mail column is required. */
	async getColumns(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		const listId = String(this.getNodeParameter('list', undefined, { extractValue: true }) ?? '').trim();
		if (!listId) return { fields: [], emptyFieldsNotice: 'Pick a list first' };
		const columns = await getListColumns(this, listId, { fresh: true });
		return { fields: toResourceMapperFields(toCrmFields(columns), [columns.emailHeading]) };
	},
};
