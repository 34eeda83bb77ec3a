/**
 * Act-On contact lists: customer-defined, ordered, free-text column headings, one of which is the
 * e-mail column. Records are addressed as `{listId}:{rowId}` (e.g. `l-0001:42`).
 */
export interface ActOnListFixture {
	id: string;
	name: string;
	folderName: string;
	/** Column headings in list order, without the `_contact_id_` pseudo column. */
	headings: string[];
	emailHeading: string;
	rows?: Array<Record<string, string>>;
}

export interface ActOnRecord {
	id: string;
	email: string;
	values: Record<string, string>;
}

interface Row {
	rowId: number;
	values: string[];
}

/** Headings differ on purpose ('E-mail Address' vs 'Email'): mapping must come from `headers`. */
export const LIST_FIXTURES: ActOnListFixture[] = [
	{
		id: 'l-0001',
		name: 'Web Leads',
		folderName: 'Default Folder',
		headings: ['E-mail Address', 'First Name', 'Last Name', 'Company', 'Phone', 'Lead Source', 'Product Interest'],
		emailHeading: 'E-mail Address',
	},
	{
		id: 'l-0002',
		name: 'Webinar Registrants',
		folderName: 'Events',
		headings: ['Email', 'Name', 'Webinar'],
		emailHeading: 'Email',
		rows: [
			{ Email: 'grace.mbeki@example.net', Name: 'Grace Mbeki', Webinar: 'Spring Launch' },
			{ Email: 'tomas.lindqvist@example.com', Name: 'Tomas Lindqvist', Webinar: 'Spring Launch' },
		],
	},
	{
		id: 'l-0003',
		name: 'Trade Show 2024',
		folderName: 'Events',
		headings: ['Email Address', 'First Name', 'Last Name', 'Company', 'Country'],
		emailHeading: 'Email Address',
	},
];

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export class ActOnList {
	readonly id: string;
	readonly name: string;
	readonly folderName: string;
	readonly headings: string[];
	readonly emailIndex: number;
	private rows: Row[] = [];
	private nextRowId = 0;

	constructor(fixture: ActOnListFixture) {
		this.id = fixture.id;
		this.name = fixture.name;
		this.folderName = fixture.folderName;
		this.headings = [...fixture.headings];
		this.emailIndex = this.headings.indexOf(fixture.emailHeading);
		if (this.emailIndex < 0) throw new Error(`list ${fixture.id}: e-mail heading not among headings`);
		for (const row of fixture.rows ?? []) this.insert(row);
	}

	get emailHeading(): string {
		return this.headings[this.emailIndex];
	}

	get size(): number {
		return this.rows.length;
	}

	unknownHeadings(values: Record<string, unknown>): string[] {
		return Object.keys(values).filter((key) => !this.headings.includes(key));
	}

	/** Appends without matching, so tests can build the duplicates Act-On tolerates. */
	insert(values: Record<string, string>): ActOnRecord {
		const row = { rowId: this.nextRowId++, values: this.headings.map((h) => values[h] ?? '') };
		this.rows.push(row);
		return this.toRecord(row);
	}

	/** Act-On's upsert: only the first record with that e-mail is updated; duplicates stay stale. */
	upsert(email: string, values: Record<string, string>): { record: ActOnRecord; inserted: boolean } {
		const row = this.rows.find((r) => sameEmail(r.values[this.emailIndex], email));
		if (!row) return { record: this.insert({ ...values, [this.emailHeading]: email }), inserted: true };
		for (const [heading, value] of Object.entries(values)) row.values[this.headings.indexOf(heading)] = value;
		return { record: this.toRecord(row), inserted: false };
	}

	lookup(email: string): ActOnRecord | undefined {
		const row = this.rows.find((r) => sameEmail(r.values[this.emailIndex], email));
		return row && this.toRecord(row);
	}

	records(): ActOnRecord[] {
		return this.rows.map((row) => this.toRecord(row));
	}

	/** Rows as the list download returns them: contact id first, then values in heading order. */
	page(offset: number, count: number): string[][] {
		return this.rows.slice(offset, offset + count).map((row) => [this.recordId(row), ...row.values]);
	}

	private recordId(row: Row): string {
		return `${this.id}:${row.rowId}`;
	}

	private toRecord(row: Row): ActOnRecord {
		return {
			id: this.recordId(row),
			email: row.values[this.emailIndex],
			values: Object.fromEntries(this.headings.map((h, i) => [h, row.values[i]])),
		};
	}
}
