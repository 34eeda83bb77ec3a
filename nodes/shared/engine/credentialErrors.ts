import type { LeadFailure } from './types';

const CHOOSE_CREDENTIAL =
	'Open this node, choose your account under "Credential to connect with" (or create a new credential there), save, and publish the workflow again.';

/**
 * n8n's own refusals when a node has no usable credential: none chosen, or one that does not
 * exist in this n8n (typical right after importing a workflow from elsewhere). They reach the
 * node wrapped like a failed call, and would otherwise read as a network problem.
 */
export function describeCredentialProblem(error: unknown): LeadFailure | undefined {
	for (let current = error, depth = 0; current && depth < 5; depth++) {
		const message = String((current as { message?: unknown }).message ?? '');
		if (/^Node does not have any credentials set/.test(message) || /^Credentials not found$/.test(message)) {
			return { message: 'No credential is chosen for this node', description: CHOOSE_CREDENTIAL };
		}
		const missing = /^Credential with ID "([^"]*)" (?:does not exist|was not found)/.exec(message);
		if (missing) {
			return {
				message: `The credential chosen for this node does not exist in this n8n (ID ${missing[1]})`,
				description: `This happens when a workflow is imported from another n8n. ${CHOOSE_CREDENTIAL}`,
			};
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}
