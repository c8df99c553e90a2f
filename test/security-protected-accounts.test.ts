/**
 * Security (issue 12, item 9): a User administrator cannot take over the integration identity or a
 * Global administrator. Only Global administrators manage administrators and protected accounts (the
 * connection's integration identity, which the bridge protects when the setup names it): their
 * passwords, sign-in, profile and licences; and a CSV import never changes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { M365_HEADER } from '../src/directory/user-fields.js';
import { getToken } from './support/auth.js';
import { call, giveRoles, ok, provisionAll, step } from './support/bridge.js';
import { createDirectoryUser } from './support/sales-users.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

const PASSWORD = 'Pr0tected-Passw0rd!';
const SALES = 'DYN365_ENTERPRISE_PLAN1';
const ERP = 'DYN365_BUSCENTRAL_ESSENTIAL';
let system: TestSystem;
let domain: string;
let userAdminToken: string;
let globalAdminId: string;

const upn = (name: string) => `${name}@${domain}`;

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_BRIDGE_CHECK_SECONDS: '3600' });
  domain = system.admin.upn.split('@')[1]!;
  await createDirectoryUser(system, upn('useradmin'), { role: 'user_administrator', password: PASSWORD });
  userAdminToken = await getToken(system.url, upn('useradmin'), PASSWORD);
  globalAdminId = (await ok(system, 'GET', `/directory/users/${encodeURIComponent(system.admin.upn)}`)).id;
  await ok(system, 'PATCH', `/directory/users/${globalAdminId}`, { usageLocation: 'US' });
  await ok(system, 'POST', `/directory/users/${globalAdminId}/assign-licences`, {
    addLicences: [SALES],
    removeLicences: [],
  });
});
afterAll(async () => {
  await system?.stop();
});

/** Everything a User administrator might try on `id`, each expected to be refused with `reason`. */
async function expectUserAdministratorRefused(id: string, target: string, reason: string) {
  const attempts: Array<[string, string, unknown]> = [
    [
      'POST',
      `/directory/users/${id}/reset-password`,
      { password: 'Att4cker-Passw0rd!', mustChangePassword: false },
    ],
    ['PATCH', `/directory/users/${id}`, { jobTitle: 'Taken over' }],
    ['POST', '/directory/users/block', { userIds: [id], signInAllowed: false }],
    ['POST', `/directory/users/${id}/assign-licences`, { addLicences: [], removeLicences: [SALES] }],
    ['POST', `/directory/licences/${SALES}/remove`, { userIds: [id] }],
    ['POST', `/directory/licences/${ERP}/assign`, { userIds: [id] }],
    ['DELETE', `/directory/users/${id}`, undefined],
  ];
  for (const [method, path, body] of attempts) {
    const reply = await call(system, method, path, body, userAdminToken);
    expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBe(403);
    expect(reply.body.detail).toContain(target);
    expect(reply.body.detail).toContain(reason);
  }
  const after = await ok(system, 'GET', `/directory/users/${id}`);
  expect(after.signInAllowed).toBe(true);
  expect(after.jobTitle).not.toBe('Taken over');
  expect(after.licences.map((l: { partNumber: string }) => l.partNumber)).toEqual([SALES]);
}

describe('a User administrator cannot manage privileged accounts', () => {
  it("cannot remove a Global administrator's licence, nor reset its password", async () => {
    await expectUserAdministratorRefused(globalAdminId, system.admin.upn, 'only a Global administrator');
  });

  it('cannot protect an account, nor lift a protection', async () => {
    const id = await createDirectoryUser(system, upn('plain'), { licences: [SALES] });
    const reply = await call(
      system,
      'PUT',
      `/directory/users/${id}/protection`,
      { protectedFor: 'mine' },
      userAdminToken,
    );
    expect(reply.status).toBe(403);
    expect((await ok(system, 'GET', `/directory/users/${id}`)).protectedFor).toBeNull();
    // …while it still manages ordinary users.
    const reset = await call(system, 'POST', `/directory/users/${id}/reset-password`, {}, userAdminToken);
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
  });

  it('cannot touch the integration identity once the setup names it, which a Global administrator still can', async () => {
    const integration = await createDirectoryUser(system, upn('integration'), {
      licences: [SALES],
      password: PASSWORD,
    });
    await provisionAll(system);
    await giveRoles(system, [upn('integration')], ['Salesperson']);
    await giveRoles(system, [system.admin.upn], ['System Customizer', 'Sales Manager']);
    await ok(system, 'POST', '/bridge/setup/start', { restart: true });
    expect((await step(system, 'sales-url', { salesUrl: system.url, allowHttp: true })).ok).toBe(true);
    const admin = await step(system, 'admin', {
      userName: system.admin.upn,
      password: system.admin.password,
    });
    expect(admin.ok, JSON.stringify(admin.checks)).toBe(true);
    const named = await step(system, 'integration-user', {
      kind: 'user',
      userName: upn('integration'),
      password: PASSWORD,
    });
    expect(named.ok, JSON.stringify(named.checks, null, 2)).toBe(true);
    expect(named.changes.join(' ')).toContain(`Protected ${upn('integration')}`);

    const user = await ok(system, 'GET', `/directory/users/${integration}`);
    expect(user.protectedFor).toContain('ERP ↔ Sales');
    await expectUserAdministratorRefused(integration, upn('integration'), 'is protected');

    // The import does not change it either.
    const csv =
      `${M365_HEADER.join(',')}\r\n` +
      `${upn('integration')},Int,Egration,Integration,Taken over${','.repeat(M365_HEADER.length - 5)}\r\n`;
    const uploaded = await fetch(`${system.url}/directory/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userAdminToken}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const summary = (await uploaded.json()) as { id: string };
    expect(uploaded.status, JSON.stringify(summary)).toBe(201);
    const applied = await call(system, 'POST', `/directory/imports/${summary.id}/apply`, {}, userAdminToken);
    expect(applied.status, JSON.stringify(applied.body)).toBe(409);
    expect(applied.body.detail).toContain('protected accounts');

    const byGlobal = await call(system, 'PATCH', `/directory/users/${integration}`, {
      jobTitle: 'Integration',
    });
    expect(byGlobal.status, JSON.stringify(byGlobal.body)).toBe(200);
  });
});
