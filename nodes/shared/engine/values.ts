import { DATE_FORMS, parseDateValue } from './dates';
import { LeadInputError } from './errors';
import { lookupOf, type CrmField } from './fields';
import { NUMBER_FORMS, parseDecimal } from './numbers';
import { cleanText, isBlankText, MAX_EMAIL_LENGTH, normaliseEmail } from './text';

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

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off']);

/** The refused value as the error quotes it: long values cut, so an error stays readable. */
function shown(raw: unknown): string {
	const text = raw instanceof Date ? raw.toISOString() : JSON.stringify(raw) ?? String(raw);
	return text.length > 80 ? `${text.slice(0, 80)}… (${text.length} characters)` : text;
}

export function isEmpty(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		(typeof value === 'string' && isBlankText(value)) ||
		(Array.isArray(value) && value.length === 0)
	);
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
	const fail = (expected: string, forms = expected) =>
		new LeadInputError(`Field "${field.id}" needs ${expected}, got ${shown(raw)}`, {
			field: field.id,
			description: `Change the value mapped to "${field.displayName}" to ${forms}.`,
		});

	if (field.format === 'multiOptions') {
		const list = (Array.isArray(raw) ? raw : String(raw).split(/[;,]/))
			.map((entry) => String(entry).trim())
			.filter(Boolean);
		return options.joinMulti ? options.joinMulti(list) : list;
	}
	switch (field.type) {
		case 'number': {
			const number = parseDecimal(raw);
			if (number === undefined) throw fail('a number', `a number written as ${NUMBER_FORMS}`);
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
			const withTime = field.format !== 'date';
			const date = parseDateValue(raw, withTime);
			const expected = withTime ? 'a real date or date-time' : 'a real date';
			if (!date) throw fail(expected, `${expected} written as ${DATE_FORMS}`);
			return options.formatDate(date, withTime);
		}
		default: {
			if (typeof raw === 'object') throw fail('text, not an object or a list');
			const text = field.format === 'email' ? normaliseEmail(String(raw), field) : cleanText(String(raw), field);
			const maxLength = field.format === 'email' ? Math.min(field.maxLength ?? MAX_EMAIL_LENGTH, MAX_EMAIL_LENGTH) : field.maxLength;
			if (maxLength && text.length > maxLength) {
				throw new LeadInputError(`Field "${field.id}" is ${text.length} characters long; the CRM takes at most ${maxLength}`, {
					field: field.id,
					description: `Shorten the value mapped to "${field.displayName}" to at most ${maxLength} characters.`,
				});
			}
			return text;
		}
	}
}
