import type { CrmField } from '../../shared/engine/fields';
import type { RecordOutcome } from '../../shared/engine/types';
import type { LeadSquaredClient, LeadSquaredError } from '../transport';
import { describeActivityError } from './errors';
import type { ActivityType } from './fields';
import type { LeadPayload } from './leads';

/** One item of "Create or Update and Post Activity": the lead, and the activity to post on it. */
export interface ActivityPayload {
	lead: LeadPayload;
	activity: {
		ActivityEvent: number;
		ActivityNote: string;
		/** Set once per item, so the same activity can be recognised after a lost answer. */
		ActivityDateTime: string;
		Fields: Array<{ SchemaName: string; Value: string }>;
	};
	skipDropDownValidation: boolean;
}

/**
 * A row of ProspectActivity.svc/Retrieve. `Id`, `EventCode` and `CreatedOn` are documented;
 * `ActivityDateTime`, `ActivityNote` and the `Data` entries' keys are not, so they may only confirm a
 * post, never clear one for sending again (sandbox/leadsquared/CONTRACT.md).
 */
interface RetrievedActivity {
	Id: string;
	EventCode?: number;
	CreatedOn?: string;
	ActivityDateTime?: string;
	ActivityNote?: string;
	Data?: Array<{ Key: string; Value: string }>;
}

/**
 * How much earlier than our first send a lost post's `CreatedOn` may read: the API documents its
 * date-times as UTC, but should an account's clock or zone differ, any offset on Earth (up to
 * 14 hours) still keeps the post in view, so it is never taken for absent.
 */
const CREATED_ON_SLACK_MS = 14 * 60 * 60 * 1000;

/** Pages of a lead's activities read when checking for a post whose answer was lost. */
const MAX_ACTIVITY_PAGES = 10;
const ACTIVITY_PAGE_SIZE = 100;

/** What both ways of posting report next to the activity's id. */
export function activityDetails(item: ActivityPayload, leadId: string | null) {
	return {
		leadId,
		activityEvent: item.activity.ActivityEvent,
		activityDateTime: item.activity.ActivityDateTime,
	};
}

/** The account's settings a post's errors are explained with. */
export interface ActivityContext {
	leadFields: CrmField[];
	activityFields: Map<number, CrmField[]>;
	types: ActivityType[];
}

/** LeadSquared's refusal of one lead + activity, naming the activity field, the type or the lead field. */
export function activityFailure(error: LeadSquaredError, item: ActivityPayload, context: ActivityContext): RecordOutcome {
	return {
		ok: false,
		failure: describeActivityError(
			error,
			context.leadFields,
			context.activityFields.get(item.activity.ActivityEvent) ?? [],
			item.lead.searchBy,
			context.types,
		),
	};
}

/**
 * After a lost answer: was this item's activity posted on `leadId`? Reads the lead's activities
 * of the item's type (documented `Retrieve`). None created since the first send (by the documented
 * `CreatedOn`, with CREATED_ON_SLACK_MS to spare) means it was not: undefined, send it again. A row
 * that shows this exact post (when LeadSquared includes its date-time and note) confirms it. Any
 * other row created since then might be this post, so the item fails, naming the lead and what
 * to check, rather than risking a second activity.
 */
export async function checkPostedActivity(
	client: LeadSquaredClient,
	leadId: string,
	item: ActivityPayload,
	firstSent: Date,
	context: Pick<ActivityContext, 'types'>,
	claimed: Set<string> = new Set(),
): Promise<RecordOutcome | undefined> {
	const since = firstSent.getTime() - CREATED_ON_SLACK_MS;
	let recent = 0;
	for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
		const answer = await client.request<{ RecordCount?: number; ProspectActivities?: RetrievedActivity[] }>(
			'POST',
			'/v2/ProspectActivity.svc/Retrieve',
			{
				qs: { leadId },
				body: { Parameter: { ActivityEvent: item.activity.ActivityEvent }, Paging: { Offset: page * ACTIVITY_PAGE_SIZE, RowCount: ACTIVITY_PAGE_SIZE } },
			},
		);
		const listed = (answer?.ProspectActivities ?? []).filter(
			(candidate) => candidate.EventCode === undefined || Number(candidate.EventCode) === item.activity.ActivityEvent,
		);
		for (const candidate of listed) {
			if (claimed.has(candidate.Id) || !createdSince(candidate.CreatedOn, since)) continue;
			if (sameActivity(candidate, item.activity)) {
				claimed.add(candidate.Id);
				return { ok: true, action: 'inserted', id: candidate.Id, details: { ...activityDetails(item, leadId), recoveredAfterLostAnswer: true } };
			}
			recent++;
		}
		if (listed.length < ACTIVITY_PAGE_SIZE || (page + 1) * ACTIVITY_PAGE_SIZE >= Number(answer?.RecordCount ?? 0)) break;
	}
	return recent === 0 ? undefined : unconfirmedActivity(item, leadId, recent, firstSent, context);
}

/** Unknown or unreadable dates count as recent: a doubt never leads to a second post. */
function createdSince(createdOn: string | undefined, since: number): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(createdOn ?? '');
	if (!match) return true;
	const [, y, mo, d, h, mi, sec] = match.map(Number);
	return Date.UTC(y, mo - 1, d, h, mi, sec) >= since;
}

function unconfirmedActivity(
	item: ActivityPayload,
	leadId: string,
	recent: number,
	firstSent: Date,
	context: Pick<ActivityContext, 'types'>,
): RecordOutcome {
	const type = context.types.find((t) => t.ActivityEvent === item.activity.ActivityEvent)?.DisplayName ?? `type ${item.activity.ActivityEvent}`;
	const key = `${item.lead.searchBy} ${String(item.lead.attributes[item.lead.searchBy] ?? '')}`;
	return {
		ok: false,
		failure: {
			message: `LeadSquared may already have posted this activity on lead ${leadId} (${key}): its answer was lost`,
			description:
				`The lead has ${recent} "${type}" ${recent === 1 ? 'activity' : 'activities'} from around ${firstSent.toISOString()} on, and LeadSquared's ` +
				'activity list does not show enough to tell whether one of them is this post. Open the lead in LeadSquared and check its ' +
				'activities; run this item again only if the activity is missing, or it will be posted twice.',
			code: 'ACTIVITY_UNCONFIRMED',
		},
	};
}

/** The exact post (event, date-time, note and field values), where the row shows them. */
function sameActivity(candidate: RetrievedActivity, activity: ActivityPayload['activity']): boolean {
	if (candidate.ActivityDateTime === undefined || candidate.ActivityDateTime !== activity.ActivityDateTime) return false;
	if ((candidate.ActivityNote ?? '') !== activity.ActivityNote) return false;
	const data = new Map((candidate.Data ?? []).map((entry) => [entry.Key.toLowerCase(), entry.Value]));
	return activity.Fields.every((field) => (data.get(field.SchemaName.toLowerCase()) ?? '') === field.Value);
}
