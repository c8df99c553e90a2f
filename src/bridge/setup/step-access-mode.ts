/**
 * Step "Access mode" (rule A4): setup offers to make a named integration user Non-interactive (API
 * only, no console sign-in). Declining is allowed, with a warning that stays until it is done.
 * Application users are Non-interactive by nature.
 */
import type { RemoteClients } from '../remote.js';
import type { CheckResult } from '../schema.js';
import { evaluateAccessMode, NON_INTERACTIVE } from './account-rules.js';
import { describeRemoteError } from './remote-errors.js';
import { salesUserFacts } from './sales-user-facts.js';
import type { StepInput } from './steps.js';
import { failed, type StepOutcome, type StepRun } from './step-types.js';

export async function runAccessModeStep(
  run: StepRun<StepInput<'access-mode'>>,
  admin: RemoteClients,
): Promise<StepOutcome> {
  const id = run.row.salesUserId!;
  const facts = await salesUserFacts(admin.sales, id);
  const changes: string[] = [];
  if (facts.accessmode !== NON_INTERACTIVE && run.input.nonInteractive) {
    try {
      await admin.salesAdmin.request('PATCH', `sales/admin/users/${id}`, {
        body: { accessmode: NON_INTERACTIVE },
      });
    } catch (error) {
      return failed([
        {
          rule: 'A4',
          id: 'a4.non-interactive',
          status: 'fail',
          message: `Sales did not set ${facts.domainname} to Non-interactive: ${describeRemoteError(error)}`,
          fix: 'The administrator needs the System Administrator role in Sales to change access modes.',
        },
      ]);
    }
    facts.accessmode = NON_INTERACTIVE;
    changes.push(`Set the access mode of ${facts.domainname} to Non-interactive`);
  }
  // What setup leaves is what later checks expect: Non-interactive, or the mode the admin kept.
  const expected = facts.accessmode;
  const check: CheckResult = evaluateAccessMode(facts, expected);
  return {
    ok: true,
    checks: [check],
    changes,
    summary:
      check.status === 'pass'
        ? `${facts.domainname} is Non-interactive`
        : `${facts.domainname} stays interactive (warning)`,
    update: { expectedAccessMode: expected },
  };
}
