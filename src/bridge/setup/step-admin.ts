/**
 * Step "Administrator" (rule A1): the administrator signs in (password grant at the directory), and
 * must be a Sales user with System Administrator, System Customizer and a non-administrative role.
 * Its token is kept in memory for the rest of the setup; its password is never stored.
 */
import { TokenRequestError } from '../clients/index.js';
import { clientsForUser } from '../remote.js';
import { evaluateSetupAdministrator } from './account-rules.js';
import { describeRemoteError } from './remote-errors.js';
import { salesUserFacts } from './sales-user-facts.js';
import type { StepInput } from './steps.js';
import { failed, type StepOutcome, type StepRun } from './step-types.js';

export async function runAdminStep(run: StepRun<StepInput<'admin'>>): Promise<StepOutcome> {
  const { ctx, row, input } = run;
  const salesUrl = row.salesUrl!;
  const upn = input.userName.trim().toLowerCase();
  const clients = clientsForUser(ctx, row, { userName: upn, password: input.password });
  const tokens = clients.tokens;
  let facts;
  try {
    await tokens.getToken();
    const me = await clients.sales.whoAmI();
    facts = await salesUserFacts(clients.sales, me.UserId);
  } catch (error) {
    const signIn = error instanceof TokenRequestError;
    return failed([
      {
        rule: 'A1',
        id: signIn ? 'a1.sign-in' : 'a1.sales-user',
        status: 'fail',
        message: signIn
          ? `${upn} could not sign in: ${describeRemoteError(error)}`
          : `${upn} signed in, but Sales did not let it read its own user: ${describeRemoteError(error)}`,
        fix: signIn
          ? 'Check the user name and password of a Sales System Administrator.'
          : `Make sure ${upn} is a Sales user (a Sales licence or a directory administrator role) with the System Administrator role.`,
      },
    ]);
  }
  const checks = [
    {
      rule: 'A1',
      id: 'a1.sign-in',
      status: 'pass' as const,
      message: `${upn} signed in; its password is used only for this setup and is not stored.`,
    },
    ...evaluateSetupAdministrator(facts),
  ];
  if (checks.some((c) => c.status === 'fail')) return failed(checks);
  ctx.adminSessions.set({ upn, salesUserId: facts.systemuserid, salesUrl, tokens });
  return {
    ok: true,
    checks,
    changes: [],
    summary: `${upn} (${facts.roles.join(', ')})`,
    update: { setupAdminUpn: upn, setupAdminSalesUserId: facts.systemuserid },
  };
}
