/**
 * Numbers as people write them in forms: decimal digits with a dot for the fraction, and
 * optionally thousands separated by commas, spaces or apostrophes (`1,250.50`, `1 250`).
 * `Number()` also reads `0x1A` (26), `1e3`, `0b11` and `Infinity`; a form field holding those is a
 * typo or a code, not a quantity, so they are refused, as are decimal commas (`1,5` is ambiguous).
 */
const DECIMAL = /^[+-]?(?:\d+|\d{1,3}(?:([, '\u00A0\u202F])\d{3})(?:\1\d{3})*)?(?:\.\d+)?$/;

export const NUMBER_FORMS = 'digits with a dot for decimals, such as 1250, 1,250.50 or -3.5';

/** The number a value holds, or undefined when it is not a plain decimal number. */
export function parseDecimal(raw: unknown): number | undefined {
	if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
	if (typeof raw !== 'string') return undefined;
	const text = raw.trim();
	if (!DECIMAL.test(text) || !/\d/.test(text)) return undefined;
	const number = Number(text.replace(/[, '\u00A0\u202F]/g, ''));
	return Number.isFinite(number) ? number : undefined;
}
