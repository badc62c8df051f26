/**
 * Tests run against a real MongoDB-wire server: MONGODB_URI if set, otherwise an embedded FerretDB started by the
 * global setup (handler from DATELINE_TEST_DB: sqlite | postgresql).
 * @type {import('jest').Config}
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
