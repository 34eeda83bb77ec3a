import { LeadSquaredSandbox, leadSquaredRegionPrefixes, LEADSQUARED_DEFAULT_KEYS } from '../../sandbox/leadsquared/LeadSquaredSandbox';

/** Bodies are read loosely typed: the assertions themselves check their shape. */
 
type Loose = any;

interface CallOptions {
	method?: string;
	body?: unknown;
	region?: string;
	/** How the keys travel; 'none' sends none. */
	keys?: 'headers' | 'query' | 'none';
	accessKey?: string;
	secretKey?: string;
	contentType?: string;
	rawBody?: string;
}

const pairs = (attrs: Record<string, string>) => Object.entries(attrs).map(([Attribute, Value]) => ({ Attribute, Value }));

describe('LeadSquared sandbox', () => {
	const sandbox = new LeadSquaredSandbox();

	beforeAll(() => sandbox.listen(0));
	afterAll(() => sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ limit: 1000, bulkLimit: 1000, windowMs: 5000, bulkWindowMs: 5000, rateLimitStatus: 429, region: 'api-us11' });
	});

	async function call(path: string, options: CallOptions = {}): Promise<{ status: number; body: Loose }> {
		const accessKey = options.accessKey ?? LEADSQUARED_DEFAULT_KEYS.accessKey;
		const secretKey = options.secretKey ?? LEADSQUARED_DEFAULT_KEYS.secretKey;
		const keys = options.keys ?? 'headers';
		const url = new URL(`${sandbox.hostUrl(options.region)}/v2/${path}`);
		if (keys === 'query') {
			url.searchParams.set('accessKey', accessKey);
			url.searchParams.set('secretKey', secretKey);
		}
		const headers: Record<string, string> = {};
		if (keys === 'headers') Object.assign(headers, { 'x-LSQ-AccessKey': accessKey, 'x-LSQ-SecretKey': secretKey });
		const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
		if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
		const res = await fetch(url, { method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, body: payload });
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : undefined };
	}

	const upsert = (attrs: Record<string, string>, searchBy?: string) =>
		call('LeadManagement.svc/Lead.CreateOrUpdate', {
			body: pairs(searchBy ? { ...attrs, SearchBy: searchBy } : attrs),
		});

	describe('hosts and keys', () => {
		it('lists the regional host prefixes', () => {
			expect(leadSquaredRegionPrefixes()).toEqual(
				expect.arrayContaining(['api', 'api-us11', 'api-in21', 'api-in22', 'api-ir31', 'api-ca12', 'api-me61']),
			);
		});

		it('accepts the keys as headers or as query parameters', async () => {
			expect((await call('LeadManagement.svc/LeadsMetaData.Get')).status).toBe(200);
			expect((await call('LeadManagement.svc/LeadsMetaData.Get', { keys: 'query' })).status).toBe(200);
		});

		it('answers wrong or missing keys with 401 in the vendor envelope', async () => {
			const wrong = await call('LeadManagement.svc/LeadsMetaData.Get', { secretKey: 'nope' });
			expect(wrong.status).toBe(401);
			expect(wrong.body).toMatchObject({ Status: 'Error', ExceptionType: expect.stringMatching(/^MX/) });
			expect((await call('LeadManagement.svc/LeadsMetaData.Get', { keys: 'none' })).status).toBe(401);
			expect(sandbox.refusals.auth).toBe(2);
			expect(JSON.stringify(sandbox.dump())).not.toContain('nope');
		});

		it('refuses the right keys on another region with 401, but UserByAccessKey reveals the right host', async () => {
			const elsewhere = await call('LeadManagement.svc/Lead.CreateOrUpdate', {
				region: 'api-in21',
				body: pairs({ EmailAddress: 'ada@example.org' }),
			});
			expect(elsewhere.status).toBe(401);
			expect(sandbox.refusals.wrongRegion).toBe(1);
			expect(sandbox.leads()).toHaveLength(0);

			for (const region of ['api', 'api-in21', 'api-us11']) {
				const user = await call('Authentication.svc/UserByAccessKey.Get', { region });
				expect(user.status).toBe(200);
				expect(user.body).toMatchObject({ Role: 'Administrator', LSQCommonServiceURLs: { api: 'api-us11.leadsquared.com' } });
			}
			expect(sandbox.countOf('userByAccessKey')).toBe(3);
		});

		it('moves the account with configure({ region })', async () => {
			sandbox.configure({ region: 'api-in22' });
			expect((await call('LeadManagement.svc/LeadsMetaData.Get')).status).toBe(200);
			expect((await call('LeadManagement.svc/LeadsMetaData.Get', { region: 'api-us11' })).status).toBe(401);
			const user = await call('Authentication.svc/UserByAccessKey.Get', { region: 'api-us11' });
			expect(user.body.LSQCommonServiceURLs.api).toBe('api-in22.leadsquared.com');
		});

		it('still refuses UserByAccessKey with wrong keys, and after the user is deactivated', async () => {
			expect((await call('Authentication.svc/UserByAccessKey.Get', { accessKey: 'u$other' })).status).toBe(401);
			sandbox.actions().deactivateUser();
			expect((await call('Authentication.svc/UserByAccessKey.Get')).status).toBe(401);
		});

		it('answers an unknown path with 404', async () => {
			const res = await call('LeadManagement.svc/Lead.Nope');
			expect(res.status).toBe(404);
			expect(res.body.Status).toBe('Error');
		});
	});

	describe('Lead.CreateOrUpdate', () => {
		it('creates, then updates the same lead matched by email case-insensitively', async () => {
			const created = await upsert({ EmailAddress: 'Ada.Okafor@example.org', FirstName: 'Ada', mx_City: 'Pune' });
			expect(created.status).toBe(200);
			// Exactly the documented answer: nothing says whether the lead was new.
			expect(created.body).toEqual({ Status: 'Success', Message: { Id: expect.any(String), AffectedRows: 1 } });

			const updated = await upsert({ EmailAddress: 'ada.okafor@EXAMPLE.org', LastName: 'Okafor' }, 'EmailAddress');
			expect(updated.body).toEqual({ Status: 'Success', Message: { Id: created.body.Message.Id, AffectedRows: 1 } });
			expect(sandbox.leads()).toHaveLength(1);
			expect(sandbox.findLeadByEmail('ada.okafor@example.org')).toMatchObject({ FirstName: 'Ada', LastName: 'Okafor', mx_City: 'Pune' });
		});

		it('matches by phone when the email is unknown (default email-then-phone)', async () => {
			const seeded = sandbox.seedLead({ EmailAddress: 'old@example.org', Phone: '+91-9876543210' });
			const res = await upsert({ EmailAddress: 'new@example.org', Phone: '+91-9876543210' });
			expect(res.body.Message).toEqual({ Id: seeded.ProspectID, AffectedRows: 1 });
			expect(sandbox.leads()).toHaveLength(1);
			expect(sandbox.leads()[0].EmailAddress).toBe('new@example.org');
		});

		it('fails with 500 MXDuplicateEntryException when the email is lead A and the phone is lead B', async () => {
			sandbox.seedLead({ EmailAddress: 'a@example.org', Phone: '111111' });
			sandbox.seedLead({ EmailAddress: 'b@example.org', Phone: '222222' });
			const res = await upsert({ EmailAddress: 'a@example.org', Phone: '222222' });
			expect(res.status).toBe(500);
			expect(res.body).toEqual({
				Status: 'Error',
				ExceptionType: 'MXDuplicateEntryException',
				ExceptionMessage: expect.stringContaining("'222222'"),
			});
			expect(res.body.ExceptionMessage).toContain('Phone');
			expect(sandbox.findLeadByEmail('a@example.org')?.Phone).toBe('111111');
		});

		it('searches by another unique field and enforces its uniqueness', async () => {
			const seeded = sandbox.seedLead({ EmailAddress: 'c@example.org', mx_Customer_Id: 'CUST-7' });
			const found = await upsert({ mx_Customer_Id: 'cust-7', FirstName: 'Cy' }, 'mx_Customer_Id');
			expect(found.body.Message).toEqual({ Id: seeded.ProspectID, AffectedRows: 1 });

			const clash = await upsert({ EmailAddress: 'd@example.org', mx_Customer_Id: 'CUST-7' }, 'EmailAddress');
			expect(clash.status).toBe(500);
			expect(clash.body.ExceptionType).toBe('MXDuplicateEntryException');
			expect(clash.body.ExceptionMessage).toContain('mx_Customer_Id');
		});

		it('in emailOnly mode a new email with a known phone is a duplicate, as field reports describe', async () => {
			sandbox.configure({ defaultMatch: 'emailOnly' });
			sandbox.seedLead({ EmailAddress: 'old@example.org', Phone: '9876543210' });
			const res = await upsert({ EmailAddress: 'new@example.org', Phone: '9876543210' });
			expect(res.status).toBe(500);
			expect(res.body.ExceptionType).toBe('MXDuplicateEntryException');
			const retried = await upsert({ EmailAddress: 'new@example.org', Phone: '9876543210' }, 'Phone');
			expect(retried.status).toBe(200);
			expect(sandbox.leads()).toHaveLength(1);
		});

		it('validates SearchBy, date-times, drop-downs and field names', async () => {
			const emptySearch = await upsert({ FirstName: 'X', Phone: '123' }, 'EmailAddress');
			expect(emptySearch.status).toBe(500);
			expect(emptySearch.body.ExceptionType).toBe('MXInvalidInputException');

			const badDate = await upsert({ EmailAddress: 'e@example.org', mx_Last_Form_Submitted_On: '2026-11-20T09:15:00Z' });
			expect(badDate.status).toBe(500);
			expect(badDate.body.ExceptionMessage).toContain('YYYY-MM-DD HH:MM:SS');
			const goodDate = await upsert({ EmailAddress: 'e@example.org', mx_Last_Form_Submitted_On: '2026-11-20 09:15:00' });
			expect(goodDate.status).toBe(200);

			const badOption = await upsert({ EmailAddress: 'e@example.org', mx_Product_Interest: 'Platinum' });
			expect(badOption.body.ExceptionMessage).toContain('Platinum');

			const unknown = await upsert({ EmailAddress: 'e@example.org', 'First Name': 'Display name, not schema name' });
			expect(unknown.status).toBe(500);
			expect(unknown.body.ExceptionMessage).toContain("'First Name'");

			const noIdentifier = await upsert({ FirstName: 'Nobody' });
			expect(noIdentifier.body.ExceptionType).toBe('MXMandatoryAttributeMissingException');
			expect(sandbox.leads()).toHaveLength(1);
		});

		it('answers a non-JSON content type, malformed JSON or a non-array body with 400', async () => {
			const path = 'LeadManagement.svc/Lead.CreateOrUpdate';
			const form = await call(path, { rawBody: 'EmailAddress=a@example.org', contentType: 'application/x-www-form-urlencoded' });
			expect(form.status).toBe(400);
			expect((await call(path, { rawBody: '[{"Attribute":' })).status).toBe(400);
			const object = await call(path, { body: { EmailAddress: 'a@example.org' } });
			expect(object.status).toBe(400);
			expect(object.body.Status).toBe('Error');
			expect(sandbox.leads()).toHaveLength(0);
		});
	});

	describe('Lead.Capture', () => {
		it('matches by ProspectId, keeps the lead source and posts a capture activity each time', async () => {
			const first = await call('LeadManagement.svc/Lead.Capture', { body: pairs({ EmailAddress: 'f@example.org', Source: 'Web' }) });
			expect(first.body).toEqual({ Status: 'Success', Message: { Id: expect.any(String), RelatedId: expect.any(String), IsCreated: true } });
			const id = first.body.Message.Id;
			const again = await call('LeadManagement.svc/Lead.Capture', { body: pairs({ ProspectId: id, Source: 'Ads', FirstName: 'Fe' }) });
			expect(again.body.Message).toMatchObject({ Id: id, IsCreated: false });
			expect(sandbox.findLeadByEmail('f@example.org')).toMatchObject({ Source: 'Web', FirstName: 'Fe' });
			expect(sandbox.activities().filter((a) => a.RelatedProspectId === id)).toHaveLength(2);
		});

		it('creates a new lead when the ProspectId matches but the email differs', async () => {
			const lead = sandbox.seedLead({ EmailAddress: 'g@example.org' });
			const res = await call('LeadManagement.svc/Lead.Capture', { body: pairs({ ProspectId: lead.ProspectID, EmailAddress: 'h@example.org' }) });
			expect(res.body.Message.IsCreated).toBe(true);
			expect(res.body.Message.Id).not.toBe(lead.ProspectID);
		});

		it('honours LeadUpdateBehavior=UpdateOnlyEmptyFields', async () => {
			sandbox.seedLead({ EmailAddress: 'i@example.org', FirstName: 'Ida' });
			await call('LeadManagement.svc/Lead.Capture?LeadUpdateBehavior=UpdateOnlyEmptyFields', {
				body: pairs({ EmailAddress: 'i@example.org', FirstName: 'Other', Company: 'Acme' }),
			});
			expect(sandbox.findLeadByEmail('i@example.org')).toMatchObject({ FirstName: 'Ida', Company: 'Acme' });
		});
	});

	describe('Lead/Bulk/CreateOrUpdate', () => {
		const bulk = (rows: unknown) => call('LeadManagement.svc/Lead/Bulk/CreateOrUpdate', { body: rows });

		it('reports each row in order, failures inline', async () => {
			const existing = sandbox.seedLead({ EmailAddress: 'j@example.org', Phone: '5550001' });
			sandbox.seedLead({ EmailAddress: 'k@example.org', Phone: '5550002' });
			const res = await bulk([
				pairs({ EmailAddress: 'new@example.org', SearchBy: 'EmailAddress' }),
				pairs({ EmailAddress: 'j@example.org', FirstName: 'Jo', SearchBy: 'EmailAddress' }),
				pairs({ EmailAddress: 'j@example.org', Phone: '5550002', SearchBy: 'EmailAddress' }),
				pairs({ EmailAddress: 'bad@example.org', mx_Last_Form_Submitted_On: 'yesterday' }),
			]);
			expect(res.status).toBe(200);
			expect(res.body).toEqual([
				{ RowNumber: 1, LeadId: expect.any(String), AffectedRows: 1 },
				{ RowNumber: 2, LeadId: existing.ProspectID, AffectedRows: 1 },
				expect.objectContaining({ RowNumber: 3, LeadId: '', AffectedRows: 0, ExceptionType: 'MXDuplicateEntryException' }),
				expect.objectContaining({ RowNumber: 4, ExceptionType: 'MXInvalidInputException', ErrorMessage: expect.stringContaining('yesterday') }),
			]);
			expect(sandbox.leads()).toHaveLength(3);
			expect(sandbox.findLeadByEmail('j@example.org')?.FirstName).toBe('Jo');
		});

		it('adds LeadCreated / LeadUpdated to the rows only when answers.bulkRowCreatedFlags is on', async () => {
			sandbox.configure({ answers: { bulkRowCreatedFlags: true } });
			const res = await bulk([pairs({ EmailAddress: 'flag@example.org', SearchBy: 'EmailAddress' })]);
			expect(res.body).toEqual([{ RowNumber: 1, LeadId: expect.any(String), LeadCreated: true, LeadUpdated: false, AffectedRows: 1 }]);
			sandbox.strictContract = true;
			const strict = await bulk([pairs({ EmailAddress: 'flag@example.org', SearchBy: 'EmailAddress' })]);
			sandbox.strictContract = false;
			sandbox.configure({ answers: { bulkRowCreatedFlags: false } });
			expect(strict.body).toEqual([{ RowNumber: 1, LeadId: res.body[0].LeadId, AffectedRows: 1 }]);
		});

		it('refuses more than 25 leads with a 400 and writes nothing', async () => {
			const rows = (n: number) => Array.from({ length: n }, (_, i) => pairs({ EmailAddress: `row${i}@example.org` }));
			const tooMany = await bulk(rows(26));
			expect(tooMany.status).toBe(400);
			expect(tooMany.body).toMatchObject({ Status: 'Error', ExceptionMessage: expect.stringContaining('25') });
			expect(sandbox.leads()).toHaveLength(0);
			const max = await bulk(rows(25));
			expect(max.body).toHaveLength(25);
			expect(sandbox.leads()).toHaveLength(25);
		});
	});

	describe('ProspectActivity.svc/Bulk/CustomActivity/Add/ByLeadId', () => {
		const bulkAdd = (activities: unknown) => call('ProspectActivity.svc/Bulk/CustomActivity/Add/ByLeadId', { body: activities });
		const activity = (leadId: string, extra: Record<string, unknown> = {}) => ({
			RelatedProspectId: leadId,
			ActivityEvent: 205,
			ActivityNote: 'Form submitted',
			ActivityDateTime: '2026-11-20 09:15:00',
			Fields: [{ SchemaName: 'mx_Custom_1', Value: '/pricing' }],
			...extra,
		});

		it('posts each activity on its lead and answers one row per activity, in order, failures inline', async () => {
			const ada = sandbox.seedLead({ EmailAddress: 'ada@example.org' });
			const lin = sandbox.seedLead({ EmailAddress: 'lin@example.org' });
			const res = await bulkAdd([
				activity(ada.ProspectID),
				activity(lin.ProspectID, { ActivityEvent: 999 }),
				activity('no-such-lead'),
				activity(lin.ProspectID, { ActivityEvent: 206, Fields: [{ SchemaName: 'mx_Custom_1', Value: 'Q4' }, { SchemaName: 'mx_Custom_3', Value: 'Recorded' }] }),
				activity(lin.ProspectID, {
					ActivityEvent: 206,
					ValidateDropDownOptions: true,
					Fields: [{ SchemaName: 'mx_Custom_1', Value: 'Q4' }, { SchemaName: 'mx_Custom_3', Value: 'Recorded' }],
				}),
				{ ActivityEvent: 205 },
			]);
			expect(res.status).toBe(200);
			expect(res.body).toEqual({
				Response: [
					{ ProspectActivityId: expect.any(String) },
					{ ExceptionType: 'MXInvalidInputException', ExceptionMessage: expect.stringContaining("Invalid ActivityEvent '999'") },
					{ ExceptionType: 'MXInvalidEntityException', ExceptionMessage: 'Lead does not exist in the system' },
					{ ExceptionType: 'MXInvalidInputException', ExceptionMessage: "Invalid option 'Recorded' for 'mx_Custom_3'" },
					{ ProspectActivityId: expect.any(String) },
					{ ExceptionType: 'MXMandatoryAttributeMissingException', ExceptionMessage: "'RelatedProspectId' is mandatory" },
				],
			});
			const stored = sandbox.activities();
			expect(stored.map((a) => [a.Id, a.RelatedProspectId, a.ActivityEvent])).toEqual([
				[res.body.Response[0].ProspectActivityId, ada.ProspectID, 205],
				[res.body.Response[4].ProspectActivityId, lin.ProspectID, 206],
			]);
			expect(stored[0]).toMatchObject({ ActivityNote: 'Form submitted', ActivityDateTime: '2026-11-20 09:15:00', Fields: { mx_Custom_1: '/pricing' } });
			expect(sandbox.countOf('activityBulkAdd')).toBe(1);
		});

		it('refuses more than 25 activities, or a body that is not a list of objects, with a 400 and posts nothing', async () => {
			const lead = sandbox.seedLead({ EmailAddress: 'many@example.org' });
			const rows = (n: number) => Array.from({ length: n }, (_, i) => activity(lead.ProspectID, { ActivityDateTime: `2026-11-20 09:15:${String(i).padStart(2, '0')}` }));
			const tooMany = await bulkAdd(rows(26));
			expect(tooMany.status).toBe(400);
			expect(tooMany.body).toMatchObject({ Status: 'Error', ExceptionMessage: expect.stringContaining('25') });
			expect((await bulkAdd({ RelatedProspectId: lead.ProspectID })).status).toBe(400);
			expect((await bulkAdd([activity(lead.ProspectID), 'not an activity'])).status).toBe(400);
			expect(sandbox.activities()).toHaveLength(0);
			const max = await bulkAdd(rows(25));
			expect(max.body.Response).toHaveLength(25);
			expect(sandbox.activities()).toHaveLength(25);
		});

		it('counts against the bulk bucket, shared with the bulk lead upsert', async () => {
			sandbox.configure({ limit: 5, bulkLimit: 2, bulkWindowMs: 60_000 });
			const lead = sandbox.seedLead({ EmailAddress: 'quota@example.org' });
			expect((await call('LeadManagement.svc/Lead/Bulk/CreateOrUpdate', { body: [pairs({ EmailAddress: 'q@example.org' })] })).status).toBe(200);
			expect((await bulkAdd([activity(lead.ProspectID)])).status).toBe(200);
			const refused = await bulkAdd([activity(lead.ProspectID, { ActivityDateTime: '2026-11-20 09:16:00' })]);
			expect(refused.status).toBe(429);
			expect(refused.body.ExceptionMessage).toBe('API calls exceeded the limit of 2 in 60 second(s)');
			expect(sandbox.activities()).toHaveLength(1);
			expect((await upsert({ EmailAddress: 'single@example.org' })).status).toBe(200);
		});

		it('posts the activities when the answer is lost', async () => {
			const lead = sandbox.seedLead({ EmailAddress: 'lost-activity@example.org' });
			sandbox.injectFault({ endpoint: 'activityBulkAdd', nth: 1, fault: { kind: 'lostResponse' } });
			await expect(bulkAdd([activity(lead.ProspectID)])).rejects.toThrow();
			expect(sandbox.activities()).toHaveLength(1);
		});
	});

	describe('rate limits', () => {
		it('refuses the call after the limit with 429 and the vendor exception', async () => {
			sandbox.configure({ limit: 3, windowMs: 60_000 });
			for (let i = 0; i < 3; i++) expect((await upsert({ EmailAddress: `r${i}@example.org` })).status).toBe(200);
			const refused = await upsert({ EmailAddress: 'r3@example.org' });
			expect(refused.status).toBe(429);
			expect(refused.body).toEqual({
				Status: 'Error',
				ExceptionType: 'MXAPIRateLimitExceededException',
				ExceptionMessage: 'API calls exceeded the limit of 3 in 60 second(s)',
			});
			expect(sandbox.refusals.rateLimit).toBe(1);
			expect(sandbox.leads()).toHaveLength(3);
		});

		it('can answer the same refusal with HTTP 200, and counts UserByAccessKey', async () => {
			sandbox.configure({ limit: 2, windowMs: 60_000, rateLimitStatus: 200 });
			expect((await call('Authentication.svc/UserByAccessKey.Get')).status).toBe(200);
			expect((await upsert({ EmailAddress: 's@example.org' })).status).toBe(200);
			const refused = await call('Authentication.svc/UserByAccessKey.Get', { region: 'api' });
			expect(refused.status).toBe(200);
			expect(refused.body).toMatchObject({ Status: 'Error', ExceptionType: 'MXAPIRateLimitExceededException' });
			expect(sandbox.refusals.rateLimit).toBe(1);
		});

		it('gives bulk calls their own bucket', async () => {
			sandbox.configure({ limit: 5, bulkLimit: 1, bulkWindowMs: 60_000 });
			const row = [pairs({ EmailAddress: 't@example.org' })];
			expect((await call('LeadManagement.svc/Lead/Bulk/CreateOrUpdate', { body: row })).status).toBe(200);
			const refused = await call('LeadManagement.svc/Lead/Bulk/CreateOrUpdate', { body: row });
			expect(refused.status).toBe(429);
			expect(refused.body.ExceptionMessage).toBe('API calls exceeded the limit of 1 in 60 second(s)');
			expect((await upsert({ EmailAddress: 'u@example.org' })).status).toBe(200);
		});

		it('lets the window slide', async () => {
			sandbox.configure({ limit: 1, windowMs: 200 });
			expect((await call('LeadManagement.svc/LeadsMetaData.Get')).status).toBe(200);
			expect((await call('LeadManagement.svc/LeadsMetaData.Get')).status).toBe(429);
			await new Promise((resolve) => setTimeout(resolve, 250));
			expect((await call('LeadManagement.svc/LeadsMetaData.Get')).status).toBe(200);
		});
	});

	describe('faults', () => {
		it('applies the write when the response is lost', async () => {
			sandbox.injectFault({ endpoint: 'createOrUpdate', nth: 1, fault: { kind: 'lostResponse' } });
			await expect(upsert({ EmailAddress: 'lost@example.org' })).rejects.toThrow();
			expect(sandbox.findLeadByEmail('lost@example.org')).toBeDefined();
			const retry = await upsert({ EmailAddress: 'lost@example.org' });
			expect(retry.status).toBe(200);
			expect(sandbox.leads()).toHaveLength(1);
		});

		it('shapes injected 429 and 5xx bodies like the vendor', async () => {
			sandbox.injectFault({ endpoint: 'createOrUpdate', nth: 1, fault: { kind: 'status', status: 429 } });
			sandbox.injectFault({ endpoint: 'createOrUpdate', nth: 2, fault: { kind: 'status', status: 503 } });
			expect((await upsert({ EmailAddress: 'v@example.org' })).body.ExceptionType).toBe('MXAPIRateLimitExceededException');
			const down = await upsert({ EmailAddress: 'v@example.org' });
			expect(down.status).toBe(503);
			expect(down.body).toMatchObject({ Status: 'Error', ExceptionType: 'MXInternalServerErrorException' });
			expect(sandbox.leads()).toHaveLength(0);
		});
	});

	describe('activities', () => {
		const createCustom = (email: string, activity: Record<string, unknown>) =>
			call('ProspectActivity.svc/CreateCustom', {
				body: { LeadDetails: pairs({ EmailAddress: email, FirstName: 'Wu', SearchBy: 'EmailAddress' }), Activity: activity },
			});

		it('CreateCustom creates the lead, posts the activity and Retrieve lists it', async () => {
			const res = await createCustom('w@example.org', {
				ActivityEvent: 205,
				ActivityNote: 'Form submitted',
				ActivityDateTime: '2026-11-20 09:15:00',
				Fields: [{ SchemaName: 'mx_Custom_1', Value: 'Pricing page' }],
			});
			// The documented answer names one id only.
			expect(res.body).toEqual({ Status: 'Success', Message: { Id: expect.any(String) } });
			const leadId = sandbox.findLeadByEmail('w@example.org')?.ProspectID;
			expect(sandbox.activities()).toEqual([expect.objectContaining({ Id: res.body.Message.Id, RelatedProspectId: leadId })]);

			const listed = await call(`ProspectActivity.svc/Retrieve?leadId=${leadId}`, {
				body: { Parameter: { ActivityEvent: 205 }, Paging: { Offset: 0, RowCount: 100 } },
			});
			expect(listed.body).toEqual({
				RecordCount: 1,
				ProspectActivities: [
					{
						Id: res.body.Message.Id,
						EventCode: 205,
						EventName: 'Form Submitted',
						ActivityScore: 0,
						CreatedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
						ActivityType: 2,
						Type: 'Inbound',
						IsEmailType: false,
						Data: [{ Key: 'mx_Custom_1', Value: 'Pricing page' }],
					},
				],
			});
			sandbox.configure({ answers: { activityListDateTime: true, createCustomRelatedProspectId: true } });
			const withDate = await call(`ProspectActivity.svc/Retrieve?leadId=${leadId}`, { body: { Parameter: { ActivityEvent: 205 } } });
			expect(withDate.body.ProspectActivities[0]).toMatchObject({ ActivityDateTime: '2026-11-20 09:15:00', ActivityNote: 'Form submitted' });
			const second = await createCustom('w@example.org', { ActivityEvent: 205, ActivityNote: 'Again' });
			sandbox.configure({ answers: { activityListDateTime: false, createCustomRelatedProspectId: false } });
			expect(second.body.Message).toEqual({ Id: expect.any(String), RelatedProspectId: leadId });
			const other = await call(`ProspectActivity.svc/Retrieve?leadId=${leadId}`, { body: { Parameter: { ActivityEvent: 206 } } });
			expect(other.body.RecordCount).toBe(0);
		});

		it('CreateCustom with a bad activity changes nothing', async () => {
			const unknownEvent = await createCustom('x@example.org', { ActivityEvent: 999 });
			expect(unknownEvent.status).toBe(500);
			expect(unknownEvent.body.ExceptionType).toBe('MXInvalidInputException');
			const badDate = await createCustom('x@example.org', { ActivityEvent: 205, ActivityDateTime: '20/11/2026 09:15' });
			expect(badDate.body.ExceptionMessage).toContain('YYYY-MM-DD HH:MM:SS');
			const badField = await createCustom('x@example.org', { ActivityEvent: 205, Fields: [{ SchemaName: 'mx_Custom_49', Value: '1' }] });
			expect(badField.body.ExceptionMessage).toContain('mx_Custom_49');
			expect(sandbox.leads()).toHaveLength(0);
			expect(sandbox.activities()).toHaveLength(0);
		});

		it('Create posts by lead id or by email (creating the lead), and rejects unknown events on Retrieve', async () => {
			const lead = sandbox.seedLead({ EmailAddress: 'y@example.org' });
			const byId = await call('ProspectActivity.svc/Create', {
				body: { RelatedProspectId: lead.ProspectID, ActivityEvent: 206, Fields: [{ SchemaName: 'mx_Custom_1', Value: 'Q4 launch' }] },
			});
			expect(byId.body).toEqual({ Status: 'Success', Message: { Id: expect.any(String) } });
			const byEmail = await call('ProspectActivity.svc/Create', {
				body: { EmailAddress: 'z@example.org', FirstName: 'Zed', ActivityEvent: 207 },
			});
			expect(byEmail.status).toBe(200);
			expect(sandbox.findLeadByEmail('z@example.org')?.FirstName).toBe('Zed');
			const missing = await call('ProspectActivity.svc/Create', { body: { RelatedProspectId: 'no-such-lead', ActivityEvent: 205 } });
			expect(missing.body.ExceptionType).toBe('MXInvalidEntityException');
			expect(sandbox.activities().map((a) => a.ActivityEvent)).toEqual([206, 207]);

			const badFilter = await call(`ProspectActivity.svc/Retrieve?leadId=${lead.ProspectID}`, {
				body: { Parameter: { ActivityEvent: 12345 } },
			});
			expect(badFilter.status).toBe(500);
		});

		it('lists activity types and one type\'s fields', async () => {
			const types = await call('ProspectActivity.svc/ActivityTypes.Get');
			expect(types.body).toEqual(
				expect.arrayContaining([
					expect.objectContaining({ ActivityEvent: 205, DisplayName: 'Form Submitted' }),
					expect.objectContaining({ ActivityEvent: 206, DisplayName: 'Webinar Registered' }),
				]),
			);
			const setting = await call('ProspectActivity.svc/CustomActivity/GetActivitySetting?code=205');
			expect(setting.body).toMatchObject({ ID: expect.any(String), Name: 'Form Submitted', DisplayName: 'Form Submitted' });
			expect(setting.body.Fields[0]).toMatchObject({ SchemaName: 'mx_Custom_1', DisplayName: expect.any(String), DataType: 'String' });
			expect(sandbox.countOf('activityTypes')).toBe(1);
			expect(sandbox.countOf('activitySetting')).toBe(1);
		});
	});

	describe('lookup and metadata', () => {
		it('finds leads by email, phone and id', async () => {
			const lead = sandbox.seedLead({ EmailAddress: 'ada@example.org', Phone: '+91-9876543210', FirstName: 'Ada' });
			const byEmail = await call('LeadManagement.svc/Leads.GetByEmailaddress?emailaddress=ADA%40example.org');
			expect(byEmail.body).toEqual([expect.objectContaining({ ProspectID: lead.ProspectID, FirstName: 'Ada' })]);
			expect((await call('LeadManagement.svc/Leads.GetByEmailaddress?emailaddress=nobody%40example.org')).body).toEqual([]);
			const byPhone = await call('LeadManagement.svc/RetrieveLeadByPhoneNumber?phone=919876543210');
			expect(byPhone.body[0].ProspectID).toBe(lead.ProspectID);
			const byId = await call(`LeadManagement.svc/Leads.GetById?id=${lead.ProspectID}`);
			expect(byId.body).toHaveLength(1);
			expect(sandbox.countOf('getByEmail')).toBe(2);
		});

		it('describes the lead fields, including a custom unique field and a drop-down', async () => {
			const res = await call('LeadManagement.svc/LeadsMetaData.Get');
			const bySchema = Object.fromEntries((res.body as Loose[]).map((f) => [f.SchemaName, f]));
			expect(bySchema.EmailAddress).toMatchObject({ DataType: 'Email', IsLeadIdentifier: true, MaxLength: expect.any(String) });
			expect(bySchema.mx_Customer_Id.IsLeadIdentifier).toBe(true);
			expect(bySchema.mx_Product_Interest.Options.map((o: Loose) => o.Value)).toContain('Enterprise');
			expect(bySchema.mx_Last_Form_Submitted_On.DataType).toBe('DateTime');
			const lean = await call('LeadManagement.svc/LeadsMetaData.Get?excludeOptionSets=1&schemaName=mx_Product_Interest');
			expect(lean.body).toEqual([expect.not.objectContaining({ Options: expect.anything() })]);
		});
	});
});
