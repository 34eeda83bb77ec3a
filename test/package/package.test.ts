import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PACKAGE_ROOT } from '../harness/packageTypes';

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));

function scan(dir: string, mode: 'sources' | 'tarball') {
	// Jest sets NODE_ENV=test, which makes eslint-plugin-n8n-nodes-base treat every file as its
	// own test fixture ("Test.node.ts", a trigger): the scanner must run as it does for n8n.
	const env = { ...process.env, NODE_ENV: 'production' };
	const out = execFileSync(process.execPath, [join(__dirname, 'scan.mjs'), dir, mode], { cwd: PACKAGE_ROOT, encoding: 'utf8', env });
	return JSON.parse(out) as { passed: boolean; message?: string; details?: string };
}

describe('published package', () => {
	let unpacked: string;
	beforeAll(() => {
		unpacked = mkdtempSync(join(tmpdir(), 'lead-upsert-pack-'));
		const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', unpacked], { cwd: PACKAGE_ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
		execFileSync('tar', ['-xzf', join(unpacked, tarball), '-C', unpacked]);
	});
	afterAll(() => rmSync(unpacked, { recursive: true, force: true }));

	test('has no runtime dependencies and n8n-workflow only as a peer', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.files).toEqual(['dist']);
	});

	test('ships every node and credential it lists, with their icons', () => {
		const shipped = join(unpacked, 'package');
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(existsSync(join(shipped, file))).toBe(true);
		for (const file of pkg.n8n.nodes as string[]) {
			const source = readFileSync(join(shipped, file), 'utf8');
			for (const icon of source.matchAll(/file:([\w.-]+\.svg)/g)) {
				expect(existsSync(join(shipped, file, '..', icon[1]))).toBe(true);
			}
		}
		expect(existsSync(join(shipped, 'sandbox'))).toBe(false);
		expect(existsSync(join(shipped, 'test'))).toBe(false);
	});

	test('passes n8n\'s community-package scanner on the sources and on the packed tarball', () => {
		const sources = scan(PACKAGE_ROOT, 'sources');
		expect(sources.details ?? '').toBe('');
		expect(sources.passed).toBe(true);
		const tarball = scan(join(unpacked, 'package'), 'tarball');
		expect(tarball.details ?? '').toBe('');
		expect(tarball.passed).toBe(true);
	}, 120000);
});
