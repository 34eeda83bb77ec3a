import * as workflow from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

/**
 * n8n sends an item to a node's error output ("On Error: Continue (using error output)") when
 * its JSON looks like an error. n8n 2.x accepts the keys `error`, `message` and `details`; the
 * 1.x line only `error` and `message` (exactly those two), and treats anything else as a
 * success. Nodes are not told which n8n runs them, but 1.x's n8n-workflow lacks exports that
 * every 2.x has; this one came with 2.0.
 */
const DETAILS_ROUTED = 'NodeVersionNotFoundError' in workflow;

/**
 * On 1.x the classification has no key of its own: the message starts with it, as
 * `Retry later (crm-unavailable): …` or `Needs attention (refused): …`, which
 * `/^(Retry later|Needs attention) \(([a-z-]+)\): /` reads back.
 */
export function classificationPrefix(retryLater: boolean, reason: string): string {
	return `${retryLater ? 'Retry later' : 'Needs attention'} (${reason}): `;
}

/**
 * The JSON of one failed item: `{ error, details }` where n8n routes that, else (1.x) `{ error,
 * message }` with the classification and the fix as the message. n8n 1.x then adds the input
 * item's fields next to them, so a retry branch still finds the lead.
 */
export function errorItemJson(
	error: string,
	details: IDataObject & { fix?: string; retryLater: boolean; reason: string },
): IDataObject {
	if (DETAILS_ROUTED) return { error, details };
	return { error, message: `${classificationPrefix(details.retryLater, details.reason)}${details.fix ?? error}` };
}
