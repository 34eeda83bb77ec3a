/**
 * Malformed and tricky lead values, written once for every CRM. Each case sets some of a lead's
 * roles (its e-mail, a date, a number, a text field) and says what must happen: the item is
 * refused naming the role's field and the fix, or stored with the value shown.
 */
export type Role = 'email' | 'date' | 'number' | 'text';

/** A value built from the case's own id, so every case has its own address. */
type Value = (id: string) => unknown;

export interface InputCase {
	name: string;
	set: Partial<Record<Role, Value>>;
	/** Roles left out of the item altogether. */
	drop?: Role[];
	/** A second spelling of the e-mail key, holding this value (collisions). */
	collidingEmail?: Value;
	/** A second item in the same run that must end as the same record. */
	twin?: Partial<Record<Role, Value>>;
	expect: { refused: Role; fix: RegExp; message?: RegExp } | { stored: Partial<Record<Role, Value>> };
	/** Roles the CRM must have for the case to apply (beyond the e-mail). */
	needs?: Role[];
	/** Set when the case needs the CRM's text length limit. */
	overTextLimit?: boolean;
}

const address = (id: string) => `${id}@example.org`;
const FIX_EMAIL = /e-mail address such as ada@example\.org/;
const FIX_MATCH = /map/i;

export const CASES: InputCase[] = [
	// E-mail addresses with characters that must never be stored.
	...[
		['a right-to-left override (U+202E)', '\u202E'],
		['a NUL', '\u0000'],
		['a left-to-right mark (U+200E)', '\u200E'],
		['a bell control character', '\u0007'],
		['a direction isolate (U+2066)', '\u2066'],
		['a private-use character', '\uE000'],
		['a space', ' x'],
		['a tab', '\t'],
		['a line break', '\n'],
	].map(([what, char]): InputCase => ({
		name: `e-mail with ${what} inside is refused`,
		set: { email: (id) => `${id}${char}@example.org` },
		expect: { refused: 'email', fix: FIX_EMAIL },
	})),
	{
		name: 'a well-formed 263-character e-mail is refused (RFC 5321 allows 254)',
		set: { email: (id) => `${id}@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(60)}.org` },
		expect: { refused: 'email', fix: FIX_EMAIL, message: /at most 254/ },
	},
	{
		name: 'a 1 MB e-mail is refused naming the field, before any call',
		set: { email: (id) => `${'a'.repeat(1_000_000)}${id}@example.org` },
		expect: { refused: 'email', fix: FIX_EMAIL },
	},
	{ name: 'e-mail without @ is refused', set: { email: (id) => `${id}.example.org` }, expect: { refused: 'email', fix: FIX_EMAIL } },
	{ name: 'e-mail with two @ is refused', set: { email: (id) => `${id}@x@example.org` }, expect: { refused: 'email', fix: FIX_EMAIL } },
	{ name: 'e-mail on a domain without a dot is refused', set: { email: (id) => `${id}@localhost` }, expect: { refused: 'email', fix: FIX_EMAIL } },
	{ name: 'e-mail with an empty domain label is refused', set: { email: (id) => `${id}@example..org` }, expect: { refused: 'email', fix: FIX_EMAIL } },
	{ name: 'e-mail ending in a dot is refused', set: { email: (id) => `${id}@example.org.` }, expect: { refused: 'email', fix: FIX_EMAIL } },
	{
		name: 'e-mail with 65 characters before the @ is refused',
		set: { email: (id) => `${id}${'l'.repeat(65 - id.length)}@example.org` },
		expect: { refused: 'email', fix: FIX_EMAIL, message: /64/ },
	},

	// Invisible characters around or inside an address: stored as the plain address.
	...[
		['a zero-width space inside', (id: string) => `${id}\u200B@example.org`],
		['a byte-order mark in front', (id: string) => `\uFEFF${id}@example.org`],
		['non-breaking spaces around', (id: string) => `\u00A0${id}@example.org\u00A0`],
		['tabs, line breaks and an ideographic space around', (id: string) => `\t${id}@example.org\u3000\n`],
		['a soft hyphen inside', (id: string) => `${id.slice(0, 2)}\u00AD${id.slice(2)}@example.org`],
	].map(([what, value]): InputCase => ({
		name: `e-mail with ${what as string} is stored as the plain address`,
		set: { email: value as Value },
		expect: { stored: { email: address } },
	})),
	{
		name: 'the same address in NFC and NFD is one record, stored in NFC',
		set: { email: (id) => `${id}\u00E9@example.org` },
		twin: { email: (id) => `${id}e\u0301@example.org` },
		expect: { stored: { email: (id) => `${id}\u00E9@example.org` } },
	},
	{
		name: 'the same address with and without a zero-width joiner is one record',
		set: { email: (id) => `${id}\u200D@example.org` },
		twin: { email: address },
		expect: { stored: { email: address } },
	},
	{
		name: 'the same address in other letter case is one record',
		set: { email: (id) => `${id.toUpperCase()}@EXAMPLE.org` },
		twin: { email: address },
		expect: { stored: { email: address } },
	},

	// No match value: the lead could never be found again, so it is not sent.
	{ name: 'e-mail null is refused', set: { email: () => null }, expect: { refused: 'email', fix: FIX_MATCH } },
	{ name: 'e-mail of only tabs and line breaks is refused', set: { email: () => '\t\n \r' }, expect: { refused: 'email', fix: FIX_MATCH } },
	{ name: 'e-mail of only non-breaking spaces is refused', set: { email: () => '\u00A0\u00A0' }, expect: { refused: 'email', fix: FIX_MATCH } },
	{ name: 'e-mail of only a zero-width space is refused', set: { email: () => '\u200B' }, expect: { refused: 'email', fix: FIX_MATCH } },
	{ name: 'an item without the e-mail key is refused', set: {}, drop: ['email'], expect: { refused: 'email', fix: FIX_MATCH } },

	// Two input keys for one field.
	{
		name: 'two spellings of the e-mail key with different addresses are refused, naming both',
		set: { email: address },
		collidingEmail: (id) => `${id}-other@example.org`,
		expect: { refused: 'email', fix: /Keep one of/, message: /both fill the field/ },
	},
	{
		name: 'two spellings of the e-mail key with the same address are one value',
		set: { email: address },
		collidingEmail: address,
		expect: { stored: { email: address } },
	},

	// Text.
	{ name: 'text with a NUL inside is refused', set: { text: () => 'Ada\u0000Lovelace' }, expect: { refused: 'text', fix: /control character/ } },
	{ name: 'text with invisible characters around is stored trimmed', set: { text: () => '\u200BAda\u00A0' }, expect: { stored: { text: () => 'Ada' } } },
	{ name: 'text in NFD is stored in NFC', set: { text: () => 'Rene\u0301e' }, expect: { stored: { text: () => 'Ren\u00E9e' } } },
	{ name: 'text longer than the field takes is refused', set: {}, overTextLimit: true, expect: { refused: 'text', fix: /characters|Change the value/ } },

	// Dates: strict, and the same calendar day in a process east of UTC.
	...['2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', 'tomorrow', '2026-12-31T25:00:00', '31.12.2026'].map(
		(value): InputCase => ({ name: `date ${value} is refused`, set: { date: () => value }, needs: ['date'], expect: { refused: 'date', fix: /2026-11-20/ } }),
	),
	...['2026-12-31', '2026-12-31T00:00:00', '12/31/2026'].map(
		(value): InputCase => ({ name: `date ${value} is stored as 31 December 2026`, set: { date: () => value }, needs: ['date'], expect: { stored: { date: () => '2026-12-31' } } }),
	),
	{ name: 'date 2028-02-29 (a leap day) is stored', set: { date: () => '2028-02-29' }, needs: ['date'], expect: { stored: { date: () => '2028-02-29' } } },

	// Numbers: decimal only.
	...['0x1A', '1e3', 'Infinity', '1,5', '12abc', '0b101', '1_000'].map(
		(value): InputCase => ({ name: `number ${value} is refused`, set: { number: () => value }, needs: ['number'], expect: { refused: 'number', fix: /1,250\.50/ } }),
	),
	{ name: 'number 1,250 is stored as 1250', set: { number: () => '1,250' }, needs: ['number'], expect: { stored: { number: () => 1250 } } },
	{ name: 'number " 42 " is stored as 42', set: { number: () => ' 42 ' }, needs: ['number'], expect: { stored: { number: () => 42 } } },
];
