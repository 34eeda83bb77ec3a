import { Act365Sandbox } from './act365/Act365Sandbox';
import { ActOnSandbox } from './acton/ActOnSandbox';
import type { Sandbox } from './framework';
import { LeadSquaredSandbox } from './leadsquared/LeadSquaredSandbox';
import { ZohoSandbox } from './zoho/ZohoSandbox';

export { Act365Sandbox, ActOnSandbox, LeadSquaredSandbox, ZohoSandbox };

/** Ports the demo, the end-to-end tests and `npm run sandbox` agree on. */
export const SANDBOX_PORTS = { zoho: 4101, leadsquared: 4102, acton: 4103, act365: 4104 } as const;

export interface SandboxSet {
	zoho: ZohoSandbox;
	leadsquared: LeadSquaredSandbox;
	acton: ActOnSandbox;
	act365: Act365Sandbox;
}

export interface RunningSandboxes {
	sandboxes: SandboxSet;
	/** Where each API answers: Zoho's accounts and API host, LeadSquared's account-region host, Act-On's host, Act! 365's base. */
	urls: Record<keyof SandboxSet, string>;
	close(): Promise<void>;
}

/** Starts all four emulators on 127.0.0.1 (fixed ports, or free ones for parallel test files). */
export async function startSandboxes(
	options: { fixedPorts?: boolean; latencyMs?: number; strictContract?: boolean } = {},
): Promise<RunningSandboxes> {
	const common = { latencyMs: options.latencyMs, strictContract: options.strictContract };
	const sandboxes: SandboxSet = {
		zoho: new ZohoSandbox(common),
		leadsquared: new LeadSquaredSandbox(common),
		acton: new ActOnSandbox(common),
		act365: new Act365Sandbox(common),
	};
	const started: Sandbox[] = [];
	try {
		for (const [name, sandbox] of Object.entries(sandboxes) as Array<[keyof SandboxSet, Sandbox]>) {
			await sandbox.listen(options.fixedPorts ? SANDBOX_PORTS[name] : 0);
			started.push(sandbox);
		}
	} catch (error) {
		await Promise.all(started.map((sandbox) => sandbox.close()));
		throw error;
	}
	return {
		sandboxes,
		urls: {
			zoho: sandboxes.zoho.baseUrl,
			leadsquared: sandboxes.leadsquared.hostUrl(),
			acton: sandboxes.acton.baseUrl,
			act365: `${sandboxes.act365.baseUrl}/act/api`,
		},
		close: async () => {
			await Promise.all(Object.values(sandboxes).map((sandbox: Sandbox) => sandbox.close()));
		},
	};
}
