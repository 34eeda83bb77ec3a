import { parseDateValue } from '../../nodes/shared/engine/dates';
import { parseDecimal } from '../../nodes/shared/engine/numbers';
import { cleanText, emailKey, isBlankText, normaliseEmail } from '../../nodes/shared/engine/text';

const field = { id: 'Email', displayName: 'Email' };

describe('e-mail addresses', () => {
	test('NFC, invisible characters removed, white space trimmed: variants become one key', () => {
		const variants = ['ada@x.org', 'ada\u200B@x.org', '\uFEFFada@x.org', '\u00A0ada@x.org\t', 'ADA@X.ORG', 'a\u00ADda@x.org'];
		expect(new Set(variants.map((value) => emailKey(normaliseEmail(value, field))))).toEqual(new Set(['ada@x.org']));
		expect(normaliseEmail('jose\u0301@x.org', field)).toBe('jos\u00E9@x.org');
	});

	test.each(['ada\u202E@x.org', 'ada\u0000@x.org', 'ada\u200F@x.org', 'ada @x.org', 'ada@x', 'ada@x..org', `${'a'.repeat(250)}@x.org`, `${'a'.repeat(65)}@x.org`])(
		'%j is refused, naming the field and the fix',
		(value) => {
			expect(() => normaliseEmail(value, field)).toThrow(/Field "Email" is not a usable e-mail address/);
		},
	);

	test('blank means nothing but white space and invisible characters', () => {
		expect(['', ' \t\n', '\u00A0', '\u200B', '\uFEFF\u3000'].every(isBlankText)).toBe(true);
		expect(isBlankText('\u200Ba')).toBe(false);
		expect(cleanText('\u200B Ada \u00A0', field)).toBe('Ada');
		expect(() => cleanText('Ada\u0000', field)).toThrow(/control character U\+0000/);
	});
});

describe('dates, whatever the process timezone', () => {
	const day = (value: string) => parseDateValue(value, false)?.toISOString().slice(0, 10);

	test('a date-only value stays its calendar day', () => {
		expect(day('2026-12-31')).toBe('2026-12-31');
		expect(day('2026-12-31T00:00:00')).toBe('2026-12-31');
		expect(day('12/31/2026')).toBe('2026-12-31');
		expect(day('2026-12-31T23:30:00-05:00')).toBe('2026-12-31');
	});

	test("another library's date object (Luxon's DateTime from an expression) is read from its ISO text", () => {
		const luxonLike = { toString: () => '2026-12-31T08:30:00.000+09:00' };
		expect(parseDateValue(luxonLike, false)?.toISOString().slice(0, 10)).toBe('2026-12-31');
		expect(parseDateValue(luxonLike, true)?.toISOString()).toBe('2026-12-30T23:30:00.000Z');
		expect(parseDateValue({}, true)).toBeUndefined();
	});

	test('date-times: an offset is honoured, none means UTC', () => {
		expect(parseDateValue('2026-11-20T09:15:00+01:00', true)?.toISOString()).toBe('2026-11-20T08:15:00.000Z');
		expect(parseDateValue('2026-11-20 09:15', true)?.toISOString()).toBe('2026-11-20T09:15:00.000Z');
		expect(parseDateValue('2026-11-20T09:15:00.5Z', true)?.toISOString()).toBe('2026-11-20T09:15:00.500Z');
	});

	test.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-12-31T24:00:00', '2026-12-31T10:00:00+15:00', 'tomorrow', '31.12.2026', '1700000000000'])('%j is refused', (value) => {
		expect(parseDateValue(value, true)).toBeUndefined();
	});
});

describe('numbers, decimal only', () => {
	test.each([
		['1250', 1250],
		['1,250.50', 1250.5],
		['1 250', 1250],
		["1'250'000", 1250000],
		['-3.5', -3.5],
		[' 42 ', 42],
		['.5', 0.5],
		[7, 7],
	])('%j is %d', (value, expected) => {
		expect(parseDecimal(value)).toBe(expected);
	});

	test.each(['0x1A', '1e3', 'Infinity', '1,5', '1,25,0', '12abc', '0b101', '1_000', '', '-', '.', '1,000 000'])('%j is refused', (value) => {
		expect(parseDecimal(value)).toBeUndefined();
	});
});
