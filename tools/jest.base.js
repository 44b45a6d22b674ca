/**
 * The jest settings every package shares: `module.exports = require('../../tools/jest.base')({...extra})`
 * in a package's jest.config.js (<rootDir> is that package).
 * @param {import('jest').Config} extra
 * @returns {import('jest').Config}
 */
module.exports = (extra = {}) => ({
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testTimeout: 120000,
  // Each test file gets a fresh tfjs engine; run files serially so timing-sensitive kernels
  // and the 2 cores are not oversubscribed.
  maxWorkers: 1,
  reporters: ['default', require.resolve('./jest-summary-reporter.js')],
  ...extra,
});
