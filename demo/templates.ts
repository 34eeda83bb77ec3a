/**
 * The example workflows shipped in templates/ (one workflow per JSON file), as the demo and the
 * end-to-end tests load them into n8n.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { activateWorkflow, n8nCli, REPO_ROOT, type N8nEnvOptions } from './runtime';

export const TEMPLATES_DIR = path.join(REPO_ROOT, 'templates');

export interface Webhook {
	method: string;
	path: string;
	/** URL prefix n8n serves it under: `webhook` for a Webhook node, `form` for a Form Trigger. */
	base: 'webhook' | 'form';
}

export interface TemplateWorkflow {
	file: string;
	/** Fixed id, so re-importing replaces the workflow instead of adding a copy. */
	id: string | undefined;
	name: string;
	webhooks: Webhook[];
	/** Started by a Schedule Trigger (the outbox replay): published like a webhook workflow. */
	scheduled: boolean;
}

interface WorkflowJson {
	id?: string;
	name?: string;
	nodes?: Array<{ type: string; parameters?: { path?: string; httpMethod?: string; options?: { path?: string } } }>;
}

export function readTemplates(dir = TEMPLATES_DIR): TemplateWorkflow[] {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as WorkflowJson;
			const webhooks: Webhook[] = [];
			const scheduled = (workflow.nodes ?? []).some((node) => node.type === 'n8n-nodes-base.scheduleTrigger');
			for (const node of workflow.nodes ?? []) {
				if (node.type === 'n8n-nodes-base.webhook' && node.parameters?.path) {
					webhooks.push({ method: node.parameters.httpMethod ?? 'GET', path: node.parameters.path, base: 'webhook' });
				}
				// A form is opened with GET and submitted with POST on the same path.
				if (node.type === 'n8n-nodes-base.formTrigger' && node.parameters?.options?.path) {
					webhooks.push({ method: 'POST', path: node.parameters.options.path, base: 'form' });
				}
			}
			return { file, id: workflow.id, name: workflow.name ?? file, webhooks, scheduled };
		});
}

/**
 * Imports every template, then publishes (2.x) or activates (1.x) the ones a webhook or a schedule
 * starts: n8n serves production webhook URLs and runs schedules only for those, and the server
 * must be (re)started afterwards.
 */
export async function importTemplates(home: string, dir = TEMPLATES_DIR, options: N8nEnvOptions = {}): Promise<TemplateWorkflow[]> {
	const templates = readTemplates(dir);
	if (templates.length === 0) return templates;
	for (const template of templates) {
		if (!template.id) console.warn(`  ${template.file} has no "id": it gets a new copy on every import.`);
	}
	await n8nCli(home, ['import:workflow', '--separate', `--input=${dir}`], options);
	for (const template of templates) {
		if (template.id && (template.webhooks.length > 0 || template.scheduled)) await activateWorkflow(home, template.id, options);
	}
	return templates;
}

/** Whether n8n serves this production URL yet, asked without running the workflow. */
async function isRegistered(url: string, webhook: Webhook): Promise<boolean> {
	// A form page is fetched with GET, which only renders it.
	if (webhook.base === 'form') {
		const response = await fetch(`${url}/form/${webhook.path}`);
		await response.arrayBuffer();
		return response.ok;
	}
	// A registered path answers another method with "Did you mean to make a POST request?".
	const response = await fetch(`${url}/webhook/${webhook.path}`, { method: webhook.method === 'PATCH' ? 'PUT' : 'PATCH' });
	return /did you mean/i.test(await response.text());
}

/**
 * n8n answers /healthz before it has registered the published workflows' webhooks, and a
 * production URL called in between gets a 404.
 */
export async function waitForWebhooks(url: string, templates: TemplateWorkflow[], timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (const webhook of templates.flatMap((template) => template.webhooks)) {
		for (;;) {
			if (await isRegistered(url, webhook)) break;
			if (Date.now() > deadline) throw new Error(`n8n did not register ${webhook.method} /${webhook.base}/${webhook.path} within ${timeoutMs / 1000} s`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}
