/**
 * The source article's journey, end to end over HTTP: an empty tenant → salespeople imported from the
 * M365 CSV with a Sales licence → Salesperson role in bulk → a licensed integration user → the admin
 * made System Customizer + Sales Manager → the assisted setup → roles on both sides, Non-interactive
 * → salespeople coupled → doctor all green. Then setup again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, getToken } from './support/auth.js';
import { createDirectoryUser } from './support/sales-users.js';
import { call, giveRoles, ok, provisionAll, salesUser, step } from './support/bridge.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let domain: string;
const INTEGRATION_PASSWORD = 'Integr4tion-Passw0rd!';
const SAMPLE_UPNS = ['chris', 'ben', 'david', 'cynthia', 'melissa'];

beforeAll(async () => {
  system = await startTestSystem();
  domain = system.admin.upn.split('@')[1]!;
});
afterAll(async () => {
  await system?.stop();
});

/** Every step with its input, in order; stops at the first step that fails (its checks say why). */
async function runSetup(integration: string) {
  const steps: Array<[string, Record<string, unknown>]> = [
    ['sales-url', { salesUrl: system.url, allowHttp: true }],
    ['admin', { userName: system.admin.upn, password: system.admin.password }],
    ['integration-user', { kind: 'user', userName: integration, password: INTEGRATION_PASSWORD }],
    ['solution', {}],
    ['erp-permissions', {}],
    ['access-mode', { nonInteractive: true }],
    ['currency', { createIfMissing: true }],
    ['mappings', {}],
    ['salespeople', { auto: true, createMissing: true }],
    ['finish', {}],
  ];
  await ok(system, 'POST', '/bridge/setup/start', { restart: true });
  const results = [];
  for (const [id, input] of steps) {
    const result = await step(system, id, input);
    results.push(result);
    expect(result.ok, `${id}: ${JSON.stringify(result.checks, null, 2)}`).toBe(true);
  }
  return results;
}

describe("the article's journey", () => {
  const integration = () => `integration@${domain}`;

  it('imports the salespeople from the M365 CSV with a Sales licence and gives them Salesperson in bulk', async () => {
    const headers = await adminHeaders(system);
    const csv = await (
      await fetch(`${system.url}/directory/imports/template.csv?sample=true`, { headers })
    ).text();
    const uploaded = await fetch(`${system.url}/directory/imports`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: csv,
    });
    const verified = (await uploaded.json()) as { id: string; validRowCount: number };
    expect(verified.validRowCount).toBe(5);
    const applied = await ok(system, 'POST', `/directory/imports/${verified.id}/apply`, {
      licence: 'DYN365_ENTERPRISE_PLAN1',
    });
    expect(applied).toMatchObject({ created: 5, licensed: 5 });
    await provisionAll(system);
    const upns = SAMPLE_UPNS.map((u) => `${u}@${domain}`);
    await giveRoles(system, upns, ['Salesperson']);
    for (const upn of upns)
      expect((await salesUser(system, upn)).roles.map((r) => r.name)).toContain('Salesperson');
  });

  it('creates a licensed integration user and makes the admin System Customizer + Sales Manager', async () => {
    await createDirectoryUser(system, integration(), {
      licences: ['DYN365_ENTERPRISE_PLAN1', 'DYN365_BUSCENTRAL_ESSENTIAL'],
      password: INTEGRATION_PASSWORD,
      displayName: 'Integration',
    });
    await provisionAll(system);
    await giveRoles(system, [integration()], ['Salesperson']);
    await giveRoles(system, [system.admin.upn], ['System Customizer', 'Sales Manager']);
  });

  it('runs the assisted setup to an enabled connection', async () => {
    const results = await runSetup(integration());
    for (const result of results) expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection).toMatchObject({
      state: 'enabled',
      enabled: true,
      writing: true,
      integrationIdentity: { kind: 'user', name: integration() },
      localCurrency: 'USD',
      erpCompanyName: 'CRONUS USA, Inc.',
      solutionVersion: '1.0.0.0',
    });
    expect(JSON.stringify(connection)).not.toContain(INTEGRATION_PASSWORD);
  });

  it('left the roles on both sides and the integration user Non-interactive', async () => {
    const user = await salesUser(system, integration());
    expect(user.roles.map((r) => r.name)).toEqual(
      expect.arrayContaining(['Integration Administrator', 'Integration User']),
    );
    expect(user.roles.map((r) => r.name)).not.toContain('System Administrator');
    expect(user.accessmode).toBe(4);
    const erpUsers = await ok<{ value: Array<{ userName: string; permissionSets: string[] }> }>(
      system,
      'GET',
      '/api/tandem/admin/v1.0/users',
    );
    expect(erpUsers.value.find((u) => u.userName === integration())?.permissionSets).toContain('INTEGRATION');
  });

  it('coupled every salesperson one-to-one, with derived codes', async () => {
    const coupling = await ok(system, 'GET', '/bridge/coupling/salespeople');
    expect(coupling.summary).toEqual({ eligibleUsers: 5, coupledUsers: 5, uncoupledUsers: 0 });
    const codes = coupling.users.map((u: { salesperson: { code: string } }) => u.salesperson.code);
    expect(new Set(codes).size).toBe(5);
    for (const user of coupling.users) expect(user.domainname).not.toBe(integration());
  });

  it('doctor is all green', async () => {
    const report = await ok(system, 'GET', '/bridge/doctor');
    const notPassing = report.checks.filter((c: { status: string }) => c.status !== 'pass');
    expect(notPassing, JSON.stringify(notPassing, null, 2)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('running setup again on the enabled connection changes nothing twice', async () => {
    const before = (await ok(system, 'GET', '/bridge/audit')).value.length;
    const results = await runSetup(integration());
    for (const result of results) {
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
      expect(result.changes, `${result.summary}`).toEqual([]);
    }
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection.state).toBe('enabled');
    const audit = (await ok(system, 'GET', '/bridge/audit')).value.slice(
      0,
      (await ok(system, 'GET', '/bridge/audit')).value.length - before,
    );
    expect(audit.map((a: { action: string }) => a.action)).not.toContain('connection.disable');
  });

  it('only a Global administrator may use the bridge API', async () => {
    const anonymous = await fetch(`${system.url}/bridge/connection`);
    expect(anonymous.status).toBe(401);
    const seller = await createDirectoryUser(system, `plain@${domain}`, { password: 'Pl4in-Passw0rd!' });
    expect(seller).toBeTruthy();
    const token = await getToken(system.url, `plain@${domain}`, 'Pl4in-Passw0rd!');
    const refused = await call(system, 'GET', '/bridge/connection', undefined, token);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('Global administrator');
  });
});
