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

interface RetrievedActivity {
	Id: string;
	EventCode?: number;
	ActivityDateTime?: string;
	ActivityNote?: string;
	Data?: Array<{ Key: string; Value: string }>;
}

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

/** The outcome of an activity LeadSquared turned out to have written although its answer was lost. */
export function recoveredActivity(item: ActivityPayload, leadId: string, activityId: string): RecordOutcome {
	return { ok: true, action: 'inserted', id: activityId, details: { ...activityDetails(item, leadId), recoveredAfterLostAnswer: true } };
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
 * The post on `leadId` with this event, date-time, note and field values, if LeadSquared has it:
 * how a post whose answer was lost is told apart from one that never arrived.
 */
export async function findPostedActivity(
	client: LeadSquaredClient,
	leadId: string,
	activity: ActivityPayload['activity'],
): Promise<{ Id: string } | undefined> {
	for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
		const answer = await client.request<{ RecordCount?: number; ProspectActivities?: RetrievedActivity[] }>(
			'POST',
			'/v2/ProspectActivity.svc/Retrieve',
			{
				qs: { leadId },
				body: { Parameter: { ActivityEvent: activity.ActivityEvent }, Paging: { Offset: page * ACTIVITY_PAGE_SIZE, RowCount: ACTIVITY_PAGE_SIZE } },
			},
		);
		const listed = answer?.ProspectActivities ?? [];
		const match = listed.find((candidate) => sameActivity(candidate, activity));
		if (match) return match;
		if (listed.length < ACTIVITY_PAGE_SIZE || (page + 1) * ACTIVITY_PAGE_SIZE >= Number(answer?.RecordCount ?? 0)) return undefined;
	}
	return undefined;
}

/** Same event, date-time, note and field values: the post whose answer was lost. */
function sameActivity(candidate: RetrievedActivity, activity: ActivityPayload['activity']): boolean {
	if (candidate.EventCode !== undefined && Number(candidate.EventCode) !== activity.ActivityEvent) return false;
	if (candidate.ActivityDateTime !== activity.ActivityDateTime) return false;
	if ((candidate.ActivityNote ?? '') !== activity.ActivityNote) return false;
	const data = new Map((candidate.Data ?? []).map((entry) => [entry.Key.toLowerCase(), entry.Value]));
	return activity.Fields.every((field) => (data.get(field.SchemaName.toLowerCase()) ?? '') === field.Value);
}
