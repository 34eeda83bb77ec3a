// Runs n8n's community-package scanner on a folder, as its CLI does for a published version.
// Usage: node scan.mjs <dir> sources|tarball
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const [target, mode] = process.argv.slice(2);
const dir = (await import('node:path')).resolve(target);
const patterns = mode === 'sources' ? SOURCE_FILE_PATTERNS : ['**/*.js', 'package.json'];
const result = await analyzePackage(dir, patterns);
process.stdout.write(JSON.stringify({ passed: result.passed, message: result.message, details: result.details }));
