/**
 * Step "Integration user": a named user checked against rule A2, or an application user created with
 * the administrator's rights (rule A7). The identity's secret is sealed and stored; the identity must
 * be able to get a token now (a password that must change at next sign-in cannot).
 */
import { TokenRequestError } from '../clients/index.js';
import type { CheckResult } from '../schema.js';
import { clientsForAdminSession, directoryUrlOf, tokenSourceFor } from '../remote.js';
import { evaluateApplicationUser, evaluateNamedIntegrationUser } from './account-rules.js';
import type { AdminSession } from './admin-session.js';
import { protectIntegrationUser } from './identity-protection.js';
import { describeRemoteError, isForbidden } from './remote-errors.js';
import { findApplicationUser, findSalesUserByUpn } from './sales-user-facts.js';
import type { StepInput } from './steps.js';
import { failed, type StepOutcome, type StepRun } from './step-types.js';

/** Whether the identity can get a token, as a check (the directory's reason when it cannot). */
async function signInCheck(
  run: StepRun<unknown>,
  rule: 'A2' | 'A7',
  identity: Parameters<typeof tokenSourceFor>[2],
  who: string,
): Promise<CheckResult> {
  const tokens = tokenSourceFor(run.ctx, directoryUrlOf(run.ctx, run.row), identity);
  try {
    await tokens.getToken();
    return {
      rule,
      id: `${rule.toLowerCase()}.sign-in`,
      status: 'pass',
      message: `${who} can get API tokens.`,
    };
  } catch (error) {
    const reason = describeRemoteError(error);
    const mustChange = error instanceof TokenRequestError && /must change/i.test(reason);
    return {
      rule,
      id: mustChange ? 'a2.password-change-required' : `${rule.toLowerCase()}.sign-in`,
      status: 'fail',
      message: mustChange
        ? `${who} must change its password at next sign-in, so the bridge cannot sign in with it (the directory says: ${reason})`
        : `${who} cannot get a token: ${reason}`,
      fix: mustChange
        ? `Sign in once as ${who} and choose a new password (console sign-in, or POST /auth/change-password), then enter the new password here.`
        : `Check the password of ${who}, and that its sign-in is allowed in the directory.`,
    };
  }
}

async function namedUser(
  run: StepRun<Extract<StepInput<'integration-user'>, { kind: 'user' }>>,
  admin: AdminSession,
): Promise<StepOutcome> {
  const upn = run.input.userName.trim().toLowerCase();
  const clients = clientsForAdminSession(run.ctx, run.row, admin);
  let user;
  try {
    user = await findSalesUserByUpn(clients.sales, upn);
  } catch (error) {
    return failed([
      {
        rule: 'A2',
        id: 'a2.lookup',
        status: 'fail',
        message: `Sales did not let ${admin.upn} look up ${upn}: ${describeRemoteError(error)}`,
        fix: `Sign in as a System Administrator in the administrator step.`,
      },
    ]);
  }
  const checks = evaluateNamedIntegrationUser(upn, user, { upn: admin.upn, salesUserId: admin.salesUserId });
  if (checks.some((c) => c.status === 'fail' && (c.id === 'a2.not-admin' || c.id === 'a2.exists')))
    return failed(checks);
  checks.push(
    await signInCheck(run, 'A2', { kind: 'user', userName: upn, password: run.input.password }, upn),
  );
  if (checks.some((c) => c.status === 'fail')) return failed(checks);

  const row = run.row;
  const sameIdentity =
    row.identityKind === 'user' && row.identityName === upn && row.salesUserId === user!.systemuserid;
  const samePassword =
    sameIdentity &&
    row.identitySecretSealed !== null &&
    run.ctx.secrets.open(row.identitySecretSealed) === run.input.password;
  const changes = sameIdentity
    ? samePassword
      ? []
      : [`Stored the new password of ${upn} (sealed)`]
    : [`Integration user set to ${upn}`];
  const protection = await protectIntegrationUser(run.ctx, run.actor, row, upn);
  checks.push(protection.check);
  if (protection.check.status === 'fail') return failed(checks);
  if (protection.changed) {
    changes.push(`Protected ${upn} in the directory (only Global administrators can change it)`);
  }
  if (row.identityKind === 'user' && row.identityName && row.identityName !== upn) {
    // The previous integration user is an ordinary account again.
    await protectIntegrationUser(run.ctx, run.actor, row, row.identityName, false);
  }
  return {
    ok: true,
    checks,
    changes,
    summary: `Named user ${upn}`,
    update: {
      identityKind: 'user',
      identityName: upn,
      identityDirectoryId: null,
      identitySecretSealed: samePassword
        ? row.identitySecretSealed
        : run.ctx.secrets.seal(run.input.password),
      salesUserId: user!.systemuserid,
      erpUserId: sameIdentity ? row.erpUserId : null,
    },
    changesIdentity: row.identityName !== null && !sameIdentity,
  };
}

