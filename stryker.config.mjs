// Mutation testing of the rooms where a wrong answer is a security or data bug (docs/testing.md).
// `npm run test:mutation` runs every target below in turn (scripts/mutation.mjs);
// `npm run test:mutation -- token-verifier` one of them. Not run in CI.

/**
 * One target: the code mutated and the unit tests run against each mutant. Each target keeps its own
 * incremental file, so targets can be run (and committed) one at a time. Unit tests only: every
 * mutant runs all of its target's tests (see coverageAnalysis below), and an HTTP test file starts
 * the whole system (tens of seconds on this 2-core machine shared with other work) for each mutant.
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
    // Which directory users are ERP users (lines 23-58, pure). Applying it to the ERP's tables (the
    // rest) is tested over HTTP by test/erp-users.test.ts: too slow to run for each mutant here.
    mutate: ['src/erp/provisioning.ts:23-58'],
    testFiles: ['src/erp/provisioning.test.ts'],
  },
  'sales-security': {
    // The privilege model: rights, depths and which records a depth reaches (pure). The rest of
    // src/sales/security reads roles from the database and is tested over HTTP
    // (test/sales-privileges.test.ts, test/sales-webapi-security.test.ts).
    mutate: ['src/sales/security/depth.ts'],
    testFiles: ['src/sales/security/depth.test.ts'],
  },
  'bridge-setup': {
    // The account rules A1, A2, A4 and A7 (pure); the checks that gather the facts for them run over
    // HTTP (test/bridge-rules-setup.test.ts).
    mutate: ['src/bridge/setup/account-rules.ts'],
    testFiles: ['src/bridge/setup/account-rules.test.ts'],
  },
};

const name = process.env.MUTATION_TARGET ?? 'token-verifier';
const target = targets[name];
if (!target) throw new Error(`MUTATION_TARGET: no target "${name}" (${Object.keys(targets).join(', ')})`);
// The target's test files reach vitest.mutation.config.ts through the environment (the test runner
// processes inherit it), not through Stryker's `testFiles`: with a test filter, Stryker 9.6 activates
// a mutant of module-level code after the module has loaded, so such a mutant always "survives"
// (stryker-mutator/stryker-js#6144).
process.env.MUTATION_TEST_FILES = target.testFiles.join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: {
    // Runs the target's test files (MUTATION_TEST_FILES).
    configFile: 'vitest.mutation.config.ts',
    // Every test file of the target, whether or not it imports the mutated file.
    related: false,
  },
  mutate: target.mutate,
  // Copy only what the tests need into the sandbox.
  ignorePatterns: ['web', 'docs', 'bench', 'dist', 'data', 'test/e2e', 'test-results', 'reports'],
  // Every mutant runs all of its target's tests. Per-test coverage would run only the tests that
  // reach it, but with vitest 4.1 the runner (9.6) then reports mutants as survived that those very
  // tests kill when the mutant is applied by hand (checked on token-verifier.ts: `algorithms: []`).
  coverageAnalysis: 'off',
  // The machine has two cores shared with other work.
  concurrency: 1,
  // No type-checking of mutants: tsc on each would cost more than the test run.
  checkers: [],
  timeoutMS: 10_000,
  dryRunTimeoutMinutes: 30,
  incremental: true,
  incrementalFile: `reports/stryker-incremental/${name}.json`,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
