/**
 * Step "Deploy the integration solution": imported with the administrator's token (idempotent and
 * versioned on the Sales side), then both of its roles assigned to the integration identity in its
 * business unit. Also the connection action "redeploy solution".
 */
import type { RemoteClients } from '../remote.js';
import type { CheckResult } from '../schema.js';
import { evaluateIntegrationRoles, ROLE } from './account-rules.js';
import { INTEGRATION_ROLES, INTEGRATION_SOLUTION } from './integration-solution.js';
import { describeRemoteError } from './remote-errors.js';
import { salesUserFacts } from './sales-user-facts.js';
import { failed, type StepOutcome } from './step-types.js';

export async function deployIntegrationSolution(
  admin: RemoteClients,
  adminUpn: string,
  identity: { salesUserId: string; kind: 'user' | 'application' },
): Promise<StepOutcome> {
  const changes: string[] = [];
  let imported: { status: string; version: string; previousVersion: string | null };
  try {
    imported = (
      await admin.salesAdmin.request<{ status: string; version: string; previousVersion: string | null }>(
        'POST',
        'sales/admin/solutions',
        { body: INTEGRATION_SOLUTION },
      )
    ).body;
  } catch (error) {
    return failed([
      {
        rule: 'A1',
        id: 'solution.import',
        status: 'fail',
        message: `The integration solution ${INTEGRATION_SOLUTION.uniquename} ${INTEGRATION_SOLUTION.version} was not imported: ${describeRemoteError(error)}`,
        fix: `${adminUpn} needs the ${ROLE.systemCustomizer} or ${ROLE.systemAdministrator} role in Sales; then try again.`,
      },
    ]);
  }
  if (imported.status === 'installed')
    changes.push(`Imported the solution ${INTEGRATION_SOLUTION.uniquename} ${imported.version}`);
  if (imported.status === 'upgraded')
    changes.push(
      `Upgraded the solution ${INTEGRATION_SOLUTION.uniquename} from ${imported.previousVersion} to ${imported.version}`,
    );

  const rule = identity.kind === 'user' ? 'A2' : 'A7';
  try {
    const user = await admin.sales.getSystemUser(identity.salesUserId, [
      '_businessunitid_value',
      'domainname',
      'fullname',
    ]);
    const businessUnit = String(user._businessunitid_value);
    const names = INTEGRATION_ROLES.map((n) => `name eq '${n}'`).join(' or ');
    const roles = await admin.sales.listRoles(`(${names}) and _businessunitid_value eq ${businessUnit}`);
    const held = new Set((await admin.sales.listUserRoles(identity.salesUserId)).map((r) => r.roleid));
    const who = identity.kind === 'user' ? String(user.domainname) : String(user.fullname);
    for (const role of roles) {
      if (held.has(role.roleid)) continue;
      await admin.sales.associateRole(identity.salesUserId, role.roleid);
      changes.push(`Assigned the role ${role.name} to ${who}`);
    }
    const facts = await salesUserFacts(admin.sales, identity.salesUserId);
    const checks: CheckResult[] = [
      {
        rule: 'A1',
        id: 'solution.import',
        status: 'pass',
        message: `The solution ${INTEGRATION_SOLUTION.uniquename} ${imported.version} is installed (${imported.status}).`,
      },
      evaluateIntegrationRoles(facts, rule),
    ];
    if (checks.some((c) => c.status === 'fail')) return failed(checks);
    return {
      ok: true,
      checks,
      changes,
      summary: `${INTEGRATION_SOLUTION.uniquename} ${imported.version}; ${who} has ${INTEGRATION_ROLES.join(' and ')}`,
      update: { solutionVersion: imported.version },
    };
  } catch (error) {
    return failed([
      {
        rule,
        id: `${rule.toLowerCase()}.integration-roles`,
        status: 'fail',
        message: `The solution is installed, but its roles were not assigned to the integration user: ${describeRemoteError(error)}`,
        fix: `${adminUpn} needs the ${ROLE.systemAdministrator} role in Sales to assign roles; then run this step again.`,
      },
    ]);
  }
}
