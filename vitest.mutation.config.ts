import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests Stryker may run for mutation testing (`npm run test:mutation`, see docs/testing.md and
 * the targets in stryker.config.mjs, which pick their own among these).
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: [
        'src/platform/http/token-verifier.test.ts',
        'src/directory/authorisation.test.ts',
        'src/erp/permission-sets.test.ts',
        'src/erp/provisioning.test.ts',
        'src/sales/security/depth.test.ts',
        'test/sales-privileges.test.ts',
        'test/sales-webapi-security.test.ts',
        'src/bridge/setup/account-rules.test.ts',
        'test/bridge-rules-setup.test.ts',
      ],
    },
  }),
);
