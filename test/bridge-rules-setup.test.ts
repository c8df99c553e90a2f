/**
 * The account rules as the assisted setup enforces them, over HTTP: each rule's failing cases with a
 * message naming the user, the role or licence and the fix, and its passing case — the Sales URL
 * (connection), the administrator (A1), the named integration user (A2) and the application user
 * (A7). Then the interrupted-setup guarantees: a setup left half-way never leaves the connection
 * enabled, survives a real restart of the server and resumes where it stood, asks the administrator
 * to sign in again (its credentials are never stored), can be left (cancel) or walked back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, giveRoles, ok, provisionAll, runFullSetup, setupSteps, step } from './support/bridge.js';
import { createDirectoryUser, directoryCall } from './support/sales-users.js';
import { freePort, restartTestSystem, startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let domain: string;
const PASSWORD = 'Integr4tion-Passw0rd!';
const SALES_LICENCE = 'DYN365_ENTERPRISE_PLAN1';
const ERP_LICENCE = 'DYN365_BUSCENTRAL_ESSENTIAL';

type Check = { rule: string; id: string; status: string; message: string; fix?: string };

const upn = (name: string) => `${name}@${domain}`;

/** The failing check with this id (the step answered ok:false with it). */
function failing(result: { ok: boolean; checks: Check[] }, id: string): Check {
  expect(result.ok, JSON.stringify(result.checks)).toBe(false);
  const check = result.checks.find((c) => c.id === id && c.status === 'fail');
  expect(check, `no failing ${id} in ${JSON.stringify(result.checks, null, 2)}`).toBeDefined();
  expect(check!.fix, `${id} says how to fix it`).toBeTruthy();
  return check!;
}

/** A directory user with a password, licences and (once provisioned) Sales roles. */
async function person(name: string, options: { licences?: string[]; roles?: string[] } = {}) {
  const id = await createDirectoryUser(system, upn(name), {
    licences: options.licences ?? [SALES_LICENCE],
    password: PASSWORD,
    displayName: name,
  });
  await provisionAll(system);
  if (options.roles?.length) await giveRoles(system, [upn(name)], options.roles);
  return id;
}

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_BRIDGE_CHECK_SECONDS: '3600' }, { fixedPort: true });
  domain = system.admin.upn.split('@')[1]!;
});
afterAll(async () => {
  await system?.stop();
});

