/**
 * Security (issue 12, item 4): the bridge decides on the directory user as it is now, not on the
 * `roles` claim of a token issued up to an hour earlier. A Global administrator who is demoted,
 * blocked or deleted can no longer read or operate the connection with the token it already holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getToken } from './support/auth.js';
import { call } from './support/bridge.js';
import { createDirectoryUser, directoryCall } from './support/sales-users.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

const PASSWORD = 'Glob4l-Admin-Passw0rd!';
let system: TestSystem;
let domain: string;

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_BRIDGE_CHECK_SECONDS: '3600' });
  domain = system.admin.upn.split('@')[1]!;
});
afterAll(async () => {
  await system?.stop();
});

/** A second Global administrator with a token taken while it still is one. */
async function globalAdministratorWithToken(name: string) {
  const upn = `${name}@${domain}`;
  const id = await createDirectoryUser(system, upn, { role: 'global_administrator', password: PASSWORD });
  const token = await getToken(system.url, upn, PASSWORD);
  const before = await call(system, 'GET', '/bridge/connection', undefined, token);
  expect(before.status, JSON.stringify(before.body)).toBe(200);
  return { id, upn, token };
}

describe('the bridge decides on the directory user as it is now', () => {
  it('refuses a demoted Global administrator whose token still says global_administrator', async () => {
    const admin = await globalAdministratorWithToken('demoted');
    await directoryCall(system, 'PUT', `/directory/users/${admin.id}/role`, { role: 'user_administrator' });

    const claims = JSON.parse(Buffer.from(admin.token.split('.')[1]!, 'base64url').toString()) as {
      roles: string[];
    };
    expect(claims.roles).toEqual(['global_administrator']);
    for (const [method, path] of [
      ['GET', '/bridge/connection'],
      ['POST', '/bridge/setup/start'],
      ['POST', '/bridge/setup/cancel'],
    ] as const) {
      const reply = await call(system, method, path, method === 'POST' ? {} : undefined, admin.token);
      expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBe(403);
      expect(reply.body.detail).toContain(`${admin.upn} is not a Global administrator`);
    }
  });

  it('refuses a blocked Global administrator with 401 and says why', async () => {
    const admin = await globalAdministratorWithToken('blocked');
    await directoryCall(system, 'POST', '/directory/users/block', {
      userIds: [admin.id],
      signInAllowed: false,
    });
    const reply = await call(system, 'POST', '/bridge/setup/start', {}, admin.token);
    expect(reply.status, JSON.stringify(reply.body)).toBe(401);
    expect(reply.body.detail).toContain('blocked');
  });

  it('refuses a deleted Global administrator with 401', async () => {
    const admin = await globalAdministratorWithToken('deleted');
    await directoryCall(system, 'DELETE', `/directory/users/${admin.id}`);
    const reply = await call(system, 'GET', '/bridge/connection', undefined, admin.token);
    expect(reply.status, JSON.stringify(reply.body)).toBe(401);
    expect(reply.body.detail).toContain('deleted');
  });

  it('accepts a user promoted to Global administrator with a token taken before the promotion', async () => {
    const upn = `promoted@${domain}`;
    const id = await createDirectoryUser(system, upn, { password: PASSWORD });
    const token = await getToken(system.url, upn, PASSWORD);
    expect((await call(system, 'GET', '/bridge/connection', undefined, token)).status).toBe(403);
    await directoryCall(system, 'PUT', `/directory/users/${id}/role`, { role: 'global_administrator' });
    const reply = await call(system, 'GET', '/bridge/connection', undefined, token);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  });
});
