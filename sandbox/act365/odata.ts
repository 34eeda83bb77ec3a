/**
 * The slice of OData v3 query options Act! 365 clients send: `$filter` with comparisons joined by
 * `and` / `or` (and parentheses), `$orderby`, `$top`, `$skip`, `$select`. OData v3 has no `in`
 * operator, so a batched look-up is an `or` chain: `emailAddress eq 'a' or emailAddress eq 'b'`.
 */

export class ODataError extends Error {}

type Literal = string | number | boolean | null;
type Operand = { kind: 'field'; name: string } | { kind: 'literal'; value: Literal };
const COMPARISONS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Comparison = (typeof COMPARISONS)[number];

export type FilterNode =
	| { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
	| { kind: 'not'; operand: FilterNode }
	| { kind: 'cmp'; op: Comparison; left: Operand; right: Operand };

type Token =
	| { t: 'word'; v: string; at: number }
	| { t: 'str'; v: string; at: number }
	| { t: 'num'; v: number; at: number }
	| { t: '(' | ')'; at: number };

function tokenize(source: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < source.length) {
		const c = source[i];
		if (/\s/.test(c)) {
			i++;
		} else if (c === '(' || c === ')') {
			tokens.push({ t: c, at: i++ });
		} else if (c === "'" || /^datetime'/i.test(source.slice(i))) {
			// A quote inside a literal is written twice (OData rule): 'O''Brien'. The v3 date
			// literal datetime'2026-11-20T09:15:02Z' is kept as its ISO text, which sorts correctly.
			const at = i;
			i = source.indexOf("'", i) + 1;
			let value = '';
			for (;;) {
				if (i >= source.length) throw new ODataError(`Unterminated string literal at position ${at}.`);
				if (source[i] === "'") {
					if (source[i + 1] !== "'") break;
					i++;
				}
				value += source[i++];
			}
			i++;
			tokens.push({ t: 'str', v: value, at });
		} else if (/[-\d]/.test(c)) {
			const match = /^-?\d+(\.\d+)?/.exec(source.slice(i));
			if (!match) throw new ODataError(`Syntax error at position ${i}.`);
			tokens.push({ t: 'num', v: Number(match[0]), at: i });
			i += match[0].length;
		} else if (/[A-Za-z_]/.test(c)) {
			const match = /^[A-Za-z_][\w/]*/.exec(source.slice(i))!;
			tokens.push({ t: 'word', v: match[0], at: i });
			i += match[0].length;
		} else {
			throw new ODataError(`Syntax error: unexpected '${c}' at position ${i}.`);
		}
	}
	return tokens;
}

/**
 * Parses a `$filter`. `fields` are the property names the entity has, matched
 * case-insensitively and returned in their canonical spelling; any other name is a 400.
 */
export function parseFilter(source: string, fields: readonly string[], entity: string): FilterNode {
	const tokens = tokenize(source);
	let pos = 0;
	const peekWord = (word: string) => {
		const token = tokens[pos];
		return token?.t === 'word' && token.v.toLowerCase() === word;
	};
	const fail = (what: string): never => {
		const token = tokens[pos];
		throw new ODataError(token ? `Syntax error: ${what} at position ${token.at}.` : `Syntax error: ${what} at end of expression.`);
	};

	const operand = (): Operand => {
		const token = tokens[pos++];
		if (!token) return fail('expected an operand');
		if (token.t === 'str' || token.t === 'num') return { kind: 'literal', value: token.v };
		if (token.t !== 'word') {
			pos--;
			return fail('expected an operand');
		}
		const lower = token.v.toLowerCase();
		if (lower === 'null') return { kind: 'literal', value: null };
		if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
		if (tokens[pos]?.t === '(') throw new ODataError(`Unknown function '${token.v}'.`);
		const name = fields.find((field) => field.toLowerCase() === lower);
		if (!name) throw new ODataError(`Could not find a property named '${token.v}' on type '${entity}'.`);
		return { kind: 'field', name };
	};

	const primary = (): FilterNode => {
		if (tokens[pos]?.t === '(') {
			pos++;
			const inner = orExpr();
			if (tokens[pos]?.t !== ')') fail("expected ')'");
			pos++;
			return inner;
		}
		if (peekWord('not')) {
			pos++;
			return { kind: 'not', operand: primary() };
		}
		const left = operand();
		const opToken = tokens[pos];
		const op = opToken?.t === 'word' ? (opToken.v.toLowerCase() as Comparison) : undefined;
		if (!op || !COMPARISONS.includes(op)) return fail('expected a comparison operator (eq, ne, gt, ge, lt, le)');
		pos++;
		return { kind: 'cmp', op, left, right: operand() };
	};

	const andExpr = (): FilterNode => {
		let node = primary();
		while (peekWord('and')) {
			pos++;
			node = { kind: 'and', left: node, right: primary() };
		}
		return node;
	};

	const orExpr = (): FilterNode => {
		let node = andExpr();
		while (peekWord('or')) {
			pos++;
			node = { kind: 'or', left: node, right: andExpr() };
		}
		return node;
	};

	if (tokens.length === 0) throw new ODataError('The $filter expression is empty.');
	const tree = orExpr();
	if (pos < tokens.length) fail('unexpected token');
	return tree;
}

