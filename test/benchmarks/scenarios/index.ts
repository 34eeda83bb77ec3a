import type { Scenario } from '../types';
import { zoho } from './zoho';

/** Every CRM the benchmark covers, in the order the report lists them. */
export const SCENARIOS: Scenario[] = [zoho];

export function scenarioFor(crm: string): Scenario {
	const scenario = SCENARIOS.find((candidate) => candidate.crm === crm);
	if (!scenario) throw new Error(`No benchmark scenario for ${crm}`);
	return scenario;
}
