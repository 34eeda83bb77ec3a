import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { LeadInputError } from '../../shared/engine/errors';
import { searchValueOf } from '../../shared/engine/text';
import { executePerItem } from '../../shared/engine/LeadUpsertEngine';
import { describeCallError } from '../helpers/errors';
import { leadSquaredRedactor } from '../helpers/redaction';
import { leadSquaredClient } from '../transport';

const SEARCH_VALUE = { id: 'searchValue', displayName: 'Value' };

const LOOKUPS = {
	email: { path: '/v2/LeadManagement.svc/Leads.GetByEmailaddress', param: 'emailaddress', words: 'email' },
	phone: { path: '/v2/LeadManagement.svc/RetrieveLeadByPhoneNumber', param: 'phone', words: 'phone number' },
	id: { path: '/v2/LeadManagement.svc/Leads.GetById', param: 'id', words: 'lead ID' },
};

export async function get(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const client = await leadSquaredClient(this);
	return await executePerItem(
		this,
		await leadSquaredRedactor(this),
		async (itemIndex) => {
			const searchBy = this.getNodeParameter('searchBy', itemIndex) as keyof typeof LOOKUPS;
			const lookup = LOOKUPS[searchBy] ?? LOOKUPS.email;
			const value = searchValueOf(this.getNodeParameter('searchValue', itemIndex, ''), lookup === LOOKUPS.email, SEARCH_VALUE);
			if (!value) {
				throw new LeadInputError(`No ${lookup.words} to look for`, {
					field: 'searchValue',
					description: `Set "Value" to the ${lookup.words}, for example {{ $json.email }}.`,
				});
			}
			const found = await client.request<Array<Record<string, unknown>>>('GET', lookup.path, { qs: { [lookup.param]: value } });
			const leads = Array.isArray(found) ? found : [];
			// LeadSquared lists the most recently active lead first when a phone matches several.
			const lead = leads[0];
			return lead
				? { found: true, id: String(lead.ProspectID ?? lead.ProspectId ?? ''), crm: 'LeadSquared', lead, matches: leads.length }
				: { found: false, crm: 'LeadSquared', searchedBy: searchBy, value };
		},
		describeCallError,
	);
}
