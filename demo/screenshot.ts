/**
 * Screenshot of a workflow in a running n8n editor, for the documentation:
 *
 *   ts-node --transpile-only demo/screenshot.ts <workflowId> [out.png] [--url=http://localhost:5678]
 *
 * Uses the system Chromium (Debian package `chromium`) through playwright-core, which downloads
 * no browser of its own. Signs in with the demo owner unless --email/--password are given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DEMO_OWNER, REPO_ROOT } from './runtime';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** No sandbox (runs as root in containers), and none of Chromium's own calls to Google services. */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface ScreenshotOptions {
	url: string;
	workflowId: string;
	out: string;
	email: string;
	password: string;
}

export async function screenshotWorkflow({ url, workflowId, out, email, password }: ScreenshotOptions): Promise<void> {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
	}
	// Loaded here so the rest of the demo works without this dev dependency.
	const { chromium } = await import('playwright-core');
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	try {
		const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		await page.goto(`${url}/signin`);
		await page.locator('input[type="email"]').fill(email);
		await page.locator('input[type="password"]').fill(password);
		await page.keyboard.press('Enter');
		await page.waitForURL((target) => !target.pathname.startsWith('/signin'), { timeout: 30_000 });

		await page.goto(`${url}/workflow/${workflowId}`);
		await page.locator('.vue-flow__node').first().waitFor({ timeout: 60_000 });
		// Node icons load after the nodes themselves are drawn.
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(1_000);
		fs.mkdirSync(path.dirname(out), { recursive: true });
		await page.screenshot({ path: out });
	} finally {
		await browser.close();
	}
}

function parseArgs(argv: string[]): ScreenshotOptions {
	const flags = Object.fromEntries(
		argv.filter((arg) => arg.startsWith('--')).map((arg) => arg.slice(2).split(/=(.*)/s, 2) as [string, string]),
	);
	const [workflowId, out] = argv.filter((arg) => !arg.startsWith('--'));
	if (!workflowId) {
		throw new Error('Usage: demo/screenshot.ts <workflowId> [out.png] [--url=…] [--email=…] [--password=…]');
	}
	return {
		workflowId,
		out: path.resolve(out ?? path.join(REPO_ROOT, 'docs', 'screenshots', 'editor.png')),
		url: (flags.url ?? 'http://localhost:5678').replace(/\/$/, ''),
		email: flags.email ?? DEMO_OWNER.email,
		password: flags.password ?? DEMO_OWNER.password,
	};
}

if (require.main === module) {
	const options = (() => {
		try {
			return parseArgs(process.argv.slice(2));
		} catch (error) {
			console.error((error as Error).message);
			process.exit(2);
		}
	})();
	screenshotWorkflow(options).then(
		() => console.log(`Wrote ${path.relative(process.cwd(), options.out)}`),
		(error: Error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}
