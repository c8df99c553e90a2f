/**
 * Step "ERP permission set": the ERP gives the same integration identity its INTEGRATION permission
 * set (with the administrator's token), then setup checks that the identity can read the company
 * it will synchronise.
 */
import { RemoteApiError } from '../clients/index.js';
import { integrationClients, type RemoteClients } from '../remote.js';
import type { CheckResult } from '../schema.js';
import { describeRemoteError, isForbidden } from './remote-errors.js';
import type { StepInput } from './steps.js';
import { failed, type StepOutcome, type StepRun } from './step-types.js';

const ADMIN_API = 'api/tandem/admin/v1.0';
export const ERP_PERMISSION_SET = 'INTEGRATION';

interface ErpUser {
  id: string;
  userName: string;
  applicationId: string | null;
  state: 'Enabled' | 'Disabled';
  disabledReason: string | null;
  permissionSets: string[];
}

function fail(id: string, message: string, fix: string): StepOutcome {
  return failed([{ rule: 'erp', id, status: 'fail', message, fix }]);
}

export async function runErpPermissionsStep(
  run: StepRun<StepInput<'erp-permissions'>>,
  admin: RemoteClients,
  adminUpn: string,
): Promise<StepOutcome> {
  const row = run.row;
  const kind = row.identityKind!;
  const name = row.identityName!;
  const who = kind === 'user' ? name : `application ${name}`;
  const changes: string[] = [];
  let user: ErpUser | undefined;
  try {
    const users = (await admin.erp.http.request<{ value: ErpUser[] }>('GET', `${ADMIN_API}/users`)).body
      .value;
    user = users.find((u) =>
      kind === 'user' ? u.userName.toLowerCase() === name : u.applicationId === name,
    );
    if (!user && kind === 'application') {
      user = (
        await admin.erp.http.request<ErpUser>('POST', `${ADMIN_API}/applications`, {
          body: {
            applicationId: name,
            displayName: 'Tandem ERP integration',
            permissionSets: [ERP_PERMISSION_SET],
          },
        })
      ).body;
      changes.push(`Registered ${who} in the ERP with the ${ERP_PERMISSION_SET} permission set`);
    }
    if (!user) {
      return fail(
        'erp.user',
        `${name} is not an ERP user, so the ERP cannot give it the ${ERP_PERMISSION_SET} permission set.`,
        `Assign a Business Central licence (for example DYN365_BUSCENTRAL_ESSENTIAL) to ${name} in the directory; the ERP adds the user within seconds. Then run this step again.`,
      );
    }
    if (user.state !== 'Enabled') {
      return fail(
        'erp.user-enabled',
        `The ERP user ${who} is disabled${user.disabledReason ? ` (${user.disabledReason})` : ''}.`,
        `Allow sign-in for ${name} in the directory and keep its Business Central licence.`,
      );
    }
    if (!user.permissionSets.includes(ERP_PERMISSION_SET)) {
      await admin.erp.http.request('POST', `${ADMIN_API}/users(${user.id})/permissionSets`, {
        body: { permissionSet: ERP_PERMISSION_SET },
      });
      changes.push(`Assigned the ERP permission set ${ERP_PERMISSION_SET} to ${who}`);
    }
  } catch (error) {
    return fail(
      'erp.permission-set',
      isForbidden(error)
        ? `${adminUpn} may not manage ERP users and permission sets.`
        : `The ERP did not assign the ${ERP_PERMISSION_SET} permission set: ${describeRemoteError(error)}`,
      isForbidden(error)
        ? `Sign in with an administrator who has the SUPER permission set in the ERP (a directory Global administrator has it).`
        : 'Try again; if it persists, check the ERP server.',
    );
  }

  // Now as the integration identity itself: it must see the company it will synchronise.
  const integration = integrationClients(run.ctx, row);
  let companies;
  try {
    companies = await integration.erp.listCompanies();
  } catch (error) {
    return fail(
      'erp.access',
      `${who} cannot read the ERP: ${describeRemoteError(error)}`,
      error instanceof RemoteApiError && error.status === 401
        ? `Wait a few seconds for the ERP to pick up ${name}, then run this step again.`
        : `Check that ${who} has the ${ERP_PERMISSION_SET} permission set in the ERP.`,
    );
  }
  const wanted = run.input.companyId ?? row.erpCompanyId ?? companies[0]?.id;
  const company = companies.find((c) => c.id === wanted);
  if (!company) {
    return fail(
      'erp.company',
      run.input.companyId
        ? `The ERP has no company ${run.input.companyId}; it has ${companies.map((c) => `${c.name} (${c.id})`).join(', ') || 'none'}.`
        : 'The ERP has no company.',
      'Choose one of the listed companies.',
    );
  }
  if (row.erpCompanyId !== company.id) changes.push(`Connected the ERP company ${company.name}`);
  const checks: CheckResult[] = [
    {
      rule: 'erp',
      id: 'erp.permission-set',
      status: 'pass',
      message: `${who} has the ERP permission set ${ERP_PERMISSION_SET} and reads the company ${company.name.replace(/\.+$/, '')}.`,
    },
  ];
  return {
    ok: true,
    checks,
    changes,
    summary: `${ERP_PERMISSION_SET} for ${who}; company ${company.name}`,
    update: { erpUserId: user.id, erpCompanyId: company.id, erpCompanyName: company.name },
  };
}
