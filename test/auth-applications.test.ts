import { and, eq } from 'drizzle-orm';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, users } from '../src/directory/schema.js';
import { hashPassword } from '../src/platform/security/passwords.js';
import { adminHeaders, getToken } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

interface AppView {
  id: string;
  appId: string;
  displayName: string;
  enabled: boolean;
  clientSecret?: string;
}

describe('application registrations and the client_credentials grant', () => {
  let system: TestSystem;
  let admin: Record<string, string>;

  async function call(method: string, path: string, body?: unknown, headers = admin) {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  async function clientToken(form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(`${system.url}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...form }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as { access_token?: string; error?: string; error_description?: string },
    };
  }

  beforeAll(async () => {
    system = await startTestSystem();
    admin = await adminHeaders(system);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('registers an application, shows its secret once, and issues it app tokens', async () => {
    const created = await call('POST', '/directory/applications', { displayName: 'Business Central sync' });
    expect(created.status).toBe(201);
    const app = created.body as AppView;
    expect(app.appId).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.clientSecret!.length).toBeGreaterThanOrEqual(43); // 32 random bytes, base64url
    expect(created.headers.get('cache-control')).toBe('no-store');

    const fetched = await call('GET', `/directory/applications/${app.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty('clientSecret');
    expect(JSON.stringify((await call('GET', '/directory/applications')).body)).not.toContain(
      app.clientSecret,
    );

    const token = await clientToken({
      client_id: app.appId,
      client_secret: app.clientSecret!,
      scope: 'https://erp.contoso.com/.default',
    });
    expect(token.status).toBe(200);
    const { payload } = await jwtVerify(
      token.body.access_token!,
      createRemoteJWKSet(new URL(`${system.url}/discovery/v2.0/keys`)),
      { issuer: `${system.url}/${system.running.tenant.tenantId}`, audience: 'https://erp.contoso.com' },
    );
    expect(payload).toMatchObject({ sub: app.id, oid: app.id, appid: app.appId, idtyp: 'app' });
    expect(payload).not.toHaveProperty('upn');

    // HTTP Basic client authentication works too.
    const basic = await clientToken(
      {},
      { authorization: `Basic ${Buffer.from(`${app.appId}:${app.clientSecret}`).toString('base64')}` },
    );
    expect(basic.status).toBe(200);

    // A token for the ERP is the ERP's: the directory answers only to tokens for itself.
    const foreign = await call('GET', '/auth/me', undefined, {
      authorization: `Bearer ${token.body.access_token}`,
    });
    expect(foreign.status).toBe(401);
    const own = await clientToken({ client_id: app.appId, client_secret: app.clientSecret! });
    const me = await call('GET', '/auth/me', undefined, {
      authorization: `Bearer ${own.body.access_token}`,
    });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      kind: 'application',
      displayName: 'Business Central sync',
      via: 'bearer',
    });

    // An application is not an administrator.
    const forbidden = await call('GET', '/directory/applications', undefined, {
      authorization: `Bearer ${own.body.access_token}`,
    });
    expect(forbidden.status).toBe(403);

    const audited = await system.running.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'application.created'), eq(auditLog.targetId, app.id)));
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited[0]!.details)).not.toContain(app.clientSecret);
  });

  it('refuses a wrong secret and an unknown client with the same invalid_client error', async () => {
    const app = (await call('POST', '/directory/applications', { displayName: 'Wrong secret' }))
      .body as AppView;
    const wrong = await clientToken({ client_id: app.appId, client_secret: 'nope' });
    const unknown = await clientToken({
      client_id: '3f1c2b1a-0000-4000-8000-000000000000',
      client_secret: 'nope',
    });
    const notUuid = await clientToken({ client_id: 'my-app', client_secret: 'nope' });
    for (const result of [wrong, unknown, notUuid]) {
      expect(result.status).toBe(401);
      expect(result.body.error).toBe('invalid_client');
      expect(result.body.error_description).toBe(wrong.body.error_description);
    }
    const missingSecret = await clientToken({ client_id: app.appId });
    expect(missingSecret.status).toBe(401);
    expect(missingSecret.body.error).toBe('invalid_client');
  });

  it('rotates the secret: the old one stops working, the new one works', async () => {
    const app = (await call('POST', '/directory/applications', { displayName: 'Rotating' })).body as AppView;
    const rotated = await call('POST', `/directory/applications/${app.id}/secret`);
    expect(rotated.status).toBe(200);
    const newSecret = (rotated.body as AppView).clientSecret!;
    expect(newSecret).not.toBe(app.clientSecret);
    expect((await clientToken({ client_id: app.appId, client_secret: app.clientSecret! })).status).toBe(401);
    expect((await clientToken({ client_id: app.appId, client_secret: newSecret })).status).toBe(200);
  });

  it('gives a disabled or deleted application no token, and its tokens stop working', async () => {
    const app = (await call('POST', '/directory/applications', { displayName: 'To disable' }))
      .body as AppView;
    const before = await clientToken({ client_id: app.appId, client_secret: app.clientSecret! });
    const bearer = { authorization: `Bearer ${before.body.access_token}` };
    expect((await call('GET', '/auth/me', undefined, bearer)).status).toBe(200);

    const disabled = await call('PATCH', `/directory/applications/${app.id}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect((disabled.body as AppView).enabled).toBe(false);
    const refused = await clientToken({ client_id: app.appId, client_secret: app.clientSecret! });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unauthorized_client');
    expect(refused.body.error_description).toContain('"To disable" is disabled');
    expect((await call('GET', '/auth/me', undefined, bearer)).status).toBe(401);

    const renamed = await call('PATCH', `/directory/applications/${app.appId}`, {
      displayName: 'Renamed',
      enabled: true,
    });
    expect(renamed.body).toMatchObject({ displayName: 'Renamed', enabled: true });
    expect((await call('GET', '/auth/me', undefined, bearer)).status).toBe(200);

    expect((await call('DELETE', `/directory/applications/${app.id}`)).status).toBe(204);
    expect((await call('GET', `/directory/applications/${app.id}`)).status).toBe(404);
    expect((await call('GET', '/auth/me', undefined, bearer)).status).toBe(401);
    const gone = await clientToken({ client_id: app.appId, client_secret: app.clientSecret! });
    expect(gone.status).toBe(401);

    const actions = (
      await system.running.database.db.select().from(auditLog).where(eq(auditLog.targetId, app.id))
    ).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['application.created', 'application.updated', 'application.deleted']),
    );
  });

  it('lets only Global administrators manage applications, with clear errors', async () => {
    await system.running.database.db.insert(users).values({
      userPrincipalName: 'useradmin@contoso.com',
      displayName: 'User Admin',
      directoryRole: 'user_administrator',
      passwordHash: await hashPassword('Us3r-Admin-Pw!'),
      mustChangePassword: false,
      modifiedBy: '00000000-0000-0000-0000-000000000000',
    });
    const token = await getToken(system.url, 'useradmin@contoso.com', 'Us3r-Admin-Pw!');
    const refused = await call(
      'POST',
      '/directory/applications',
      { displayName: 'x' },
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('Global administrator');

    const anonymous = await call('GET', '/directory/applications', undefined, {});
    expect(anonymous.status).toBe(401);

    const blank = await call('POST', '/directory/applications', { displayName: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.problems[0].field).toBe('displayName');

    const unknown = await call('GET', '/directory/applications/not-an-id');
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('not-an-id');
  });
});
