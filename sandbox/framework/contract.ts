/**
 * The answer fields a vendor documents for one endpoint, as dotted paths: `Message.Id`,
 * `data[].details.id`, `[].LeadId` (a top-level array), `records[].*` (any key, kept whole).
 * Every path listed here is also a row of the CRM's CONTRACT.md.
 */
export type AnswerContract = readonly string[];

type ContractTree = { [key: string]: ContractTree | true };

function buildTree(paths: AnswerContract): ContractTree {
	const root: ContractTree = {};
	for (const path of paths) {
		const steps = path.split('.').flatMap((part) => {
			const name = part.replace(/\[\]$/, '');
			const isArray = part.endsWith('[]');
			return [...(name ? [name] : []), ...(isArray ? ['[]'] : [])];
		});
		let node = root;
		steps.forEach((step, index) => {
			if (index === steps.length - 1) {
				node[step] = true;
				return;
			}
			const next = node[step];
			if (next === true) return;
			node = next ?? (node[step] = {});
		});
	}
	return root;
}

function prune(value: unknown, tree: ContractTree | true): unknown {
	if (tree === true || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) {
		const element = tree['[]'];
		return element ? value.map((entry) => prune(entry, element)) : [];
	}
	if (tree['*'] === true) return value;
	const kept: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
		const branch = tree[key] ?? tree['*'];
		if (branch) kept[key] = prune(entry, branch);
	}
	return kept;
}

/** The answer with every field the contract does not list removed (strict mode). */
export function pruneToContract(body: unknown, contract: AnswerContract): unknown {
	if (typeof body === 'string' || body === undefined) return body;
	return prune(body, buildTree(contract));
}
