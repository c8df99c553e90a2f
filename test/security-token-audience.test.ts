/**
 * Security (issue 12, items 6 and 17): every API accepts only tokens issued for it, and none accepts
 * an expired one. A token asked for another resource (`https://evil.example/.default`) is that
 * resource's to use: presented to the directory, Sales, the ERP or the bridge, it administers
 * nothing and reads nothing. An expired token — signed with the tenant's real key, like any other,
 * only issued long enough ago to be past its lifetime and the verifiers' 30 s clock tolerance — is a
 * 401 in each API's own error shape that says to get a new token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../src/directory/tokens.js';
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

/** A read of each API, and how each API's 401 carries its message. */
const APIS: Array<{ api: string; path: string; message: (body: Record<string, unknown>) => unknown }> = [
  { api: 'directory', path: '/directory/me', message: problemDetail('Unauthorized') },
  { api: 'Sales Web API', path: '/api/data/v9.2/WhoAmI', message: dataverseMessage },
  { api: 'Sales admin API', path: '/sales/admin/users?top=1', message: problemDetail('Unauthorized') },
  { api: 'ERP API', path: '/api/v2.0/companies', message: businessCentralMessage },
  { api: 'bridge', path: '/bridge/connection', message: problemDetail('Unauthorized') },
];

/** problem+json (directory, Sales admin, bridge): status and code in the body, the message in detail. */
function problemDetail(code: string) {
  return (body: Record<string, unknown>) => {
    expect(body).toMatchObject({ status: 401, code, type: `urn:tandem:error:${code}` });
    return body.detail;
  };
}

/** Dataverse's error JSON: the HRESULT Dataverse answers an invalid token with. */
function dataverseMessage(body: Record<string, unknown>) {
  const error = body.error as { code: string; message: string };
  expect(error.code).toBe('0x80072560');
  return error.message;
}

/** Business Central's error JSON: Authentication_InvalidCredentials, the message ending in a correlation id. */
function businessCentralMessage(body: Record<string, unknown>) {
  const error = body.error as { code: string; message: string };
  expect(error.code).toBe('Authentication_InvalidCredentials');
  const correlation = / {2}CorrelationId: {2}[0-9a-f-]{36}\.$/;
  expect(error.message).toMatch(correlation);
  return error.message.replace(correlation, '');
}

/** The Global administrator as a token subject, read from a token the directory issued. */
async function adminSubject() {
  const claims = JSON.parse(Buffer.from((await adminToken()).split('.')[1]!, 'base64url').toString()) as {
    oid: string;
    upn: string;
    name: string;
  };
  return {
    kind: 'user' as const,
    id: claims.oid,
    userPrincipalName: claims.upn,
    displayName: claims.name,
    directoryRole: 'global_administrator' as const,
  };
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

describe('Sales, the ERP and the bridge check the audience of bearer tokens', () => {
  it('each refuses a token issued for another resource with 401 in its own shape, naming the scope to ask for', async () => {
    const foreign = await adminToken('https://evil.example/.default');
    for (const { api, path, message } of APIS.filter((a) => a.api !== 'directory')) {
      const reply = await send('GET', path, foreign);
      expect(reply.status, `${api}: ${JSON.stringify(reply.body)}`).toBe(401);
      expect(message(reply.body), api).toBe(
        `The bearer token is for another resource. Request it with scope "${system.url}/.default".`,
      );
    }
    // A write is refused the same way, and nothing is written.
    const created = await send('POST', '/api/data/v9.2/accounts', foreign, { name: 'Foreign audience Ltd' });
    expect(created.status, JSON.stringify(created.body)).toBe(401);
    const accounts = await send(
      'GET',
      `/api/data/v9.2/accounts?$filter=name eq 'Foreign audience Ltd'`,
      await adminToken(),
    );
    expect(accounts.body.value).toEqual([]);
  });

  it('each accepts a token for its own URL and for Tandem', async () => {
    for (const scope of [undefined, `${system.url}/.default`]) {
      const token = await adminToken(scope);
      for (const { api, path } of APIS) {
        const reply = await send('GET', path, token);
        expect(reply.status, `${api} with scope ${scope}: ${JSON.stringify(reply.body)}`).toBe(200);
      }
    }
  });
});

describe('every API refuses an expired bearer token', () => {
  const ttl = () => system.config.tokenTtlSeconds;
  const now = () => Math.floor(Date.now() / 1000);

  it('a token signed by the tenant but past its lifetime (and the 30 s tolerance) is a 401 saying to get a new one', async () => {
    const subject = await adminSubject();
    const ctx = system.running.directory.context;
    // Issued so that it expired two minutes ago: beyond the verifiers' 30 s clock tolerance.
    const expired = (await issueAccessToken(ctx, subject, 'tandem', { issuedAt: now() - ttl() - 120 }))
      .accessToken;
    const claims = JSON.parse(Buffer.from(expired.split('.')[1]!, 'base64url').toString()) as { exp: number };
    expect(claims.exp).toBeLessThan(now() - 60);
    for (const { api, path, message } of APIS) {
      const reply = await send('GET', path, expired);
      expect(reply.status, `${api}: ${JSON.stringify(reply.body)}`).toBe(401);
      expect(message(reply.body), api).toMatch(/^The bearer token has expired\. Get a new one from /);
    }
  });

  it('the same token issued now is accepted by every API (only its age differs)', async () => {
    const subject = await adminSubject();
    const ctx = system.running.directory.context;
    const fresh = (await issueAccessToken(ctx, subject, 'tandem', { issuedAt: now() })).accessToken;
    for (const { api, path } of APIS) {
      const reply = await send('GET', path, fresh);
      expect(reply.status, `${api}: ${JSON.stringify(reply.body)}`).toBe(200);
    }
  });

  it('a token that expired within the clock tolerance is still accepted (clocks may differ by 30 s)', async () => {
    const subject = await adminSubject();
    const ctx = system.running.directory.context;
    const justExpired = (await issueAccessToken(ctx, subject, 'tandem', { issuedAt: now() - ttl() - 5 }))
      .accessToken;
    for (const { api, path } of APIS) {
      const reply = await send('GET', path, justExpired);
      expect(reply.status, `${api}: ${JSON.stringify(reply.body)}`).toBe(200);
    }
  });
});
