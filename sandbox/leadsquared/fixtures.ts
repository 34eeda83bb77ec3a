/**
 * Account fixtures of the LeadSquared emulator: regional hosts, lead fields, activity types and
 * the API user. Values are invented; shapes follow the vendor's v2 docs.
 */

/** Sync API host of each region, keyed by the host's first label (the emulator's path prefix). */
export const LEADSQUARED_REGIONS: Readonly<Record<string, string>> = {
	api: 'api.leadsquared.com', // Singapore
	'api-us11': 'api-us11.leadsquared.com',
	'api-in21': 'api-in21.leadsquared.com',
	'api-in22': 'api-in22.leadsquared.com',
	'api-ir31': 'api-ir31.leadsquared.com',
	'api-ca12': 'api-ca12.leadsquared.com',
	// Only third-party connector code lists this one.
	'api-me61': 'api-me61.leadsquared.com',
};

/** Path prefixes the emulator answers on: `/{prefix}/v2/...` stands for `https://{prefix}.leadsquared.com/v2/...`. */
export function leadSquaredRegionPrefixes(): string[] {
	return Object.keys(LEADSQUARED_REGIONS);
}

export interface LeadField {
	SchemaName: string;
	DisplayName: string;
	DataType: 'Text' | 'Email' | 'Phone' | 'Website' | 'Number' | 'Select' | 'DateTime' | 'Date' | 'TextArea';
	IsMandatory: boolean;
	/** A string in the vendor's payload. */
	MaxLength: string;
	/** Unique field: usable as `SearchBy` and enforced unique. */
	IsLeadIdentifier: boolean;
	Options?: Array<{ Value: string; Text: string }>;
}

function field(
	SchemaName: string,
	DisplayName: string,
	DataType: LeadField['DataType'],
	MaxLength = 200,
	extra: Partial<LeadField> = {},
): LeadField {
	return { SchemaName, DisplayName, DataType, IsMandatory: false, MaxLength: String(MaxLength), IsLeadIdentifier: false, ...extra };
}

const options = (...values: string[]) => values.map((Value) => ({ Value, Text: Value }));

export const LEAD_FIELDS: readonly LeadField[] = [
	field('FirstName', 'First Name', 'Text', 100),
	field('LastName', 'Last Name', 'Text', 100),
	field('EmailAddress', 'Email', 'Email', 100, { IsLeadIdentifier: true }),
	field('Phone', 'Phone Number', 'Phone', 50, { IsLeadIdentifier: true }),
	field('Mobile', 'Mobile Number', 'Phone', 50),
	field('Company', 'Company', 'Text', 200),
	field('JobTitle', 'Job Title', 'Text', 200),
	field('Source', 'Lead Source', 'Text', 100),
	field('SourceCampaign', 'Source Campaign', 'Text', 200),
	field('Website', 'Website', 'Website', 200),
	field('Notes', 'Notes', 'TextArea', 2000),
	field('mx_City', 'City', 'Text', 200),
	field('mx_Customer_Id', 'Customer Id', 'Text', 50, { IsLeadIdentifier: true }),
	field('mx_Product_Interest', 'Product Interest', 'Select', 200, {
		Options: options('Starter', 'Growth', 'Enterprise'),
	}),
	field('mx_Last_Form_Submitted_On', 'Last Form Submitted On', 'DateTime', 50),
	field('mx_Consent_Given', 'Consent Given', 'Text', 10),
];

export interface ActivityField {
	SchemaName: string;
	DisplayName: string;
	DataType: 'String' | 'Number' | 'DateTime' | 'Select';
	IsMandatory: boolean;
	Options?: string[];
}

export interface ActivityType {
	ActivityEvent: number;
	DisplayName: string;
	Category: 'System' | 'Custom';
	Direction: 'Inbound' | 'Outbound';
	Fields: ActivityField[];
}

/** Posted by Lead.Capture on every call; the real event code of "Lead Capture" is unverified. */
export const LEAD_CAPTURE_EVENT = 1;

export const ACTIVITY_TYPES: readonly ActivityType[] = [
	{ ActivityEvent: LEAD_CAPTURE_EVENT, DisplayName: 'Lead Capture', Category: 'System', Direction: 'Inbound', Fields: [] },
	{
		ActivityEvent: 205,
		DisplayName: 'Form Submitted',
		Category: 'Custom',
		Direction: 'Inbound',
		Fields: [
			{ SchemaName: 'mx_Custom_1', DisplayName: 'Page', DataType: 'String', IsMandatory: false },
			{ SchemaName: 'mx_Custom_2', DisplayName: 'Form Name', DataType: 'String', IsMandatory: false },
			{ SchemaName: 'mx_Custom_3', DisplayName: 'Submitted At', DataType: 'DateTime', IsMandatory: false },
			{ SchemaName: 'mx_Custom_4', DisplayName: 'Submission Id', DataType: 'String', IsMandatory: false },
		],
	},
	{
		ActivityEvent: 206,
		DisplayName: 'Webinar Registered',
		Category: 'Custom',
		Direction: 'Inbound',
		Fields: [
			{ SchemaName: 'mx_Custom_1', DisplayName: 'Webinar', DataType: 'String', IsMandatory: true },
			{ SchemaName: 'mx_Custom_2', DisplayName: 'Session Start', DataType: 'DateTime', IsMandatory: false },
			{ SchemaName: 'mx_Custom_3', DisplayName: 'Attendance', DataType: 'Select', IsMandatory: false, Options: ['Live', 'On demand'] },
		],
	},
	{
		ActivityEvent: 207,
		DisplayName: 'Demo Requested',
		Category: 'Custom',
		Direction: 'Inbound',
		Fields: [{ SchemaName: 'mx_Custom_1', DisplayName: 'Preferred Slot', DataType: 'DateTime', IsMandatory: false }],
	},
];

/** The user the keys belong to; `LSQCommonServiceURLs.api` is filled in with the account's region. */
export const API_USER = {
	Id: '4b1f0c2e-1d2a-11ee-9c1b-0a0b0c0d0e0f',
	Name: 'Integration Bot',
	Role: 'Administrator',
	EmailAddress: 'integration.bot@example.org',
	TimeZone: 'Asia/Kolkata',
	Type: 'ApplicationUser',
	OrgDisplayName: 'Sandbox Org',
	OrgId: '7c3e2a10-1d2a-11ee-9c1b-0a0b0c0d0e0f',
	OrgShortCode: '51234',
	DefaultCountryCode: '91',
};
