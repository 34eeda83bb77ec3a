import { ExecuteContext, ExecutionLifecycleHooks, LoadOptionsContext, RoutingNode, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IRun,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { CredentialStore, TestCredentialsHelper } from './credentialsHelper';
import { loadPackageTypes } from './packageTypes';

export { CredentialStore } from './credentialsHelper';

const types = loadPackageTypes();
export const packageTypes = types;

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface RunNodeOptions {
	/** Node type name without the package prefix, e.g. 'zohoCrmLeadUpsert'. */
	type: string;
	parameters: INodeParameters;
	/** Credential type → id in the store. */
	credentials: Record<string, string>;
	items: IDataObject[];
	store: CredentialStore;
	onError?: OnError;
	typeVersion?: number;
}

export interface NodeRun {
	/** Items on the main output. */
	success: INodeExecutionData[];
	/** Items on the error output (onError 'continueErrorOutput'). */
	errors: INodeExecutionData[];
	/** The workflow-level error, when the node stopped the workflow. */
	error?: Error & { description?: string; context?: IDataObject };
	run: IRun;
}

function additionalData(store: CredentialStore, workflowData: IWorkflowBase, mode: WorkflowExecuteMode): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:5678';
	return {
		credentialsHelper: new TestCredentialsHelper(store, types.credentials),
		hooks: new ExecutionLifecycleHooks(mode, `exec-${Date.now()}`, workflowData),
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not used in these tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		currentNodeExecutionIndex: 0,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Task runners are not used in these tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

function nodeUnderTest(options: Pick<RunNodeOptions, 'type' | 'parameters' | 'credentials' | 'onError' | 'typeVersion'>): INode {
	const fullType = `${types.packageName}.${options.type}`;
	const description = (types.nodes.get(fullType) as INodeType).description;
	const version = options.typeVersion ?? (Array.isArray(description.version) ? description.version.at(-1)! : description.version);
	return {
		id: 'node-under-test',
		name: 'Node Under Test',
		type: fullType,
		typeVersion: version,
		position: [200, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries(
			Object.entries(options.credentials).map(([type, id]) => [type, { id, name: `${type} test` }]),
		),
		...(options.onError ? { onError: options.onError } : {}),
	};
}

/** Executes Test Input → node under test through n8n-core's WorkflowExecute, as n8n runs a workflow. */
export async function runNode(options: RunNodeOptions): Promise<NodeRun> {
	const input: INode = {
		id: 'input',
		name: 'Test Input',
		type: 'test.testInput',
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(options.items) },
	};
	const target = nodeUnderTest(options);
	const connections = { [input.name]: { main: [[{ node: target.name, type: 'main' as const, index: 0 }]] } };
	const workflowData = {
		id: 'wf-test',
		name: 'test',
		nodes: [input, target],
		connections,
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	} as unknown as IWorkflowBase;
	const workflow = new Workflow({ ...workflowData, nodeTypes: types.nodeTypes });
	const run = await new WorkflowExecute(additionalData(options.store, workflowData, 'manual'), 'manual').run({
		workflow,
		startNode: input,
		destinationNode: { nodeName: target.name, mode: 'inclusive' },
	});
	const taskData = run.data.resultData.runData[target.name]?.[0];
	const main = taskData?.data?.main ?? [];
	return {
		success: main[0] ?? [],
		errors: main[1] ?? [],
		error: (run.data.resultData.error ?? taskData?.error) as NodeRun['error'],
		run,
	};
}

function standaloneContext<T>(
	options: Pick<RunNodeOptions, 'type' | 'parameters' | 'credentials' | 'store'>,
	make: (workflow: Workflow, node: INode, data: IWorkflowExecuteAdditionalData) => T,
): T {
	const node = nodeUnderTest(options);
	const workflowData = { id: 'wf-options', name: 'options', nodes: [node], connections: {}, active: false, settings: {} } as unknown as IWorkflowBase;
	const workflow = new Workflow({ ...workflowData, nodeTypes: types.nodeTypes });
	return make(workflow, node, additionalData(options.store, workflowData, 'internal'));
}

/** Calls a node's methods (loadOptions, listSearch, resourceMapping) the way the editor does. */
export async function callNodeMethod<T>(
	options: Pick<RunNodeOptions, 'type' | 'parameters' | 'credentials' | 'store'> & {
		kind: 'loadOptions' | 'listSearch' | 'resourceMapping';
		method: string;
		args?: unknown[];
	},
): Promise<T> {
	return await standaloneContext(options, async (workflow, node, data) => {
		const context = new LoadOptionsContext(workflow, node, data, 'parameters');
		const nodeType = types.nodes.get(node.type) as INodeType;
		const methods = nodeType.methods?.[options.kind] as Record<string, (...args: unknown[]) => Promise<T>> | undefined;
		const method = methods?.[options.method];
		if (!method) throw new Error(`${options.type} has no ${options.kind}.${options.method}`);
		return await method.call(context, ...(options.args ?? []));
	});
}

/** Runs a credential's `test` block the way n8n's CredentialsTester does (RoutingNode on a noOp node). */
export async function testCredential(
	store: CredentialStore,
	credentialType: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const type = types.credentials.get(credentialType);
	if (!type?.test) return { status: 'Error', message: 'No testing function found for this credential.' };
	const stored = store.add(credentialType, data);
	const helper = new TestCredentialsHelper(store, types.credentials);
	const decrypted = { id: stored.id, name: stored.name, type: credentialType, data: helper.withDefaults(credentialType, stored.data) };
	const testNodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'n8n-nodes-base.noOp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: credentialType, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: type.test.request }, default: '' }],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType]: { id: stored.id, name: stored.name } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => testNodeType,
			getByNameAndVersion: () => testNodeType,
			getKnownTypes: () => ({}),
		},
	});
	const workflowData = { id: 'wf-cred-test', name: 'credential test', nodes: [node], connections: {}, active: false, settings: {} } as unknown as IWorkflowBase;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData(store, workflowData, 'internal'),
		'internal',
		{ resultData: { runData: {} } } as never,
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	try {
		await new RoutingNode(context, testNodeType, decrypted).runNode();
	} catch (error) {
		const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }).cause;
		if (cause?.response) {
			for (const rule of type.test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === cause.response.status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			return { status: 'Error', message: cause.response.statusText || `Received HTTP status code: ${cause.response.status}` };
		}
		if (cause?.code) return { status: 'Error', message: cause.code };
		return { status: 'Error', message: (error as Error).message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}
