import { LookupCache } from '../../shared/engine/lookupCache';
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { CrmField } from '../../shared/engine/fields';
import type { Pacer } from '../../shared/engine/pacing';
import { actOnApiRequest } from '../transport';
import { accountKey, ACTON_CREDENTIAL } from './account';

export interface ActOnListSummary {
	id: string;
	name: string;
	folderName?: string;
	sourceSize?: string;
}

export interface ActOnListColumns {
	listId: string;
	/** Column headings in list order, without the `_contact_id_` pseudo column. */
	headings: string[];
	emailHeading: string;
}

interface ListDetail {
	headers?: string[];
	emailColumn?: number | string;
}

/** Act-On returns at most 1000 lists per page. */
const PAGE_SIZE = 1000;

export async function getContactLists(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<ActOnListSummary[]> {
	const lists: ActOnListSummary[] = [];
	for (let offset = 0; ; offset += PAGE_SIZE) {
		const { body } = await actOnApiRequest<{ result?: ActOnListSummary[]; totalCount?: number }>(ctx, 'GET', '/api/1/list', {
			qs: { listingtype: 'contact_list', count: PAGE_SIZE, offset },
		});
		const page = body.result ?? [];
		lists.push(...page);
		if (page.length < PAGE_SIZE || (body.totalCount !== undefined && lists.length >= body.totalCount)) return lists;
	}
}

/**
 * The list's e-mail column: `emailColumn` indexes `headers` (which start with `_contact_id_`);
 * when it is missing, the heading that reads like an e-mail.
 */
function emailHeadingOf(detail: ListDetail, headings: string[]): string | undefined {
	const index = Number(detail.emailColumn);
	const byIndex = Number.isInteger(index) ? detail.headers?.[index] : undefined;
	if (byIndex && headings.includes(byIndex)) return byIndex;
	return headings.find((heading) => /^e-?mail(\s*address)?$/i.test(heading.trim())) ?? headings.find((heading) => /e-?mail/i.test(heading));
}

const cache = new LookupCache<ActOnListColumns>(5 * 60 * 1000);

/**
 * The list's column headings from Act-On, kept five minutes per account so a webhook that runs
 * once per lead does not spend a call of its per-second limit on metadata every time.
 */
export async function getListColumns(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	listId: string,
	options: { fresh?: boolean; pacer?: Pacer } = {},
): Promise<ActOnListColumns> {
	const key = `${accountKey(await ctx.getCredentials(ACTON_CREDENTIAL))}|${listId}`;
	const call = () =>
		actOnApiRequest<ListDetail>(ctx, 'GET', `/api/1/list/${encodeURIComponent(listId)}`, { qs: { count: 1, offset: 0 } });
	return await cache.get(
		key,
		async () => {
			const { body } = options.pacer ? await options.pacer.run(call) : await call();
			const headings = (body.headers ?? []).filter((heading) => heading !== '_contact_id_');
			return { listId, headings, emailHeading: emailHeadingOf(body, headings) ?? '' };
		},
		options.fresh,
	);
}

/** Every heading is free text in Act-On; the e-mail column is the key and the only required one. */
export function toCrmFields(columns: ActOnListColumns): CrmField[] {
	return columns.headings.map((heading) => ({
		id: heading,
		displayName: heading,
		type: 'string',
		format: heading === columns.emailHeading ? 'email' : undefined,
		required: heading === columns.emailHeading,
		unique: heading === columns.emailHeading,
	}));
}
