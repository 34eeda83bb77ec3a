import { NodeApiError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type JsonObject } from 'n8n-workflow';

import { inspectHttpError, LeadInputError } from '../../shared/engine/errors';
import { executePerItem } from '../../shared/engine/LeadUpsertEngine';
import { isBlankText, normaliseEmail } from '../../shared/engine/text';
import { describeCallError } from '../helpers/errors';
import { actOnRedactor } from '../helpers/redaction';
import { accountPacer, actOnApiRequest } from '../transport';

type LookupAnswer = IDataObject & { id?: string; contact_id?: string };

export async function get(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const listId = String(this.getNodeParameter('list', 0, '', { extractValue: true }) ?? '').trim();
	// Look-ups run one at a time; the pacer's parallel-call cap stays what upserts share.
	const pacer = await accountPacer(this);
	return await executePerItem(
		this,
		await actOnRedactor(this),
		async (itemIndex) => {
			const raw = String(this.getNodeParameter('email', itemIndex, '') ?? '');
			if (isBlankText(raw)) {
				throw new LeadInputError('No e-mail address to look for', {
					field: 'email',
					description: 'Set "Email" to the contact\'s address, for example {{ $json.email }}.',
				});
			}
			// Found as it was stored: normalised the way the upsert writes it.
			const email = normaliseEmail(raw, { id: 'email', displayName: 'Email' });
			let body: LookupAnswer;
			try {
				body = (
					await pacer.run(() =>
						actOnApiRequest<LookupAnswer>(this, 'GET', `/api/1/list/lookup/${encodeURIComponent(listId)}`, { qs: { email } }),
					)
				).body;
			} catch (error) {
				const info = inspectHttpError(error);
				// "Invalid contact" is how Act-On says no contact has this address.
				const code = String((info.body as IDataObject | undefined)?.errorCode ?? '');
				if (info.status === 404 || code === '10008') return { found: false, crm: 'Act-On', listId, email };
				throw new NodeApiError(this.getNode(), error as JsonObject);
			}
			const { id, contact_id: contactId, ...record } = body;
			return { found: true, id: String(contactId ?? id), crm: 'Act-On', listId, email, record };
		},
		describeCallError,
	);
}
