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
