import { NodeApiError, type IExecuteFunctions, type INodeExecutionData, type JsonObject } from 'n8n-workflow';

import { inspectHttpError, LeadInputError } from '../../shared/engine/errors';
import { searchValueOf } from '../../shared/engine/text';
import { executePerItem } from '../../shared/engine/LeadUpsertEngine';
import { describeCallError } from '../helpers/errors';
import { PAGE_SIZE } from '../helpers/fields';
import { act365Pacing } from '../helpers/pacing';
import { act365Redactor } from '../helpers/redaction';
import { act365ApiRequest, act365Surface, encodeQueryValue } from '../transport';

const SEARCH_VALUE = { id: 'searchValue', displayName: 'Value' };

export async function get(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const surface = await act365Surface(this);
	// Look-ups run one item at a time; the credential's parallel-call cap stays as an upsert set it.
	const pacing = await act365Pacing(this);
	const request = { pacer: pacing.pacer, onHeaders: pacing.observe };
	return await executePerItem(
		this,
		await act365Redactor(this),
		async (itemIndex) => {
			const searchBy = this.getNodeParameter('searchBy', itemIndex) as 'email' | 'id';
			const value = searchValueOf(this.getNodeParameter('searchValue', itemIndex, ''), searchBy === 'email', SEARCH_VALUE);
			if (!value) {
				throw new LeadInputError(`No ${searchBy === 'email' ? 'email' : 'contact ID'} to look for`, {
					field: 'searchValue',
					description: 'Set "Value" to the email or contact ID, for example {{ $json.email }}.',
				});
			}
			if (searchBy === 'id') {
				try {
					const { body } = await act365ApiRequest<Record<string, unknown>>(
						this,
						'GET',
						`${surface.contactsPath}/${encodeURIComponent(value)}`,
						request,
					);
					return { found: true, id: String(body.id), crm: surface.product, record: body };
				} catch (error) {
					if (inspectHttpError(error).status === 404) return { found: false, crm: surface.product, searchedBy: searchBy, value };
					throw new NodeApiError(this.getNode(), error as JsonObject);
				}
			}
			const filter = encodeQueryValue(`emailAddress eq '${value.replace(/'/g, "''")}'`);
			const { body } = await act365ApiRequest<Array<Record<string, unknown>>>(this, 'GET', surface.contactsPath, {
				...request,
				query: `$filter=${filter}&$orderby=created&$top=${PAGE_SIZE}`,
			});
			const matches = Array.isArray(body) ? body : [];
			const record = matches[0];
			return record
				? {
						found: true,
						id: String(record.id),
						crm: surface.product,
						record,
						matches: matches.length,
						...(matches.length > 1 ? { matchedIds: matches.map((contact) => String(contact.id)) } : {}),
					}
				: { found: false, crm: surface.product, searchedBy: searchBy, value };
		},
		describeCallError(surface),
	);
}
