/**
 * What every CRM receives as text: one Unicode form (NFC), no invisible characters at the ends,
 * and for e-mail addresses none anywhere. Copy-pasted values carry zero-width spaces, byte-order
 * marks and direction marks that look like nothing on screen but make a second, unmatchable record.
 */
import { LeadInputError } from './errors';

/** RFC 5321 §4.5.3.1: a path is at most 256 octets with its angle brackets, so 254 for the address. */
export const MAX_EMAIL_LENGTH = 254;
/** RFC 5321 §4.5.3.1.1: at most 64 characters before the @. */
const MAX_LOCAL_PART = 64;

/** Characters that render as nothing: soft hyphen, zero-width space/joiners, word joiner, BOM… */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/g;
/** Unicode white space (JS `\s`: tab, newline, NBSP, U+2000–U+200A, U+3000, …) and invisible characters. */
const EDGES = /^[\s\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]+|[\s\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]+$/g;
/** Controls, direction overrides and marks, other format, private-use, unassigned and lone surrogate code points. */
const HIDDEN_OR_CONTROL = /\p{C}/u;
/** In ordinary text, only the controls people type (tab, line breaks) are kept. */
const TEXT_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** True when a value holds nothing once white space and invisible characters are taken away. */
export function isBlankText(value: string): boolean {
	return value.replace(EDGES, '') === '';
}

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

export interface FieldRef {
	id: string;
	displayName?: string;
}

const label = (field: FieldRef) => (field.displayName && field.displayName !== field.id ? `"${field.displayName}" (${field.id})` : `"${field.id}"`);

/** NFC, trimmed of spaces and invisible characters; refuses controls such as NUL inside. */
export function cleanText(raw: string, field: FieldRef): string {
	const text = raw.normalize('NFC').replace(EDGES, '');
	const control = TEXT_CONTROL.exec(text);
	if (control) {
		throw new LeadInputError(`Field "${field.id}" contains the control character ${codePoint(control[0])}`, {
			field: field.id,
			description: `Remove the control character from the value mapped to ${label(field)}; it is usually left by a copy from another program.`,
		});
	}
	return text;
}

/**
 * The address as it is stored and matched: NFC, invisible characters removed wherever they are,
 * white space trimmed. Refuses control and direction characters, spaces inside, more than 254
 * characters, and anything not shaped like local@domain.tld.
 */
export function normaliseEmail(raw: string, field: FieldRef): string {
	const fix = (what: string) =>
		new LeadInputError(`Field "${field.id}" is not a usable e-mail address: ${what}`, {
			field: field.id,
			description: `Change the value mapped to ${label(field)} to an e-mail address such as ada@example.org (one address, typed again rather than copied if it still fails).`,
		});
	const email = raw.normalize('NFC').replace(INVISIBLE, '').replace(EDGES, '');
	const hidden = HIDDEN_OR_CONTROL.exec(email);
	if (hidden) throw fix(`it contains the invisible character ${codePoint(hidden[0])}`);
	if (/\s/.test(email)) throw fix('it contains a space');
	if (email.length > MAX_EMAIL_LENGTH) throw fix(`it has ${email.length} characters, at most ${MAX_EMAIL_LENGTH} are allowed`);
	if (!EMAIL_SHAPE.test(email)) throw fix(`${JSON.stringify(email.length > 80 ? `${email.slice(0, 80)}…` : email)} is not shaped like name@domain.tld`);
	if (email.indexOf('@') > MAX_LOCAL_PART) throw fix(`the part before the @ has more than ${MAX_LOCAL_PART} characters`);
	return email;
}

/** How two addresses are compared: normalised, then case-insensitively (every CRM here does). */
export function emailKey(email: string): string {
	return email.toLowerCase();
}

/** Text whose case and Unicode form CRMs ignore when matching (e-mails, ids, URLs). */
export function matchKey(value: unknown): string {
	return String(value).normalize('NFC').replace(INVISIBLE, '').replace(EDGES, '').toLowerCase();
}

/** A Get operation's search value, as the upserts store it: e-mails normalised, blank as empty. */
export function searchValueOf(raw: unknown, isEmail: boolean, field: FieldRef): string {
	const text = String(raw ?? '');
	if (isBlankText(text)) return '';
	return isEmail ? normaliseEmail(text, field) : cleanText(text, field);
}
