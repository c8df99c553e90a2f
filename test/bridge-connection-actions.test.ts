/**
 * Paths of the assisted setup and the connection page no other test takes (issue 12, item 17), over
 * HTTP: the setup administrator's session ends after its idle time (the next step asks to sign in
 * again; showing the setup does not keep it alive), redeploying the integration solution puts back a
 * removed integration role and is refused for a wrong password or an administrator without the
 * needed roles, and enabling a connection whose account checks fail is refused naming the failures,
 * changing nothing. The idle time is run on an injected clock, not waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminSessions } from '../src/bridge/setup/admin-session.js';
import { call, giveRoles, ok, provisionAll, setupSteps, step } from './support/bridge.js';
import { createDirectoryUser, directoryCall } from './support/sales-users.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let domain: string;
const PASSWORD = 'Integr4tion-Passw0rd!';
const SALES_LICENCE = 'DYN365_ENTERPRISE_PLAN1';
const ERP_LICENCE = 'DYN365_BUSCENTRAL_ESSENTIAL';
const IDLE_MS = 30 * 60_000;

type Check = { rule: string; id: string; status: string; message: string; fix?: string };
type AuditEntry = { action: string; actor: { name: string }; details: Record<string, unknown> };

const upn = (name: string) => `${name}@${domain}`;
const integration = () => upn('integration');
const directoryIds: Record<string, string> = {};

/** Bridge audit entries newer than `since` (the count before), oldest first. */
async function auditSince(since: number): Promise<AuditEntry[]> {
  const all = (await ok<{ value: AuditEntry[] }>(system, 'GET', '/bridge/audit?top=1000')).value;
  return all.slice(0, all.length - since).reverse();
}
const auditCount = async () => (await ok(system, 'GET', '/bridge/audit?top=1000')).value.length as number;

/** The integration user's Sales roles, by name. */
async function integrationRoles(): Promise<string[]> {
  const connection = await ok(system, 'GET', '/bridge/connection');
  const user = await ok(system, 'GET', `/sales/admin/users/${connection.integrationIdentity.salesUserId}`);
  return user.roles.map((r: { name: string }) => r.name).sort();
}

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_BRIDGE_CHECK_SECONDS: '3600' });
  domain = system.admin.upn.split('@')[1]!;
  for (const [name, licences] of [
    ['integration', [SALES_LICENCE, ERP_LICENCE]],
    ['seller', [SALES_LICENCE]],
  ] as const) {
    directoryIds[name] = await createDirectoryUser(system, upn(name), {
      licences: [...licences],
      password: PASSWORD,
      displayName: name,
    });
  }
  await provisionAll(system);
  await giveRoles(system, [integration(), upn('seller')], ['Salesperson']);
  await giveRoles(system, [system.admin.upn], ['System Customizer', 'Sales Manager']);
});
afterAll(async () => {
  await system?.stop();
});

describe('before the connection is set up', () => {
  it('redeploy and enable are refused with 409, saying to run the assisted setup', async () => {
    for (const [path, body] of [
      ['/bridge/connection/redeploy', { userName: system.admin.upn, password: system.admin.password }],
      ['/bridge/connection/enable', undefined],
    ] as const) {
      const refused = await call(system, 'POST', path, body);
      expect(refused.status, `${path}: ${JSON.stringify(refused.body)}`).toBe(409);
      expect(refused.body.code).toBe('Conflict');
      expect(refused.body.detail).toContain('The connection has not been set up yet. Run the assisted setup');
    }
    expect(await auditCount()).toBe(0);
  });
});

