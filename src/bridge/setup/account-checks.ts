/**
 * The continuous account checks (rules A2, A3, A4, A7), run as the integration identity itself: can
 * it still get a token, is it still enabled, licensed or Non-interactive, without System
 * Administrator, with both integration roles, able to read the ERP — and has a person been editing
 * Sales while signed in as it. Finish, "test connection", the monitor and `tandem doctor` use these.
 */
import { TokenRequestError } from '../clients/index.js';
import type { BridgeContext } from '../context.js';
import { integrationClients, type ConnectionRow } from '../remote.js';
import type { CheckResult } from '../schema.js';
import {
  evaluateAccessMode,
  evaluateApplicationUser,
  evaluateIntegrationRoles,
  integrationUserState,
  SALES_LICENCE,
} from './account-rules.js';
import { personEditsCheck } from './person-edits.js';
import { describeRemoteError, isForbidden } from './remote-errors.js';
import { salesUserFacts } from './sales-user-facts.js';

function tokenFailure(row: ConnectionRow, error: unknown): CheckResult {
  const reason = describeRemoteError(error);
  const rule = row.identityKind === 'application' ? 'A7' : 'A4';
  const who = row.identityKind === 'application' ? `application ${row.identityName}` : row.identityName!;
  if (error instanceof TokenRequestError && error.status === 429) {
    // The directory throttles by account and source: failures from this server (usually a stored
    // password that no longer works) have locked the identity out here; elsewhere it still signs in.
    const wait = /Wait (\d+) seconds/.exec(reason)?.[1];
    return {
      rule,
      id: `${rule.toLowerCase()}.locked-out`,
      status: 'fail',
      message: `${who} is locked out of sign-in from this server after repeated failed sign-ins (the directory says: ${reason})`,
      fix: `Wait ${wait ?? 'a few'} seconds, then test the connection again. If the stored ${row.identityKind === 'application' ? 'secret' : 'password'} is wrong, enter the current one first (POST /bridge/connection/credentials), so the failures do not start again.`,
    };
  }
  const wrongSecret =
    error instanceof TokenRequestError &&
    (error.oauthError === 'invalid_client' || /user name or password|credentials|secret/i.test(reason));
  return {
    rule,
    id: `${rule.toLowerCase()}.token`,
    status: 'fail',
    message: wrongSecret
      ? `The stored ${row.identityKind === 'application' ? 'client secret' : 'password'} of the integration ${row.identityKind === 'application' ? 'application' : 'user'} ${row.identityName} no longer works: it was changed or reset after setup (the directory says: ${reason})`
      : `The integration identity ${who} cannot get a token: ${reason}`,
    fix: wrongSecret
      ? `Enter the current ${row.identityKind === 'application' ? 'secret' : 'password'} of ${who} (POST /bridge/connection/credentials).`
      : `Fix the sign-in of ${who} in the directory (allowed sign-in, no forced password change), then test the connection again.`,
  };
}

export interface AccountCheckOptions {
  /** Look for edits made by a person signed in as the integration user (rule A3). Default true. */
  personEdits?: boolean;
}

/** Runs every account check of the integration identity; an empty identity is one failure. */
export async function runAccountChecks(
  ctx: BridgeContext,
  row: ConnectionRow,
  options: AccountCheckOptions = {},
): Promise<CheckResult[]> {
  if (!row.identityKind || !row.salesUrl) {
    return [
      {
        rule: 'connection',
        id: 'connection.configured',
        status: 'fail',
        message: 'The connection has no integration identity yet.',
        fix: 'Run the assisted setup (POST /bridge/setup/start).',
      },
    ];
  }
  const clients = integrationClients(ctx, row);
  try {
    await clients.tokens.getToken({ forceRefresh: true });
  } catch (error) {
    return [tokenFailure(row, error)];
  }
  const checks: CheckResult[] = [];
  const rule = row.identityKind === 'application' ? 'A7' : 'A2';
  try {
    const me = await clients.sales.whoAmI();
    if (row.salesUserId && me.UserId !== row.salesUserId) {
      checks.push({
        rule,
        id: 'connection.same-user',
        status: 'fail',
        message: `${row.identityName} now signs in as a different Sales user (${me.UserId}) than the one setup checked (${row.salesUserId}).`,
        fix: 'Run the assisted setup again so the new user is checked and given the integration roles.',
      });
    }
    const facts = await salesUserFacts(clients.sales, me.UserId);
    if (row.identityKind === 'application') {
      checks.push(...evaluateApplicationUser(facts, row.identityName!));
    } else {
      checks.push(...integrationUserState(facts), evaluateAccessMode(facts, row.expectedAccessMode));
    }
    if (row.solutionVersion) checks.push(evaluateIntegrationRoles(facts, rule));
  } catch (error) {
    const reason = describeRemoteError(error);
    // Sales refuses a disabled caller outright (blocked sign-in, licence removed): say so, not "roles".
    const disabled = isForbidden(error) && /\bis (?:disabled|not enabled) in Sales\b/i.test(reason);
    checks.push(
      disabled
        ? {
            rule,
            id: `${rule.toLowerCase()}.enabled`,
            status: 'fail',
            message: `Sales refuses the integration identity ${row.identityName}: ${reason}`,
            fix:
              row.identityKind === 'application'
                ? `Enable the application user of ${row.identityName} in Sales, or run the integration-user step of the assisted setup again to create a new one.`
                : `Allow sign-in for ${row.identityName} in the directory and give it the Sales licence ${SALES_LICENCE} again; the bridge resumes writing at the next check.`,
          }
        : {
            rule,
            id: 'sales.access',
            status: 'fail',
            message: `${row.identityName} cannot read its own Sales user: ${reason}`,
            fix: 'Check that the integration identity is still a Sales user with the Integration User role (redeploy the solution if the roles were removed).',
          },
    );
  }
  if (row.erpCompanyId) {
    try {
      await clients.erp.list(row.erpCompanyId, 'salespeoplePurchasers', { top: 1, select: ['code'] });
      checks.push({
        rule: 'erp',
        id: 'erp.access',
        status: 'pass',
        message: `${row.identityName} reads and writes the ERP company through its INTEGRATION permission set.`,
      });
    } catch (error) {
      checks.push({
        rule: 'erp',
        id: 'erp.access',
        status: 'fail',
        message: `${row.identityName} cannot read the ERP: ${describeRemoteError(error)}`,
        fix: `Give ${row.identityName} the ERP permission set INTEGRATION again (re-run the setup step "ERP permission set").`,
      });
    }
  }
  if (options.personEdits !== false && row.salesUserId && row.setupCompletedAt) {
    checks.push(await personEditsCheck(ctx, row, clients));
  }
  return checks;
}
