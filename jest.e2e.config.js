/**
 * End-to-end tests: a real n8n started from demo/runtime with this package installed. One test
 * file shares one n8n instance; files run one after another so their instances do not compete
 * for the two cores.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
	},
	testTimeout: 120000,
	maxWorkers: 1,
};