describe("the setup administrator's session ends after its idle time", () => {
  let now = Date.parse('2026-01-05T09:00:00Z');
  const advance = (ms: number) => (now += ms);
  const steps = () => setupSteps(system, { kind: 'user', userName: integration(), password: PASSWORD });
  const run = async (id: string) => {
    const input = steps().find(([name]) => name === id)![1];
    return step(system, id, input);
  };

  it('each step restarts the idle time; past it, the next step is refused asking to sign in again', async () => {
    // The bridge's own session store, on a clock the test moves.
    system.running.bridge.context.adminSessions = new AdminSessions(IDLE_MS, () => now);
    await ok(system, 'POST', '/bridge/setup/start', { restart: true });
    expect((await run('sales-url')).ok).toBe(true);
    expect((await run('admin')).ok).toBe(true);

    advance(IDLE_MS - 60_000);
    const identity = await run('integration-user');
    expect(identity.ok, JSON.stringify(identity.checks)).toBe(true);
    // 29 + 29 minutes after signing in: still signed in, because the last step restarted the time.
    advance(IDLE_MS - 60_000);
    const solution = await run('solution');
    expect(solution.ok, JSON.stringify(solution.checks)).toBe(true);

    // Showing the setup (the console polls it) says who is signed in but does not keep them so.
    advance(IDLE_MS - 10 * 60_000);
    expect(await ok(system, 'GET', '/bridge/setup')).toMatchObject({
      current: 'erp-permissions',
      administrator: { userName: system.admin.upn, signedIn: true },
    });
    advance(10 * 60_000 + 1_000);

    const before = await auditCount();
    const refused = await run('erp-permissions');
    expect(refused.ok).toBe(false);
    expect(refused.checks).toEqual([
      {
        rule: 'A1',
        id: 'a1.session',
        status: 'fail',
        message:
          "This step acts with the setup administrator's rights, but no administrator is signed in: Tandem never stores administrator credentials, so they are asked again after a restart or 30 minutes without activity.",
        fix: 'Go back to the administrator step and sign in again, then continue.',
      },
    ]);
    expect(refused.changes).toEqual([]);
    const setup = await ok(system, 'GET', '/bridge/setup');
    expect(setup).toMatchObject({ current: 'erp-permissions', administrator: null });
    expect((await auditSince(before)).map((a) => [a.action, a.details])).toEqual([
      ['setup.step-failed', { step: 'erp-permissions', failed: ['a1.session'] }],
    ]);
    // Nothing was done in the ERP: the integration user has no permission set yet.
    const erpUsers = await ok(system, 'GET', '/api/tandem/admin/v1.0/users');
    const erpUser = erpUsers.value.find((u: { userName: string }) => u.userName === integration());
    expect(erpUser.permissionSets).toEqual(['BASIC']);
  });

  it('signing in again carries the setup on to an enabled connection', async () => {
    for (const [id, input] of steps().slice(1)) {
      const result = await step(system, id, input);
      expect(result.ok, `${id}: ${JSON.stringify(result.checks)}`).toBe(true);
    }
    expect(await ok(system, 'GET', '/bridge/connection')).toMatchObject({ state: 'enabled', writing: true });
    // Finishing the setup signs the administrator out at once.
    expect(system.running.bridge.context.adminSessions.peek()).toBeUndefined();
    system.running.bridge.context.adminSessions = new AdminSessions();
  });
});

describe('redeploying the integration solution', () => {
  const redeploy = (userName: string, password: string) =>
    call(system, 'POST', '/bridge/connection/redeploy', { userName, password });

  it('puts back an integration role someone removed, and says so in its answer and the audit', async () => {
    expect(await integrationRoles()).toEqual([
      'Integration Administrator',
      'Integration User',
      'Salesperson',
    ]);
    await giveRoles(system, [integration()], ['Integration User'], 'remove');
    expect(await integrationRoles()).toEqual(['Integration Administrator', 'Salesperson']);

    const before = await auditCount();
    const reply = await redeploy(system.admin.upn, system.admin.password);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.changes).toEqual([`Assigned the role Integration User to ${integration()}`]);
    expect(reply.body.checks.map((c: Check) => [c.id, c.status])).toEqual([
      ['solution.import', 'pass'],
      ['a2.integration-roles', 'pass'],
    ]);
    expect(reply.body.connection).toMatchObject({ state: 'enabled', solutionVersion: expect.any(String) });
    expect(JSON.stringify(reply.body)).not.toContain(system.admin.password);
    expect(await integrationRoles()).toEqual([
      'Integration Administrator',
      'Integration User',
      'Salesperson',
    ]);
    const audit = await auditSince(before);
    expect(audit.map((a) => [a.action, a.details])).toEqual([
      [
        'connection.redeploy',
        {
          administrator: system.admin.upn,
          changes: [`Assigned the role Integration User to ${integration()}`],
        },
      ],
    ]);
    expect(JSON.stringify(audit)).not.toContain(system.admin.password);
  });

  it('run again, changes nothing', async () => {
    const reply = await redeploy(system.admin.upn, system.admin.password);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.changes).toEqual([]);
  });

  it('is refused for a wrong password (never repeated) and for an administrator without the setup roles, changing nothing', async () => {
    await giveRoles(system, [integration()], ['Integration User'], 'remove');
    const before = await auditCount();

    const wrong = 'Wr0ng-Passw0rd-Typed!';
    const badPassword = await redeploy(system.admin.upn, wrong);
    expect(badPassword.status, JSON.stringify(badPassword.body)).toBe(401);
    expect(badPassword.body.code).toBe('InvalidCredentials');
    expect(badPassword.body.detail).toContain(`${system.admin.upn} could not sign in to Sales`);
    expect(JSON.stringify(badPassword.body)).not.toContain(wrong);

    const seller = await redeploy(upn('seller'), PASSWORD);
    expect(seller.status, JSON.stringify(seller.body)).toBe(403);
    expect(seller.body.code).toBe('Forbidden');
    expect(seller.body.detail).toContain(`${upn('seller')} cannot set up the connection`);
    expect(seller.body.detail).toContain('System Administrator');

    expect(await integrationRoles()).toEqual(['Integration Administrator', 'Salesperson']);
    expect(await auditSince(before)).toEqual([]);

    // Put the role back for what follows.
    expect((await redeploy(system.admin.upn, system.admin.password)).status).toBe(200);
  });
});

