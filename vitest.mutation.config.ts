import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests Stryker runs for mutation testing (`npm run test:mutation`, see docs/testing.md): those
 * of the target being run (stryker.config.mjs sets MUTATION_TEST_FILES), else all of them. Not
 * mergeConfig: it would add these to the whole suite's `include` instead of replacing it.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: process.env.MUTATION_TEST_FILES?.split(',') ?? [
      'src/platform/http/token-verifier.test.ts',
      'src/directory/authorisation.test.ts',
      'src/erp/permission-sets.test.ts',
      'src/erp/provisioning.test.ts',
      'src/sales/security/depth.test.ts',
      'src/bridge/setup/account-rules.test.ts',
    ],
  },
});
