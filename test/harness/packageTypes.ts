import { join } from 'node:path';

import type {
	ICredentialType,
	IDataObject,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';

export const PACKAGE_ROOT = join(__dirname, '..', '..');
const PACKAGE_NAME = 'n8n-nodes-lead-upsert';

/** Feeds the items a test gives it to the node under test, like a trigger would. */
class TestInputNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Input',
		name: 'testInput',
		group: ['input'],
		version: 1,
		description: 'Emits the items given in its parameter',
		defaults: { name: 'Test Input' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: import('n8n-workflow').IExecuteFunctions) {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

/** The built package as n8n loads it: every node and credential listed in package.json's n8n field. */
export function loadPackageTypes() {
	 
	const pkg = require(join(PACKAGE_ROOT, 'package.json')) as { n8n: { nodes: string[]; credentials: string[] } };
	const nodes = new Map<string, INodeType | IVersionedNodeType>();
	const credentials = new Map<string, ICredentialType>();
	const instantiate = <T>(file: string): T => {
		 
		const module = require(join(PACKAGE_ROOT, file)) as Record<string, new () => T>;
		const Class = Object.values(module).find((value) => typeof value === 'function');
		if (!Class) throw new Error(`${file} exports no class`);
		return new Class();
	};
	for (const file of pkg.n8n.nodes) {
		const node = instantiate<INodeType | IVersionedNodeType>(file);
		nodes.set(`${PACKAGE_NAME}.${node.description.name}`, node);
	}
	for (const file of pkg.n8n.credentials) {
		const credential = instantiate<ICredentialType>(file);
		credentials.set(credential.name, credential);
	}
	nodes.set('test.testInput', new TestInputNode());

	const nodeTypes: INodeTypes = {
		getByName: (type) => {
			const found = nodes.get(type);
			if (!found) throw new Error(`Unknown node type ${type}`);
			return found;
		},
		getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(nodeTypes.getByName(type), version),
		getKnownTypes: () => ({}),
	};
	return { nodes, credentials, nodeTypes, packageName: PACKAGE_NAME };
}
