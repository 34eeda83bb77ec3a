/**
 * Dates read strictly and the same whatever the server's timezone. `new Date(text)` rolls
 * 2026-02-30 over to 2 March and reads `2026-12-31T00:00:00` and `12/31/2026` in the process's
 * local time, which east of UTC lands on 30 December. Here a date-only value is that calendar
 * day; a date-time without an offset is read as UTC.
 */

export const DATE_FORMS = '2026-11-20, 11/20/2026 (month/day/year), 2026-11-20T09:15:00Z or 2026-11-20 09:15:00+01:00';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function offsetMinutes(zone: string | undefined): number | undefined {
	if (!zone || /^z$/i.test(zone)) return 0;
	const [, sign, hours, minutes = '0'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone) ?? [];
	if (Number(hours) > 14 || Number(minutes) > 59) return undefined;
	return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}

/**
 * The moment a value names, or undefined when it is not a real date in an accepted form. For a
 * date field (`withTime` false) the result is midnight UTC of the calendar day as written, so
 * an adapter that formats it in UTC writes that same day.
 */
export function parseDateValue(raw: unknown, withTime: boolean): Date | undefined {
	if (raw instanceof Date) {
		if (Number.isNaN(raw.getTime())) return undefined;
		return withTime ? raw : new Date(Date.UTC(raw.getUTCFullYear(), raw.getUTCMonth(), raw.getUTCDate()));
	}
	// Date objects of other libraries (Luxon's DateTime from an n8n expression) print as ISO 8601.
	if (typeof raw !== 'string' && !(raw && typeof raw === 'object')) return undefined;
	const text = String(raw).trim();
	let parts: number[];
	let zone: string | undefined;
	const iso = ISO.exec(text);
	const us = iso ? undefined : US.exec(text);
	if (iso) {
		parts = iso.slice(1, 7).map((part) => Number(part ?? 0));
		parts.push(Number((iso[7] ?? '0').padEnd(3, '0').slice(0, 3)));
		zone = iso[8];
	} else if (us) {
		parts = [Number(us[3]), Number(us[1]), Number(us[2]), 0, 0, 0, 0];
	} else {
		return undefined;
	}
	const [year, month, day, hour, minute, second, millis] = parts;
	if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
	if (hour > 23 || minute > 59 || second > 59) return undefined;
	const offset = offsetMinutes(zone);
	if (offset === undefined) return undefined;
	if (!withTime) return new Date(Date.UTC(year, month - 1, day));
	return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000);
}