async function applicationUser(
  run: StepRun<Extract<StepInput<'integration-user'>, { kind: 'application' }>>,
  admin: AdminSession,
): Promise<StepOutcome> {
  const clients = clientsForAdminSession(run.ctx, run.row, admin);
  const row = run.row;
  // Re-running setup: keep the application user it created, if it still works.
  if (row.identityKind === 'application' && row.identityName && row.identitySecretSealed) {
    const existing = await findApplicationUser(clients.sales, row.identityName).catch(() => undefined);
    const signIn = await signInCheck(
      run,
      'A7',
      {
        kind: 'application',
        clientId: row.identityName,
        clientSecret: run.ctx.secrets.open(row.identitySecretSealed),
      },
      `application ${row.identityName}`,
    );
    if (existing && signIn.status === 'pass') {
      const checks = [...evaluateApplicationUser(existing, row.identityName), signIn];
      if (checks.some((c) => c.status === 'fail')) return failed(checks);
      return {
        ok: true,
        checks,
        changes: [],
        summary: `Application user ${existing.fullname ?? row.identityName}`,
        update: { salesUserId: existing.systemuserid },
      };
    }
  }

  const displayName = run.input.displayName;
  let application: { id: string; appId: string; clientSecret: string };
  try {
    application = (
      await clients.directory.request<{ id: string; appId: string; clientSecret: string }>(
        'POST',
        'directory/applications',
        { body: { displayName } },
      )
    ).body;
  } catch (error) {
    return failed([
      {
        rule: 'A7',
        id: 'a7.create-application',
        status: 'fail',
        message: isForbidden(error)
          ? `${admin.upn} may not register applications in the directory, which creating an application user needs.`
          : `The directory did not register the application: ${describeRemoteError(error)}`,
        fix: isForbidden(error)
          ? `Sign in as an administrator who is also a directory Global administrator, or use a named integration user instead.`
          : 'Try again; if it persists, check the directory server.',
      },
    ]);
  }
  let created;
  try {
    await clients.salesAdmin.request('POST', 'sales/admin/application-users', {
      body: { applicationId: application.appId, name: displayName, directoryObjectId: application.id },
    });
    created = await findApplicationUser(clients.sales, application.appId);
  } catch (error) {
    // Leave nothing half-made: the directory application goes again.
    await clients.directory
      .request('DELETE', `directory/applications/${application.id}`)
      .catch(() => undefined);
    return failed([
      {
        rule: 'A7',
        id: 'a7.create-application-user',
        status: 'fail',
        message: `Sales did not create the application user: ${describeRemoteError(error)}`,
        fix: `The administrator ${admin.upn} needs the System Administrator role in Sales.`,
      },
    ]);
  }
  const checks = [
    ...evaluateApplicationUser(created, application.appId),
    await signInCheck(
      run,
      'A7',
      { kind: 'application', clientId: application.appId, clientSecret: application.clientSecret },
      `application ${application.appId}`,
    ),
  ];
  if (checks.some((c) => c.status === 'fail')) return failed(checks);
  return {
    ok: true,
    checks,
    changes: [
      `Registered the application "${displayName}" (${application.appId}) in the directory`,
      `Created its application user in Sales (Non-interactive, no licence)`,
    ],
    summary: `Application user ${displayName} (${application.appId})`,
    update: {
      identityKind: 'application',
      identityName: application.appId,
      identityDirectoryId: application.id,
      identitySecretSealed: run.ctx.secrets.seal(application.clientSecret),
      salesUserId: created!.systemuserid,
      erpUserId: null,
    },
    changesIdentity: row.identityName !== null,
  };
}

export async function runIntegrationUserStep(
  run: StepRun<StepInput<'integration-user'>>,
  admin: AdminSession,
): Promise<StepOutcome> {
  return run.input.kind === 'user'
    ? namedUser(run as StepRun<Extract<StepInput<'integration-user'>, { kind: 'user' }>>, admin)
    : applicationUser(run as StepRun<Extract<StepInput<'integration-user'>, { kind: 'application' }>>, admin);
}
