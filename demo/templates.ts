/**
 * The example workflows shipped in templates/ (one workflow per JSON file), as the demo and the
 * end-to-end tests load them into n8n.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { n8nCli, REPO_ROOT } from './runtime';

export const TEMPLATES_DIR = path.join(REPO_ROOT, 'templates');

export interface Webhook {
	method: string;
	path: string;
}

export interface TemplateWorkflow {
	file: string;
	/** Fixed id, so re-importing replaces the workflow instead of adding a copy. */
	id: string | undefined;
	name: string;
	webhooks: Webhook[];
}

interface WorkflowJson {
	id?: string;
	name?: string;
	nodes?: Array<{ type: string; parameters?: { path?: string; httpMethod?: string } }>;
}

export function readTemplates(dir = TEMPLATES_DIR): TemplateWorkflow[] {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as WorkflowJson;
			const webhooks = (workflow.nodes ?? [])
				.filter((node) => node.type === 'n8n-nodes-base.webhook' && node.parameters?.path)
				.map((node) => ({ method: node.parameters?.httpMethod ?? 'GET', path: String(node.parameters?.path) }));
			return { file, id: workflow.id, name: workflow.name ?? file, webhooks };
		});
}

/**
 * Imports every template, then publishes the ones a webhook starts (n8n serves production
 * webhook URLs only for published workflows; the server must be (re)started afterwards).
 */
export async function importTemplates(home: string, dir = TEMPLATES_DIR): Promise<TemplateWorkflow[]> {
	const templates = readTemplates(dir);
	if (templates.length === 0) return templates;
	for (const template of templates) {
		if (!template.id) console.warn(`  ${template.file} has no "id": it gets a new copy on every import.`);
	}
	await n8nCli(home, ['import:workflow', '--separate', `--input=${dir}`]);
	for (const template of templates) {
		if (template.id && template.webhooks.length > 0) await n8nCli(home, ['publish:workflow', `--id=${template.id}`]);
	}
	return templates;
}
