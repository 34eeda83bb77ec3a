import { LeadInputError } from './errors';
import { lookupOf, type CrmField } from './fields';

export interface ShapeOptions {
	/** Send empty values (as the CRM's "clear" value) instead of leaving the field untouched. */
	clearEmptyFields: boolean;
	/** How the CRM wants dates and date-times written. */
	formatDate(date: Date, withTime: boolean): string;
	/** How the CRM wants several picklist values written. */
	joinMulti?(values: string[]): unknown;
	/** The CRM's "clear this field" value. */
	emptyValue?: unknown;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off']);

export function isEmpty(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		(typeof value === 'string' && value.trim() === '') ||
		(Array.isArray(value) && value.length === 0)
	);
}

export function isValidEmail(value: string): boolean {
	return EMAIL.test(value.trim());
}

/**
 * Writes each value the way its field type needs, and leaves empty ones out unless asked to
 * clear them (a blank phone or picklist would otherwise be rejected or wipe data).
 */
export function shapeValues(
	values: Record<string, unknown>,
	fields: CrmField[],
	options: ShapeOptions,
): Record<string, unknown> {
	const { byId } = lookupOf(fields);
	const out: Record<string, unknown> = {};
	for (const [id, raw] of Object.entries(values)) {
		if (isEmpty(raw)) {
			if (options.clearEmptyFields) out[id] = options.emptyValue ?? null;
			continue;
		}
		const field = byId.get(id);
		out[id] = field ? shapeValue(field, raw, options) : raw;
	}
	return out;
}

export function shapeValue(field: CrmField, raw: unknown, options: ShapeOptions): unknown {
	const fail = (expected: string) =>
		new LeadInputError(`Field "${field.id}" needs ${expected}, got ${JSON.stringify(raw)}`, {
			field: field.id,
			description: `Change the value mapped to "${field.displayName}" to ${expected}.`,
		});

	if (field.format === 'multiOptions') {
		const list = (Array.isArray(raw) ? raw : String(raw).split(/[;,]/))
			.map((entry) => String(entry).trim())
			.filter(Boolean);
		return options.joinMulti ? options.joinMulti(list) : list;
	}
	switch (field.type) {
		case 'number': {
			const number = typeof raw === 'number' ? raw : Number(String(raw).replace(/[\s,](?=\d{3}\b)/g, ''));
			if (!Number.isFinite(number)) throw fail('a number');
			return number;
		}
		case 'boolean': {
			if (typeof raw === 'boolean') return raw;
			const word = String(raw).trim().toLowerCase();
			if (TRUE_WORDS.has(word)) return true;
			if (FALSE_WORDS.has(word)) return false;
			throw fail('true or false');
		}
		case 'dateTime': {
			const date = raw instanceof Date ? raw : new Date(String(raw));
			if (Number.isNaN(date.getTime())) throw fail('a date such as 2026-11-20 or 2026-11-20T09:15:00Z');
			return options.formatDate(date, field.format !== 'date');
		}
		default: {
			if (typeof raw === 'object') throw fail('text, not an object or a list');
			const text = String(raw).trim();
			if (field.format === 'email' && !isValidEmail(text)) throw fail('an e-mail address such as ada@example.org');
			if (field.maxLength && text.length > field.maxLength) {
				throw fail(`at most ${field.maxLength} characters`);
			}
			return text;
		}
	}
}
