import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests Stryker runs for mutation testing (`npm run test:mutation`, see docs/testing.md): the
 * ones that exercise the rooms where a wrong answer is a security or data bug. Stryker runs them in
 * its own sandbox, one worker at a time; the HTTP tests start the whole system in the test process,
 * so the coverage of the mutated code is still measured per test.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: [
        // The token verifier and the tokens it checks.
        'src/platform/http/token-verifier.test.ts',
        'test/security-token-audience.test.ts',
        'test/auth-token.test.ts',
        'test/auth-applications.test.ts',
        // Directory roles: who may manage whom.
        'test/directory-users.test.ts',
        'test/directory-licences.test.ts',
        'test/security-protected-accounts.test.ts',
        // ERP permission sets and provisioning.
        'src/erp/permission-sets.test.ts',
        'src/erp/provisioning.test.ts',
        'test/erp-users.test.ts',
        // Sales security roles, privileges and depths.
        'src/sales/security/depth.test.ts',
        'test/sales-privileges.test.ts',
        'test/sales-roles-solutions.test.ts',
        'test/sales-webapi-security.test.ts',
        'test/sales-provisioning.test.ts',
        // The bridge's setup: account rules and checks.
        'src/bridge/setup/account-rules.test.ts',
        'src/bridge/setup/fix-faces.test.ts',
        'src/bridge/setup/step-sales-url.test.ts',
        'test/bridge-rules-setup.test.ts',
        'test/bridge-rules-monitor.test.ts',
        'test/security-bridge-current-user.test.ts',
      ],
    },
  }),
);
