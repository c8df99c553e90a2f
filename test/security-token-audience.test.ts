/**
 * Security (issue 12, item 6): the directory accepts only tokens issued for it. A token asked for
 * another resource (`https://evil.example/.default`) is that resource's to use: presented to the
 * directory, it administers nothing and reads nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, TEST_ADMIN_PASSWORD, type TestSystem } from './support/test-system.js';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.stop();
});

async function adminToken(scope?: string): Promise<string> {
  const response = await fetch(`${system.url}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: system.admin.upn,
      password: TEST_ADMIN_PASSWORD,
      ...(scope ? { scope } : {}),
    }),
  });
  const body = (await response.json()) as { access_token: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.access_token;
}

async function send(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the directory checks the audience of bearer tokens', () => {
  it('refuses a token issued for another resource, and says which scope to ask for', async () => {
    const foreign = await adminToken('https://evil.example/.default');
    const claims = JSON.parse(Buffer.from(foreign.split('.')[1]!, 'base64url').toString()) as { aud: string };
    expect(claims.aud).toBe('https://evil.example');

    const created = await send('POST', '/directory/users', foreign, {
      userPrincipalName: `intruder@${system.admin.upn.split('@')[1]}`,
      displayName: 'Intruder',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(401);
    expect(created.body.detail).toContain('https://evil.example');
    expect(created.body.detail).toContain(`${system.url}/.default`);

    for (const path of ['/directory/users', '/directory/applications', '/auth/me', '/directory/me']) {
      const read = await send('GET', path, foreign);
      expect(read.status, `${path}: ${JSON.stringify(read.body)}`).toBe(401);
    }
    const users = await send('GET', `/directory/users?search=intruder`, await adminToken());
    expect(users.body.value).toEqual([]);
  });

  it('accepts tokens for its own URL and for Tandem', async () => {
    for (const scope of [undefined, `${system.url}/.default`, `${system.url}/user_impersonation`]) {
      const reply = await send('GET', '/directory/me', await adminToken(scope));
      expect(reply.status, `${scope}: ${JSON.stringify(reply.body)}`).toBe(200);
    }
  });
});
