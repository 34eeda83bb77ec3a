import { Redactor } from '../../nodes/shared/engine/redact';

describe('Redactor', () => {
	const redactor = new Redactor(['s3cret-client-value', 'refresh-1000.abcdef', 'x1']);

	test('masks registered secrets wherever they appear, deep inside objects too', () => {
		const out = redactor.value({
			message: 'token refused for refresh-1000.abcdef',
			nested: [{ text: 'secret s3cret-client-value leaked' }],
		});
		expect(JSON.stringify(out)).not.toMatch(/s3cret-client-value|refresh-1000\.abcdef/);
		expect(out.message).toBe('token refused for ***');
	});

	test('leaves values too short to be secrets alone, so ordinary words survive', () => {
		expect(redactor.text('x1 is a field name')).toBe('x1 is a field name');
	});

	test('masks secret shapes it was not told about: bearer tokens, key query parameters, JSON secret fields', () => {
		expect(redactor.text('Authorization: Bearer eyJhbGciOi.abc.def')).toBe('Authorization: ***');
		expect(redactor.text('sent Zoho-oauthtoken 1000.9f8e7d6c5b4a.3210 to the API')).toBe('sent Zoho-oauthtoken *** to the API');
		expect(redactor.text('GET /v2/x?accessKey=u$abc&secretKey=def123&page=2')).toBe('GET /v2/x?accessKey=***&secretKey=***&page=2');
		expect(redactor.text('{"client_secret":"abc123","name":"n8n"}')).toBe('{"client_secret":"***","name":"n8n"}');
	});
});

describe('Redactor: every form a request carries a secret in', () => {
	const apiKey = 'k3y+With/Odd=chars-7f3c9a51';
	const developerKey = 'dev-0c4be19a77d2f358';
	const redactor = new Redactor([apiKey, developerKey]);
	redactor.addBasic(apiKey, developerKey);
	const basic = Buffer.from(`${apiKey}:${developerKey}`).toString('base64');

	test('masks the URL-encoded, JSON-escaped and base64 forms, at any alignment inside longer base64', () => {
		expect(redactor.text(`GET /x?key=${encodeURIComponent(apiKey)}`)).not.toContain(encodeURIComponent(apiKey).slice(0, 12));
		for (const prefix of ['', 'a', 'ab', 'user:']) {
			const encoded = Buffer.from(`${prefix}${developerKey}`).toString('base64');
			const masked = redactor.text(`token ${encoded} end`);
			// No run of the secret's own base64 characters is left to decode.
			expect(masked).toContain('***');
			expect(Buffer.from(masked.split(' ')[1].replace(/\*/g, ''), 'base64').toString('latin1')).not.toContain(developerKey.slice(0, 8));
		}
	});

	test('masks a Basic value it was not told about, but not the word "Basic" in prose', () => {
		expect(new Redactor().text('auth was Basic dXNlcjpwYXNzd29yZDE= and failed')).toBe('auth was Basic *** and failed');
		expect(new Redactor().text('Basic authentication is not enabled')).toBe('Basic authentication is not enabled');
	});

	test('masks first and cuts afterwards: a Basic value across the cut leaves nothing behind', () => {
		const text = `${'.'.repeat(280)} Header values: application/json | Basic ${basic}`;
		const cut = redactor.clipped(text, 300);
		expect(cut.length).toBeLessThanOrEqual(300);
		expect(cut).not.toContain(basic.slice(0, 6));
		expect(redactor.text(text)).toContain('Basic ***');
	});
});
