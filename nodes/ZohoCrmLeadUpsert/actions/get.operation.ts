import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { LeadInputError } from '../../shared/engine/errors';
import { searchValueOf } from '../../shared/engine/text';
import { executePerItem } from '../../shared/engine/LeadUpsertEngine';
import { describeCallError } from '../helpers/errors';
import { zohoRedactor } from '../helpers/redaction';
import { zohoApiRequest } from '../transport';

const SEARCH_VALUE = { id: 'searchValue', displayName: 'Value' };

export async function get(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const module = this.getNodeParameter('module', 0) as string;
	return await executePerItem(
		this,
		await zohoRedactor(this),
		async (itemIndex) => {
			const searchBy = this.getNodeParameter('searchBy', itemIndex) as 'email' | 'id';
			const value = searchValueOf(this.getNodeParameter('searchValue', itemIndex, ''), searchBy === 'email', SEARCH_VALUE);
			if (!value) {
				throw new LeadInputError(`No ${searchBy === 'email' ? 'email' : 'record ID'} to look for`, {
					field: 'searchValue',
					description: 'Set "Value" to the email or record ID, for example {{ $json.email }}.',
				});
			}
			const path =
				searchBy === 'email' ? `/crm/v8/${module}/search` : `/crm/v8/${module}/${encodeURIComponent(value)}`;
			const { body } = await zohoApiRequest<{ data?: Array<Record<string, unknown>> }>(this, 'GET', path, {
				qs: searchBy === 'email' ? { email: value } : undefined,
			});
			const record = body.data?.[0];
			return record
				? { found: true, id: String(record.id), crm: 'Zoho CRM', module, record, matches: body.data!.length }
				: { found: false, crm: 'Zoho CRM', module, searchedBy: searchBy, value };
		},
		describeCallError,
	);
}
