// Mutation testing of the rooms where a wrong answer is a security or data bug (docs/testing.md).
// Run with `npm run test:mutation`; one file or folder at a time with
// `npm run test:mutation -- --mutate src/erp/permission-sets.ts`. Not run in CI.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: {
    configFile: 'vitest.mutation.config.ts',
    // Most of these tests reach the code over HTTP, not by importing it.
    related: false,
  },
  mutate: [
    'src/platform/http/token-verifier.ts',
    'src/directory/authorisation.ts',
    'src/erp/permission-sets.ts',
    'src/erp/provisioning.ts',
    'src/sales/security/**/*.ts',
    'src/bridge/setup/**/*.ts',
    '!src/**/*.test.ts',
    '!src/**/*.d.ts',
  ],
  // Copy only what the tests need into the sandbox.
  ignorePatterns: ['web', 'docs', 'bench', 'dist', 'data', 'test/e2e', 'test-results', 'reports'],
  coverageAnalysis: 'perTest',
  // The machine has two cores shared with other work.
  concurrency: 1,
  // Module-level constants are run while the system starts, outside any test: mutating them means
  // running every test for each; they are left out of the score (reported as ignored).
  ignoreStatic: true,
  // No type-checking of mutants: tsc on each would cost more than the test run.
  checkers: [],
  // Each mutant run starts the test files' systems again (not in the measured test times).
  timeoutMS: 30_000,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