describe('enabling a connection whose account checks fail', () => {
  it('is refused naming the failing checks, and the connection stays disabled', async () => {
    const reason = 'Paused for maintenance by the test.';
    expect(await ok(system, 'POST', '/bridge/connection/disable', { reason })).toMatchObject({
      state: 'disabled',
      enabled: false,
    });
    // The integration user loses one of its roles in Sales (rule A2: it must have both integration roles).
    await giveRoles(system, [integration()], ['Integration User'], 'remove');

    const before = await auditCount();
    const refused = await call(system, 'POST', '/bridge/connection/enable');
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.code).toBe('Conflict');
    expect(refused.body.detail).toMatch(/^The connection cannot be enabled: /);
    expect(refused.body.detail).toContain(integration());
    expect(refused.body.detail).toContain('Integration User');
    expect(refused.body.detail).toContain('Fix: ');

    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection).toMatchObject({ state: 'disabled', enabled: false, writing: false });
    expect(connection.reasons.join(' ')).toContain(reason);
    expect(await auditSince(before)).toEqual([]);

    // The same failure, as the connection test reports it, is what enable named.
    const tested = await ok(system, 'POST', '/bridge/connection/test');
    const failing = tested.checks.filter((c: Check) => c.status === 'fail');
    expect(failing.map((c: Check) => c.id)).toEqual(['a2.integration-roles']);
    expect(refused.body.detail).toBe(
      `The connection cannot be enabled: ${failing[0].message} Fix: ${failing[0].fix}`,
    );
  });

  it('a blocked integration user is refused too; once fixed, enable succeeds and is audited', async () => {
    await giveRoles(system, [integration()], ['Integration User']);
    await directoryCall(system, 'POST', '/directory/users/block', {
      userIds: [directoryIds.integration],
      signInAllowed: false,
    });
    await provisionAll(system);
    const refused = await call(system, 'POST', '/bridge/connection/enable');
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.detail).toContain(
      `The integration identity ${integration()} cannot get a token: Sign-in is blocked for ${integration()}.`,
    );
    expect((await ok(system, 'GET', '/bridge/connection')).enabled).toBe(false);

    await directoryCall(system, 'POST', '/directory/users/block', {
      userIds: [directoryIds.integration],
      signInAllowed: true,
    });
    await provisionAll(system);
    const before = await auditCount();
    const enabled = await ok(system, 'POST', '/bridge/connection/enable');
    expect(enabled).toMatchObject({ state: 'enabled', enabled: true, writing: true });
    expect((await auditSince(before)).map((a) => [a.action, a.details])).toEqual([
      ['connection.enable', { via: 'connection page' }],
    ]);
  });
});

describe('an integration user that lost Integration Administrator', () => {
  // Without that role it may not read security roles, so Sales lists none of its own: that is "not
  // known", and the check says which role went instead of "has no Sales security role".
  it('is told exactly that role is missing, not that it has no role at all', async () => {
    await giveRoles(system, [integration()], ['Integration Administrator'], 'remove');
    expect(await integrationRoles()).toEqual(['Integration User', 'Salesperson']);

    const tested = await ok(system, 'POST', '/bridge/connection/test');
    const failing = tested.checks.filter((c: Check) => c.status === 'fail');
    expect(failing.map((c: Check) => [c.id, c.message])).toEqual([
      [
        'a2.integration-roles',
        `The integration user ${integration()} lacks the role Integration Administrator that the integration solution gives it: without it, ${integration()} cannot read its own security roles.`,
      ],
    ]);
    const hasRole = tested.checks.find((c: Check) => c.id === 'a2.has-role');
    expect(hasRole).toMatchObject({ status: 'pass' });

    const reply = await call(system, 'POST', '/bridge/connection/redeploy', {
      userName: system.admin.upn,
      password: system.admin.password,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(await integrationRoles()).toEqual([
      'Integration Administrator',
      'Integration User',
      'Salesperson',
    ]);
  });
});