/**
 * String comparisons ignore case: Act! stores records in SQL Server, whose default collation is
 * case-insensitive (assumed, not observed). That is what makes an email look-up match
 * `Ada@Example.org` against `ada@example.org`.
 */
function compare(a: unknown, b: unknown): number | undefined {
	if (a === null || a === undefined || b === null || b === undefined) return undefined;
	if (typeof a === 'string' && typeof b === 'string') {
		const x = a.toLowerCase();
		const y = b.toLowerCase();
		return x < y ? -1 : x > y ? 1 : 0;
	}
	if (typeof a === 'number' || typeof b === 'number') return Number(a) - Number(b);
	return a === b ? 0 : undefined;
}

export function matches(node: FilterNode, record: Record<string, unknown>): boolean {
	switch (node.kind) {
		case 'and':
			return matches(node.left, record) && matches(node.right, record);
		case 'or':
			return matches(node.left, record) || matches(node.right, record);
		case 'not':
			return !matches(node.operand, record);
		case 'cmp': {
			const value = (o: Operand) => (o.kind === 'field' ? (record[o.name] ?? null) : o.value);
			const a = value(node.left);
			const b = value(node.right);
			if (a === null || b === null) {
				if (node.op === 'eq') return a === b;
				if (node.op === 'ne') return a !== b;
				return false;
			}
			const order = compare(a, b);
			if (order === undefined || Number.isNaN(order)) return node.op === 'ne';
			const results: Record<Comparison, boolean> = {
				eq: order === 0,
				ne: order !== 0,
				gt: order > 0,
				ge: order >= 0,
				lt: order < 0,
				le: order <= 0,
			};
			return results[node.op];
		}
	}
}

export interface QueryOptions {
	filter?: FilterNode;
	orderBy: Array<{ field: string; desc: boolean }>;
	top: number;
	skip: number;
	select?: string[];
}

/**
 * Reads `$filter`, `$orderby`, `$top`, `$skip` and `$select` (option names are matched
 * case-insensitively, as ASP.NET does). `maxTop` is both the page ceiling and the default.
 */
export function readQuery(query: URLSearchParams, fields: readonly string[], entity: string, maxTop: number): QueryOptions {
	const get = (name: string) => {
		for (const [key, value] of query) if (key.toLowerCase() === name) return value;
		return undefined;
	};
	const canonical = (name: string, option: string) => {
		const found = fields.find((field) => field.toLowerCase() === name.toLowerCase());
		if (!found) throw new ODataError(`Could not find a property named '${name}' on type '${entity}' (in ${option}).`);
		return found;
	};
	const integer = (option: string, fallback: number) => {
		const raw = get(option);
		if (raw === undefined) return fallback;
		if (!/^\d+$/.test(raw.trim())) throw new ODataError(`Invalid value '${raw}' for ${option}: expected a non-negative integer.`);
		return Number(raw);
	};

	const filterText = get('$filter');
	const top = integer('$top', maxTop);
	if (top > maxTop) throw new ODataError(`The limit of '${maxTop}' for Top query has been exceeded. The value from the incoming request is '${top}'.`);
	const orderBy = (get('$orderby') ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean)
		.map((part) => {
			const [name, direction, extra] = part.split(/\s+/);
			if (extra !== undefined || (direction && !/^(asc|desc)$/i.test(direction))) throw new ODataError(`Invalid $orderby clause '${part}'.`);
			return { field: canonical(name, '$orderby'), desc: direction?.toLowerCase() === 'desc' };
		});
	const selectText = get('$select');
	return {
		filter: filterText === undefined ? undefined : parseFilter(filterText, fields, entity),
		orderBy,
		top,
		skip: integer('$skip', 0),
		select: selectText === undefined ? undefined : selectText.split(',').map((name) => canonical(name.trim(), '$select')),
	};
}

/** Filters, orders, pages and projects `records` as the query options say. */
export function applyQuery<T extends Record<string, unknown>>(records: T[], options: QueryOptions): Array<Partial<T>> {
	let result = options.filter ? records.filter((record) => matches(options.filter!, record)) : [...records];
	if (options.orderBy.length > 0) {
		// Array.prototype.sort is stable, so ties keep store (insertion) order.
		result.sort((a, b) => {
			for (const { field, desc } of options.orderBy) {
				const order = compare(a[field], b[field]) ?? 0;
				if (order !== 0) return desc ? -order : order;
			}
			return 0;
		});
	}
	result = result.slice(options.skip, options.skip + options.top);
	if (!options.select) return result;
	const select = options.select;
	return result.map((record) => Object.fromEntries(select.map((field) => [field, record[field] ?? null])) as Partial<T>);
}
