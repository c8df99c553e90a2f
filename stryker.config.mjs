// Mutation testing of the rooms where a wrong answer is a security or data bug (docs/testing.md).
// `npm run test:mutation` runs every target below in turn (scripts/mutation.mjs);
// `npm run test:mutation -- token-verifier` one of them. Not run in CI.

/**
 * One target: the files mutated and the test files run against them. Each target keeps its own
 * incremental file, so targets can be run (and committed) one at a time. The HTTP tests start the
 * whole system in the test process, so Stryker still measures which test reaches which mutant; but
 * each mutant run starts their systems again (seconds each on a shared 2-core machine), so a target
 * lists the fewest test files that exercise it.
 */
export const targets = {
  'token-verifier': {
    mutate: ['src/platform/http/token-verifier.ts'],
    testFiles: ['src/platform/http/token-verifier.test.ts'],
  },
  'directory-authorisation': {
    mutate: ['src/directory/authorisation.ts'],
    testFiles: ['src/directory/authorisation.test.ts'],
  },
  'erp-permission-sets': {
    mutate: ['src/erp/permission-sets.ts'],
    testFiles: ['src/erp/permission-sets.test.ts'],
  },
  'erp-provisioning': {
    mutate: ['src/erp/provisioning.ts'],
    testFiles: ['src/erp/provisioning.test.ts'],
  },
  'sales-security': {
    mutate: ['src/sales/security/**/*.ts', '!src/**/*.test.ts'],
    testFiles: [
      'src/sales/security/depth.test.ts',
      'test/sales-privileges.test.ts',
      'test/sales-webapi-security.test.ts',
    ],
  },
  'bridge-setup': {
    mutate: ['src/bridge/setup/account-rules.ts', 'src/bridge/setup/account-checks.ts'],
    testFiles: ['src/bridge/setup/account-rules.test.ts', 'test/bridge-rules-setup.test.ts'],
  },
};

const name = process.env.MUTATION_TARGET ?? 'token-verifier';
const target = targets[name];
if (!target) throw new Error(`MUTATION_TARGET: no target "${name}" (${Object.keys(targets).join(', ')})`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: {
    // Lists every test file a target may run; `testFiles` picks the target's own.
    configFile: 'vitest.mutation.config.ts',
    // Most of these tests reach the code over HTTP, not by importing it.
    related: false,
  },
  mutate: target.mutate,
  testFiles: target.testFiles,
  // Copy only what the tests need into the sandbox.
  ignorePatterns: ['web', 'docs', 'bench', 'dist', 'data', 'test/e2e', 'test-results', 'reports'],
  coverageAnalysis: 'perTest',
  // The machine has two cores shared with other work.
  concurrency: 1,
  // Module-level constants are run while the modules load, outside any test: mutating them means
  // running every test for each; they are left out of the score (reported as ignored).
  ignoreStatic: true,
  // No type-checking of mutants: tsc on each would cost more than the test run.
  checkers: [],
  // Each mutant run starts the test files' systems again (not in the measured test times).
  timeoutMS: 30_000,
  dryRunTimeoutMinutes: 30,
  incremental: true,
  incrementalFile: `reports/stryker-incremental/${name}.json`,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
