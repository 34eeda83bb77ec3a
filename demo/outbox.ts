/**
 * The "Lead outbox" data table the webhook templates and the replay workflow share (see the
 * README, "Outbox"). n8n's Data Table node (1.x and 2.x) reads and writes rows but, before 2.x's
 * node version 1.1, cannot create a table, so the demo and the tests create it through n8n's
 * REST API, as a person would in *Overview → Data tables*.
 */
export const OUTBOX_TABLE = 'Lead outbox';

/** Column names and types, in the order the Data tables view shows them. */
export const OUTBOX_COLUMNS: Array<{ name: string; type: 'string' | 'number' | 'date' }> = [
	{ name: 'key', type: 'string' },
	{ name: 'crm', type: 'string' },
	{ name: 'email', type: 'string' },
	{ name: 'status', type: 'string' },
	{ name: 'attempts', type: 'number' },
	{ name: 'nextAttemptAt', type: 'date' },
	{ name: 'reason', type: 'string' },
	{ name: 'lastError', type: 'string' },
	{ name: 'fix', type: 'string' },
	{ name: 'lead', type: 'string' },
	{ name: 'version', type: 'string' },
	{ name: 'claim', type: 'string' },
];

export interface OutboxRow {
	id: number;
	key: string;
	crm: string;
	email: string;
	status: 'queued' | 'needs attention' | 'given up';
	attempts: number;
	nextAttemptAt: string;
	reason: string;
	lastError: string;
	fix: string;
	lead: string;
	version: string;
	claim: string;
	createdAt: string;
	updatedAt: string;
}

async function rest(url: string, cookie: string, route: string, init: RequestInit = {}): Promise<any> {
	const response = await fetch(`${url}/rest/${route}`, {
		...init,
		headers: { cookie, 'content-type': 'application/json', ...(init.headers ?? {}) },
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`n8n answered ${response.status} to ${init.method ?? 'GET'} /rest/${route}: ${text}`);
	return (JSON.parse(text) as { data: unknown }).data;
}

export interface Outbox {
	projectId: string;
	tableId: string;
}

/** Creates the table in the signed-in user's personal project (where imported workflows live), once. */
export async function ensureOutboxTable(url: string, cookie: string): Promise<Outbox> {
	const project = (await rest(url, cookie, 'projects/personal')) as { id: string };
	const existing = (await rest(url, cookie, `projects/${project.id}/data-tables`)) as { data: Array<{ id: string; name: string }> };
	const found = existing.data.find((table) => table.name === OUTBOX_TABLE);
	if (found) return { projectId: project.id, tableId: found.id };
	const created = (await rest(url, cookie, `projects/${project.id}/data-tables`, {
		method: 'POST',
		body: JSON.stringify({ name: OUTBOX_TABLE, columns: OUTBOX_COLUMNS }),
	})) as { id: string };
	return { projectId: project.id, tableId: created.id };
}

/** Every row of the outbox, for the tests and for a look from the command line. */
export async function outboxRows(url: string, cookie: string, outbox: Outbox): Promise<OutboxRow[]> {
	const rows: OutboxRow[] = [];
	// Pages of at most 250 (2.x; 1.x gives fewer): read on until the count is reached.
	for (;;) {
		const page = (await rest(url, cookie, `projects/${outbox.projectId}/data-tables/${outbox.tableId}/rows?take=250&skip=${rows.length}`)) as { data: OutboxRow[]; count: number };
		rows.push(...page.data);
		if (page.data.length === 0 || rows.length >= page.count) return rows;
	}
}

export interface RowFilter {
	columnName: keyof OutboxRow;
	condition: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';
	value: string | number;
}

/**
 * Changes the rows that match every condition (n8n's REST API behind the Data tables view, 1.x and
 * 2.x); returns how many rows changed. The tests use it to put rows in the state a long outage leaves.
 */
export async function updateOutboxRows(url: string, cookie: string, outbox: Outbox, where: RowFilter[], data: Partial<OutboxRow>): Promise<number> {
	const changed = await rest(url, cookie, `projects/${outbox.projectId}/data-tables/${outbox.tableId}/rows`, {
		method: 'PATCH',
		body: JSON.stringify({ filter: { type: 'and', filters: where }, data, returnData: true }),
	});
	return Array.isArray(changed) ? changed.length : Number(changed);
}

/**
 * n8n 1.x's Data Table node finds a table by its ID only (2.x also by name, which the templates
 * use): points the Data Table nodes of these workflows, already imported, at this table's ID, as
 * choosing the table "From list" in each node would.
 */
export async function pointWorkflowsAtOutbox(url: string, cookie: string, outbox: Outbox, workflowIds: string[]): Promise<void> {
	for (const id of workflowIds) {
		const workflow = (await rest(url, cookie, `workflows/${id}`)) as {
			nodes: Array<{ type: string; parameters?: { dataTableId?: { mode?: string; value?: string } } }>;
			connections: unknown;
			versionId?: string;
		};
		let changed = false;
		for (const node of workflow.nodes) {
			const table = node.parameters?.dataTableId;
			if (node.type === 'n8n-nodes-base.dataTable' && table?.mode === 'name' && table.value === OUTBOX_TABLE) {
				node.parameters!.dataTableId = { __rl: true, mode: 'id', value: outbox.tableId } as never;
				changed = true;
			}
		}
		if (!changed) continue;
		await rest(url, cookie, `workflows/${id}?forceSave=true`, {
			method: 'PATCH',
			body: JSON.stringify({ nodes: workflow.nodes, connections: workflow.connections, versionId: workflow.versionId }),
		});
	}
}
