import type { Scenario } from '../types';
import { act365 } from './act365';
import { acton } from './acton';
import { leadsquared } from './leadsquared';
import { zoho } from './zoho';

/** Every CRM the benchmark covers, in the order the report lists them. */
export const SCENARIOS: Scenario[] = [zoho, leadsquared, acton, act365];

export function scenarioFor(crm: string): Scenario {
	const scenario = SCENARIOS.find((candidate) => candidate.crm === crm);
	if (!scenario) throw new Error(`No benchmark scenario for ${crm}`);
	return scenario;
}
