import type { IDataObject } from 'n8n-workflow';

import { act365Setup } from '../act365/setup';
import { forgetProcessState, newCredential, startActOn, upsert as actOnUpsert, WEB_LEADS } from '../acton/setup';
import type { NodeRun } from '../harness';
import { leadSquaredSetup } from '../leadsquared/setup';
import { zohoSetup } from '../zoho/setup';
import type { Role } from './cases';

/** One CRM as the bad-input suite drives it: which fields play each role, and what it stored. */
export interface CrmUnderTest {
	/** Input key (and CRM field id) of each role the CRM has. */
	fields: Partial<Record<Role, string>>;
	/** Another spelling of the e-mail key that maps to the same field. */
	collidingEmailKey: string;
	/** Most characters the text field takes, when known. */
	textLimit?: number;
	/** Fields every lead needs besides the roles (Zoho's Last_Name). */
	base: IDataObject;
	run(items: IDataObject[]): Promise<NodeRun>;
	/** Every stored record as role → value. */
	stored(): Array<Partial<Record<Role, unknown>>>;
	close(): Promise<void>;
}

export async function zoho(): Promise<CrmUnderTest> {
	const setup = await zohoSetup();
	return {
		fields: { email: 'Email', date: 'Demo_Date', number: 'No_of_Employees', text: 'First_Name' },
		collidingEmailKey: 'EMAIL',
		textLimit: 40,
		base: { Last_Name: 'Okafor' },
		run: async (items) => await setup.upsert(items),
		stored: () =>
			setup.zoho.records().map((record) => ({ email: record.Email, date: record.Demo_Date, number: record.No_of_Employees, text: record.First_Name })),
		close: async () => await setup.close(),
	};
}

export async function leadSquared(): Promise<CrmUnderTest> {
	const setup = await leadSquaredSetup();
	return {
		// LeadSquared's lead fields have no date-only or number field here: its date-time field plays "date".
		fields: { email: 'EmailAddress', date: 'mx_Last_Form_Submitted_On', text: 'FirstName' },
		collidingEmailKey: 'emailaddress',
		textLimit: 100,
		base: { LastName: 'Okafor' },
		run: async (items) => await setup.upsert(items, { options: { apiMode: 'single' } }),
		stored: () =>
			setup.sandbox.leads().map((lead) => ({
				email: lead.EmailAddress,
				date: typeof lead.mx_Last_Form_Submitted_On === 'string' ? lead.mx_Last_Form_Submitted_On.slice(0, 10) : lead.mx_Last_Form_Submitted_On,
				text: lead.FirstName,
			})),
		close: async () => await setup.close(),
	};
}

export async function actOn(): Promise<CrmUnderTest> {
	forgetProcessState();
	const sandbox = await startActOn({ passwordGrantsPerHour: 1000 });
	const credential = newCredential(sandbox);
	return {
		// Every Act-On column is free text: no date or number role.
		fields: { email: 'E-mail Address', text: 'First Name' },
		collidingEmailKey: 'e-mail address',
		base: { 'Last Name': 'Okafor' },
		run: async (items) => await actOnUpsert({ store: credential.store, id: credential.id, items }),
		stored: () => sandbox.records(WEB_LEADS).map((record) => ({ email: record.values['E-mail Address'], text: record.values['First Name'] })),
		close: async () => await sandbox.close(),
	};
}

export async function act365(): Promise<CrmUnderTest> {
	const setup = await act365Setup();
	return {
		fields: { email: 'emailAddress', date: 'birthday', number: 'Lead_Score', text: 'firstName' },
		collidingEmailKey: 'EmailAddress',
		textLimit: 128,
		base: { lastName: 'Okafor' },
		run: async (items) => await setup.upsert(items),
		stored: () =>
			setup.act.contacts().map((contact) => ({
				email: contact.emailAddress,
				date: typeof contact.birthday === 'string' ? contact.birthday.slice(0, 10) : contact.birthday,
				number: contact.customFields.Lead_Score,
				text: contact.firstName,
			})),
		close: async () => await setup.close(),
	};
}
