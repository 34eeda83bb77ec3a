// The tests run east of UTC (UTC+9, no daylight saving), where code that reads a date in the
// process's local time lands on the day before: a date-only lead value must keep its day anyway.
process.env.TZ = 'Asia/Tokyo';

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
