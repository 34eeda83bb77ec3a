/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
	},
	testTimeout: 120000,
	// One file at a time: several files measure wall time against a vendor's rate-limit floor,
	// and a second file competing for the machine's two cores would distort what they measure.
	maxWorkers: 1,
};
