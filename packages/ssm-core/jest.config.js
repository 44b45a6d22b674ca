/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testTimeout: 120000,
  // Each test file gets a fresh tfjs engine; run files serially so timing-sensitive kernels
  // and the 2 cores are not oversubscribed.
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/../../tools/jest-summary-reporter.js'],
};