describe('setup step inputs and order', () => {
  it('a step later than the current one is a 409, a bad input a 400 listing the fields', async () => {
    const started = await ok(system, 'POST', '/bridge/setup/start', {});
    expect(started).toMatchObject({ state: 'setting-up', running: true, current: 'sales-url' });

    const early = await call(system, 'POST', '/bridge/setup/steps/admin', {
      userName: system.admin.upn,
      password: system.admin.password,
    });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('Sales URL');

    const secret = 'Never-Echo-This-0ne!';
    const bad = await call(system, 'POST', '/bridge/setup/steps/admin', { userName: 'x', passwd: secret });
    expect(bad.status).toBe(400);
    const fields = bad.body.problems.map((p: { field: string }) => p.field);
    expect(fields).toContain('password');
    expect(JSON.stringify(bad.body)).not.toContain(secret);
    const long = 'L0ng-Secret!'.repeat(30);
    const tooLong = await call(system, 'POST', '/bridge/setup/steps/admin', {
      userName: 'x',
      password: long,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.problems.map((p: { field: string }) => p.field)).toEqual(['password']);
    expect(JSON.stringify(tooLong.body)).not.toContain('L0ng-Secret!');

    const missing = await call(system, 'POST', '/bridge/setup/steps/sales-url', {});
    expect(missing.status).toBe(400);
    expect(missing.body.problems.map((p: { field: string }) => p.field)).toEqual(['salesUrl']);

    const unknown = await call(system, 'POST', '/bridge/setup/steps/nonsense', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('sales-url');
  });
});

describe('Sales URL step', () => {
  it('refuses what is not a URL', async () => {
    const check = failing(await step(system, 'sales-url', { salesUrl: 'not a url' }), 'url.valid');
    expect(check.message).toContain('"not a url" is not a valid URL');
  });

  it('refuses http:// unless allowed, and only for a loopback address', async () => {
    const plain = failing(await step(system, 'sales-url', { salesUrl: system.url }), 'url.https');
    expect(plain.message).toContain('uses http://');
    expect(plain.fix).toContain('allowHttp');
    const remote = failing(
      await step(system, 'sales-url', { salesUrl: 'http://sales.example.com', allowHttp: true }),
      'url.https',
    );
    expect(remote.message).toContain('sales.example.com is not one');
  });

  it('refuses an address where nothing answers', async () => {
    const port = await freePort();
    const check = failing(
      await step(system, 'sales-url', { salesUrl: `http://127.0.0.1:${port}`, allowHttp: true }),
      'url.reachable',
    );
    expect(check.message).toContain(`could not reach http://127.0.0.1:${port}`);
  });

  it('refuses a server that is not Sales', async () => {
    const server = http.createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const check = failing(
        await step(system, 'sales-url', { salesUrl: url, allowHttp: true }),
        'url.is-sales',
      );
      expect(check.message).toContain(`${url} answered, but not as a Sales server`);
      expect(check.message).toContain('404');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('accepts the Sales server', async () => {
    const result = await step(system, 'sales-url', { salesUrl: system.url, allowHttp: true });
    expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    expect(result.setup.current).toBe('admin');
  });
});

describe('rule A1: the administrator', () => {
  it('refuses a wrong password without repeating it', async () => {
    const wrong = 'Wr0ng-Passw0rd-Typed!';
    const result = await step(system, 'admin', { userName: system.admin.upn, password: wrong });
    const check = failing(result, 'a1.sign-in');
    expect(check.message).toContain(`${system.admin.upn} could not sign in`);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('lists exactly what a System Administrator without System Customizer and a non-administrative role lacks', async () => {
    const check = failing(
      await step(system, 'admin', { userName: system.admin.upn, password: system.admin.password }),
      'a1.roles',
    );
    expect(check.message).toContain(
      `${system.admin.upn} cannot set up the connection: it lacks the System Customizer role and a non-administrative role (for example Sales Manager) in Sales (it has System Administrator).`,
    );
    expect(check.fix).toContain(`assigns the missing roles to ${system.admin.upn}`);
  });

  it('names only the missing role once the other is there', async () => {
    await giveRoles(system, [system.admin.upn], ['Sales Manager']);
    const check = failing(
      await step(system, 'admin', { userName: system.admin.upn, password: system.admin.password }),
      'a1.roles',
    );
    expect(check.message).toContain('it lacks the System Customizer role in Sales');
    expect(check.message).not.toContain('non-administrative role (for example');
  });

  it('accepts a System Administrator who is also System Customizer and Sales Manager', async () => {
    await giveRoles(system, [system.admin.upn], ['System Customizer']);
    const result = await step(system, 'admin', {
      userName: system.admin.upn,
      password: system.admin.password,
    });
    expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    expect(result.checks.find((c) => c.id === 'a1.roles')?.message).toContain('Sales Manager');
    expect(JSON.stringify(result)).not.toContain(system.admin.password);
    expect(result.setup.current).toBe('integration-user');
  });
});

describe('rule A2: the named integration user', () => {
  const named = (name: string, password = PASSWORD) =>
    step(system, 'integration-user', { kind: 'user', userName: upn(name), password });

  it('must exist in Sales', async () => {
    const check = failing(await named('nobody'), 'a2.exists');
    expect(check.message).toBe(`There is no Sales user ${upn('nobody')}.`);
    expect(check.fix).toContain(`Create ${upn('nobody')} in the directory and assign it a Sales licence`);
  });

  it('must not be the administrator account, because its own edits would never synchronise', async () => {
    const result = await step(system, 'integration-user', {
      kind: 'user',
      userName: system.admin.upn,
      password: system.admin.password,
    });
    const check = failing(result, 'a2.not-admin');
    expect(check.message).toContain(`${system.admin.upn} is the administrator account`);
    expect(check.message).toContain('never synchronised');
    expect(check.message).toContain('lost to the ERP');
    expect(check.fix).toContain('Create a dedicated user for the integration');
  });

  it('must be enabled (sign-in blocked in the directory disables it in Sales)', async () => {
    const id = await person('blocked', { roles: ['Salesperson'] });
    await directoryCall(system, 'POST', '/directory/users/block', { userIds: [id], signInAllowed: false });
    await provisionAll(system);
    const check = failing(await named('blocked'), 'a2.enabled');
    expect(check.message).toContain(`The integration user ${upn('blocked')} is disabled in Sales`);
    expect(check.fix).toContain(`Allow sign-in for ${upn('blocked')}`);
  });

  it('must be licensed for Sales (or Non-interactive)', async () => {
    const id = await person('unlicensed', { roles: ['Salesperson'] });
    await directoryCall(system, 'POST', `/directory/users/${id}/assign-licences`, {
      addLicences: [],
      removeLicences: [SALES_LICENCE],
    });
    await provisionAll(system);
    const check = failing(await named('unlicensed'), 'a2.licensed');
    expect(check.message).toBe(
      `The integration user ${upn('unlicensed')} has no Sales licence and its access mode is Read-Write.`,
    );
    expect(check.fix).toContain(`Assign the Sales licence DYN365_ENTERPRISE_PLAN1`);
    expect(check.fix).toContain('Non-interactive');
  });

  it('must have a role', async () => {
    await person('roleless');
    const result = await named('roleless');
    const check = failing(result, 'a2.has-role');
    expect(check.message).toBe(`The integration user ${upn('roleless')} has no Sales security role.`);
    expect(check.fix).toContain(`Give ${upn('roleless')} at least one role`);
    expect(result.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['a2.has-role']);
  });

  it('must not have System Administrator', async () => {
    await person('sysadmin', { roles: ['Salesperson', 'System Administrator'] });
    const result = await named('sysadmin');
    const check = failing(result, 'a2.not-system-administrator');
    expect(check.message).toContain(
      `The integration user ${upn('sysadmin')} has the System Administrator role`,
    );
    expect(check.fix).toContain(`Remove the System Administrator role from ${upn('sysadmin')}`);
    expect(result.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
      'a2.not-system-administrator',
    ]);
  });

  it('must not have to change its password at next sign-in', async () => {
    const id = await person('mustchange', { roles: ['Salesperson'] });
    await directoryCall(system, 'POST', `/directory/users/${id}/reset-password`, {
      password: PASSWORD,
      mustChangePassword: true,
    });
    const result = await named('mustchange');
    const check = failing(result, 'a2.password-change-required');
    expect(check.message).toContain(`${upn('mustchange')} must change its password at next sign-in`);
    expect(check.fix).toContain(`Sign in once as ${upn('mustchange')} and choose a new password`);
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
  });

  it('must sign in with the password given (which is never repeated)', async () => {
    await person('integration', { licences: [SALES_LICENCE, ERP_LICENCE], roles: ['Salesperson'] });
    const wrong = 'N0t-The-Passw0rd!';
    const result = await named('integration', wrong);
    const check = failing(result, 'a2.sign-in');
    expect(check.message).toContain(`${upn('integration')} cannot get a token`);
    expect(check.fix).toContain(`Check the password of ${upn('integration')}`);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('accepts a dedicated, enabled, licensed user with a role', async () => {
    const result = await named('integration');
    expect(result.ok, JSON.stringify(result.checks, null, 2)).toBe(true);
    expect(result.checks.map((c) => c.status)).not.toContain('fail');
    expect(result.setup.current).toBe('solution');
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(JSON.stringify(connection)).not.toContain(PASSWORD);
  });
});

describe('an interrupted setup', () => {
  it('leaves the connection disabled half-way, and goes back a step', async () => {
    const solution = await step(system, 'solution');
    expect(solution.ok, JSON.stringify(solution.checks)).toBe(true);
    expect(solution.setup.current).toBe('erp-permissions');
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection).toMatchObject({ state: 'setting-up', enabled: false, writing: false });
    expect(connection.reasons.join(' ')).toContain('Setup is in progress');

    const later = await call(system, 'POST', '/bridge/setup/steps/finish', {});
    expect(later.status).toBe(409);
    expect(later.body.detail).toContain('ERP permission set INTEGRATION');

    const back = await ok(system, 'POST', '/bridge/setup/back');
    expect(back.current).toBe('solution');
    expect(back.steps.find((s: { id: string }) => s.id === 'solution').status).toBe('current');
    const again = await step(system, 'solution');
    expect(again.ok).toBe(true);
    expect(again.changes).toEqual([]);
    expect(again.setup.current).toBe('erp-permissions');
  });

  it('cancelled, leaves a disabled connection with the reason', async () => {
    const view = await ok(system, 'POST', '/bridge/setup/cancel');
    expect(view).toMatchObject({ state: 'not-configured', running: false, current: null });
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection.enabled).toBe(false);
    expect(connection.writing).toBe(false);
    expect(connection.reasons.join(' ')).toContain(
      'Setup was left at the step "ERP permission set INTEGRATION" before the end, so the connection stays disabled.',
    );
    const noSetup = await call(system, 'POST', '/bridge/setup/back');
    expect(noSetup.status).toBe(409);
    expect(noSetup.body.detail).toContain('No setup is running');
    const audit = (await ok(system, 'GET', '/bridge/audit')).value.map((a: { action: string }) => a.action);
    expect(audit).toContain('setup.cancel');
  });

  it('survives a restart of the server, at the same step, and asks the administrator to sign in again', async () => {
    await ok(system, 'POST', '/bridge/setup/start', {});
    const steps = setupSteps(system, { kind: 'user', userName: upn('integration'), password: PASSWORD });
    for (const [id, input] of steps.slice(0, 4)) {
      const result = await step(system, id, input);
      expect(result.ok, `${id}: ${JSON.stringify(result.checks)}`).toBe(true);
    }
    const before = await ok(system, 'GET', '/bridge/setup');
    expect(before).toMatchObject({ current: 'erp-permissions', administrator: { signedIn: true } });

    await restartTestSystem(system);

    const resumed = await ok(system, 'GET', '/bridge/setup');
    expect(resumed).toMatchObject({
      state: 'setting-up',
      running: true,
      current: 'erp-permissions',
      administrator: null,
    });
    expect(resumed.steps.map((s: { status: string }) => s.status)).toEqual([
      'done',
      'done',
      'done',
      'done',
      'current',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection).toMatchObject({ state: 'setting-up', enabled: false });

    const check = failing(await step(system, 'erp-permissions'), 'a1.session');
    expect(check.fix).toContain('sign in again');
    // Still at the same step: a refused step changes nothing.
    expect((await ok(system, 'GET', '/bridge/setup')).current).toBe('erp-permissions');

    // Sign in again (an earlier step may always run again) and carry on to the end.
    for (const [id, input] of steps.slice(1)) {
      const result = await step(system, id, input);
      expect(result.ok, `${id}: ${JSON.stringify(result.checks)}`).toBe(true);
    }
    const enabled = await ok(system, 'GET', '/bridge/connection');
    expect(enabled).toMatchObject({
      state: 'enabled',
      enabled: true,
      writing: true,
      integrationIdentity: { kind: 'user', name: upn('integration') },
    });
    expect((await ok(system, 'GET', '/bridge/setup')).running).toBe(false);
  });
});

describe('rule A7: the application user', () => {
  it('cannot be created by an administrator who is not a directory Global administrator', async () => {
    await person('salesadmin', { roles: ['System Administrator', 'System Customizer', 'Sales Manager'] });
    await ok(system, 'POST', '/bridge/setup/start', { restart: true });
    expect((await step(system, 'sales-url', { salesUrl: system.url, allowHttp: true })).ok).toBe(true);
    const admin = await step(system, 'admin', { userName: upn('salesadmin'), password: PASSWORD });
    expect(admin.ok, JSON.stringify(admin.checks)).toBe(true);
    const result = await step(system, 'integration-user', { kind: 'application' });
    const check = failing(result, 'a7.create-application');
    expect(check.message).toBe(
      `${upn('salesadmin')} may not register applications in the directory, which creating an application user needs.`,
    );
    expect(check.fix).toContain('directory Global administrator');
    // Nothing was made, and the enabled connection was left as it was.
    const applications = await directoryCall<{ value: unknown[] }>(system, 'GET', '/directory/applications');
    expect(applications.value).toEqual([]);
    expect((await ok(system, 'GET', '/bridge/connection')).state).toBe('enabled');
    await ok(system, 'POST', '/bridge/setup/cancel');
  });

  it('setup creates a directory application, a Sales application user with both integration roles and an ERP application', async () => {
    const results = await runFullSetup(system, { kind: 'application' });
    const identity = results.find((r) => r.step === 'integration-user')!;
    expect(identity.changes.join(' ')).toContain('Registered the application');
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection).toMatchObject({
      state: 'enabled',
      writing: true,
      integrationIdentity: { kind: 'application' },
    });
    const appId = connection.integrationIdentity.name;

    const applications = await directoryCall<{ value: Array<{ appId: string }> }>(
      system,
      'GET',
      '/directory/applications',
    );
    expect(applications.value.map((a) => a.appId)).toEqual([appId]);

    const user = await ok(system, 'GET', `/sales/admin/users/${connection.integrationIdentity.salesUserId}`);
    expect(user).toMatchObject({ applicationid: appId, accessmode: 4, islicensed: false, isdisabled: false });
    expect(user.roles.map((r: { name: string }) => r.name).sort()).toEqual([
      'Integration Administrator',
      'Integration User',
    ]);

    const erpUsers = await ok<{
      value: Array<{ applicationId: string | null; permissionSets: string[]; state: string }>;
    }>(system, 'GET', '/api/tandem/admin/v1.0/users');
    expect(erpUsers.value.find((u) => u.applicationId === appId)).toMatchObject({
      state: 'Enabled',
      permissionSets: expect.arrayContaining(['INTEGRATION']),
    });

    const doctor = await ok(system, 'GET', '/bridge/doctor');
    const a7 = doctor.checks.filter((c: Check) => c.rule === 'A7');
    expect(a7.length).toBeGreaterThan(0);
    expect(a7.filter((c: Check) => c.status === 'fail')).toEqual([]);
  });

  it('the continuous checks watch the application user like a named one', async () => {
    const connection = await ok(system, 'GET', '/bridge/connection');
    const appId = connection.integrationIdentity.name;
    const salesUserId = connection.integrationIdentity.salesUserId;
    const checkNow = async () => {
      await system.running.bridge.monitor.runNow();
      const view = await ok(system, 'GET', '/bridge/connection');
      return { view, failing: (view.lastCheck?.checks ?? []).filter((c: Check) => c.status === 'fail') };
    };

    // Sales keeps an application user Non-interactive; a role it must not have is what can go wrong.
    const readWrite = await call(system, 'PATCH', `/sales/admin/users/${salesUserId}`, { accessmode: 0 });
    expect(readWrite.status).toBe(400);
    expect(readWrite.body.detail).toContain('always Non-interactive');
    const roles = (action: string) =>
      ok(system, 'POST', '/sales/admin/users/roles', {
        systemUserIds: [salesUserId],
        roleNames: ['System Administrator'],
        action,
      });
    await roles('assign');
    let { view, failing } = await checkNow();
    expect(view.state).toBe('suspended');
    expect(failing.map((c: Check) => c.id)).toEqual(['a7.not-system-administrator']);
    expect(failing[0].message).toContain(
      'has the System Administrator role; an integration identity must not',
    );
    expect(failing[0].fix).toContain('Remove System Administrator');
    expect(view.reasons.join(' ')).toContain(failing[0].message);
    await roles('remove');
    expect((await checkNow()).view.state).toBe('enabled');

    const { value } = await directoryCall<{ value: Array<{ id: string; appId: string }> }>(
      system,
      'GET',
      '/directory/applications',
    );
    const application = value.find((a) => a.appId === appId)!;
    const rotated = await directoryCall<{ clientSecret: string }>(
      system,
      'POST',
      `/directory/applications/${application.id}/secret`,
    );
    ({ view, failing } = await checkNow());
    expect(view.state).toBe('suspended');
    expect(failing.map((c: Check) => c.id)).toEqual(['a7.token']);
    expect(failing[0].message).toContain(
      `The stored client secret of the integration application ${appId} no longer works`,
    );
    const updated = await ok(system, 'POST', '/bridge/connection/credentials', {
      secret: rotated.clientSecret,
    });
    expect(updated).toMatchObject({ state: 'enabled', writing: true });
    expect(JSON.stringify(updated)).not.toContain(rotated.clientSecret);
    const audit = (await ok(system, 'GET', '/bridge/audit')).value.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['connection.suspend', 'connection.resume']));
  });

  it('running setup again reuses the application user and changes nothing', async () => {
    const appId = (await ok(system, 'GET', '/bridge/connection')).integrationIdentity.name;
    const results = await runFullSetup(system, { kind: 'application' });
    for (const result of results) expect(result.changes, result.summary).toEqual([]);
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection).toMatchObject({ state: 'enabled', integrationIdentity: { name: appId } });
    const applications = await directoryCall<{ value: unknown[] }>(system, 'GET', '/directory/applications');
    expect(applications.value).toHaveLength(1);
  });
});
