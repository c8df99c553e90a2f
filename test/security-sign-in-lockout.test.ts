/**
 * Security (issue 12, item 10): nobody can lock another's account. Failed sign-ins are counted by
 * account and source together (and by source alone), in the database so every process agrees: a
 * stranger's wrong passwords from another address lock out only that address, never the account's
 * own known-good client — the bridge's integration user included. When the integration identity is
 * locked out where the bridge signs in from, the connection's checks and the doctor say so.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignInThrottle } from '../src/directory/sign-in-throttle.js';
import { call, giveRoles, ok, provisionAll, runFullSetup } from './support/bridge.js';
import { createDirectoryUser } from './support/sales-users.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

const PASSWORD = 'L0ckout-Passw0rd!';
let system: TestSystem;
let domain: string;

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_BRIDGE_CHECK_SECONDS: '3600' });
  domain = system.admin.upn.split('@')[1]!;
});
afterAll(async () => {
  await system?.stop();
});

/** The token endpoint, asked from a given loopback address (another "source"). */
function tokenFrom(localAddress: string, username: string, password: string): Promise<number> {
  const url = new URL(`${system.url}/oauth2/v2.0/token`);
  const body = new URLSearchParams({ grant_type: 'password', username, password }).toString();
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('a stranger cannot lock an account', () => {
  it('locks out only the address that failed; the account signs in from its own address', async () => {
    const victim = `victim@${domain}`;
    await createDirectoryUser(system, victim, { password: PASSWORD });
    for (let i = 0; i < 5; i++) expect(await tokenFrom('127.0.0.2', victim, `wrong-${i}`)).toBe(400);
    expect(await tokenFrom('127.0.0.2', victim, PASSWORD)).toBe(429);
    expect(await tokenFrom('127.0.0.1', victim, PASSWORD)).toBe(200);

    // Another process on the same database counts the same failures.
    const otherProcess = new SignInThrottle(system.running.database.db);
    expect(await otherProcess.retryAfterSeconds(victim, '127.0.0.2')).toBeGreaterThan(0);
    expect(await otherProcess.retryAfterSeconds(victim, '127.0.0.1')).toBe(0);
  });

  it("keeps the bridge's integration user working while someone guesses its password elsewhere, and says when the bridge's own address is locked out", async () => {
    const integration = `sync@${domain}`;
    await createDirectoryUser(system, integration, {
      licences: ['DYN365_ENTERPRISE_PLAN1', 'DYN365_BUSCENTRAL_ESSENTIAL'],
      password: PASSWORD,
    });
    await provisionAll(system);
    await giveRoles(system, [integration], ['Salesperson']);
    await giveRoles(system, [system.admin.upn], ['System Customizer', 'Sales Manager']);
    await runFullSetup(system, { kind: 'user', userName: integration, password: PASSWORD });

    for (let i = 0; i < 8; i++) await tokenFrom('127.0.0.3', integration, `guess-${i}`);
    const tested = await ok(system, 'POST', '/bridge/connection/test');
    expect(JSON.stringify(tested)).not.toContain('locked out');
    expect((await ok(system, 'GET', '/bridge/connection')).state).toBe('enabled');

    // Failures from the bridge's own address (e.g. a wrong stored password) do lock it out there.
    for (let i = 0; i < 5; i++) await tokenFrom('127.0.0.1', integration, `wrong-${i}`);
    const doctor = await call(system, 'GET', '/bridge/doctor');
    const locked = (
      doctor.body.checks as Array<{ id: string; status: string; message: string; fix: string }>
    ).find((c) => c.id.endsWith('.locked-out'));
    expect(locked, JSON.stringify(doctor.body.checks, null, 2)).toBeDefined();
    expect(locked!.status).toBe('fail');
    expect(locked!.message).toContain(`${integration} is locked out of sign-in`);
    expect(locked!.fix).toMatch(/Wait \d+ seconds/);
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(JSON.stringify(connection)).toContain('locked out of sign-in');
  });
});
