import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, sessions, users } from '../src/directory/schema.js';
import { hashGeneratedSecret, hashPassword, verifyPassword } from '../src/platform/security/passwords.js';
import { SecretBox } from '../src/platform/security/secret-box.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

describe('console sessions and password change', () => {
  let system: TestSystem;
  let generatedKey: Buffer;

  async function post(path: string, body: unknown, cookie?: string) {
    const response = await fetch(`${system.url}${path}`, {
      method: 'POST',
      // As the console sends them: its header and its Origin (cookie-authenticated writes need both).
      headers: {
        'content-type': 'application/json',
        'x-tandem-console': '1',
        origin: system.url,
        ...(cookie ? { cookie } : {}),
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  async function me(cookie: string) {
    const response = await fetch(`${system.url}/auth/me`, { headers: { cookie } });
    return { status: response.status, body: await response.json() };
  }

  /** `tandem_session=…` from a Set-Cookie answer, ready to send back. */
  function sessionCookie(headers: Headers): string {
    const set = headers.getSetCookie().find((c) => c.startsWith('tandem_session='));
    expect(set).toBeDefined();
    return set!.split(';')[0]!;
  }

  async function insertUser(name: string, values: Partial<typeof users.$inferInsert>): Promise<string> {
    const [row] = await system.running.database.db
      .insert(users)
      .values({
        userPrincipalName: `${name}@contoso.com`,
        displayName: `Test ${name}`,
        mustChangePassword: false,
        modifiedBy: '00000000-0000-0000-0000-000000000000',
        ...values,
      })
      .returning({ id: users.id });
    return row!.id;
  }

  beforeAll(async () => {
    system = await startTestSystem();
    generatedKey = SecretBox.loadOrCreate(system.config.dataDir, system.config.secretKey).deriveKey(
      'generated-secrets',
    );
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('signs in with a session cookie, answers /auth/me, and signs out', async () => {
    const signIn = await post('/auth/sign-in', {
      userName: system.admin.upn,
      password: system.admin.password,
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatchObject({
      userPrincipalName: system.admin.upn,
      displayName: 'Tandem Administrator',
      directoryRole: 'global_administrator',
      roleLabel: 'Global administrator',
    });
    const setCookie = signIn.headers.getSetCookie().find((c) => c.startsWith('tandem_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=28800/);
    expect(setCookie).not.toMatch(/Secure/); // http://127.0.0.1 in tests
    const cookie = sessionCookie(signIn.headers);
    const id = cookie.slice('tandem_session='.length);
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);

    // Only the hash is stored.
    const stored = await system.running.database.db.select().from(sessions);
    expect(stored.some((s) => s.idHash === id)).toBe(false);
    expect(stored.some((s) => s.idHash === crypto.createHash('sha256').update(id).digest('base64url'))).toBe(
      true,
    );

    const who = await me(cookie);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ userPrincipalName: system.admin.upn, via: 'session', kind: 'user' });

    const forged = await fetch(`${system.url}/auth/sign-out`, { method: 'POST', headers: { cookie } });
    expect(forged.status).toBe(403);
    const signOut = await fetch(`${system.url}/auth/sign-out`, {
      method: 'POST',
      headers: { cookie, 'x-tandem-console': '1', origin: system.url },
    });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.getSetCookie().join(';')).toMatch(/tandem_session=;/);
    expect((await me(cookie)).status).toBe(401);
    // A stale or made-up cookie is simply anonymous.
    expect((await me('tandem_session=made-up')).status).toBe(401);
  });

  it('refuses a wrong password with a generic message and no cookie', async () => {
    const result = await post('/auth/sign-in', { userName: system.admin.upn, password: 'wrong' });
    expect(result.status).toBe(401);
    expect(result.body.code).toBe('InvalidCredentials');
    expect(result.body.detail).toContain('user name or password is incorrect');
    expect(result.headers.getSetCookie()).toEqual([]);
    const invalid = await post('/auth/sign-in', { userName: '', password: '' });
    expect(invalid.status).toBe(400);
    // A cross-site HTML form (form-encoded) cannot sign anyone in, even with the right password.
    const form = await fetch(`${system.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ userName: system.admin.upn, password: system.admin.password }),
    });
    expect(form.status).toBe(415);
    expect(form.headers.getSetCookie()).toEqual([]);
  });

  it('runs the must-change flow: no session until the temporary password is changed', async () => {
    const temporary = 'Abcd-Efgh-Jkmn-Pqrs-Tuvw';
    const id = await insertUser('newbie', {
      passwordHash: hashGeneratedSecret(temporary, generatedKey),
      mustChangePassword: true,
    });
    const refused = await post('/auth/sign-in', { userName: 'Newbie@Contoso.com', password: temporary });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('PasswordChangeRequired');
    expect(refused.body.detail).toContain('newbie@contoso.com must change the password');
    expect(refused.headers.getSetCookie()).toEqual([]);

    const wrongCurrent = await post('/auth/change-password', {
      userName: 'newbie@contoso.com',
      currentPassword: 'not-it',
      newPassword: 'Chosen-Passw0rd!',
    });
    expect(wrongCurrent.status).toBe(401);

    const weak = await post('/auth/change-password', {
      userName: 'newbie@contoso.com',
      currentPassword: temporary,
      newPassword: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.problems[0]).toMatchObject({ field: 'newPassword' });
    expect(weak.body.detail).toContain('at least 8 characters');

    const same = await post('/auth/change-password', {
      userName: 'newbie@contoso.com',
      currentPassword: temporary,
      newPassword: temporary,
    });
    expect(same.status).toBe(400);
    expect(same.body.detail).toContain('different');

    const [before] = await system.running.database.db.select().from(users).where(eq(users.id, id));
    const changed = await post('/auth/change-password', {
      userName: 'newbie@contoso.com',
      currentPassword: temporary,
      newPassword: 'Chosen-Passw0rd!',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.userPrincipalName).toBe('newbie@contoso.com');
    const [after] = await system.running.database.db.select().from(users).where(eq(users.id, id));
    expect(after!.mustChangePassword).toBe(false);
    expect(after!.passwordHash).toMatch(/^scrypt\$/);
    expect(after!.passwordChangedAt).not.toBeNull();
    expect(after!.rowVersion).toBeGreaterThan(before!.rowVersion);
    expect(after!.modifiedBy).toBe(id);
    expect(await verifyPassword('Chosen-Passw0rd!', after!.passwordHash!, generatedKey)).toBe(true);
    const audit = await system.running.database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(audit.map((a) => a.action)).toContain('user.password_changed');
    expect(JSON.stringify(audit)).not.toContain('Chosen-Passw0rd!');

    expect(
      (await post('/auth/sign-in', { userName: 'newbie@contoso.com', password: temporary })).status,
    ).toBe(401);
    const signIn = await post('/auth/sign-in', {
      userName: 'newbie@contoso.com',
      password: 'Chosen-Passw0rd!',
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body.roleLabel).toBe('User');
  });

  it("ends the user's other sessions on a password change, keeping the caller's own", async () => {
    await insertUser('multi', { passwordHash: await hashPassword('First-Passw0rd!') });
    const creds = { userName: 'multi@contoso.com', password: 'First-Passw0rd!' };
    const laptop = sessionCookie((await post('/auth/sign-in', creds)).headers);
    const phone = sessionCookie((await post('/auth/sign-in', creds)).headers);
    expect((await me(laptop)).status).toBe(200);
    expect((await me(phone)).status).toBe(200);

    const changed = await post(
      '/auth/change-password',
      { userName: 'multi@contoso.com', currentPassword: 'First-Passw0rd!', newPassword: 'Second-Passw0rd!' },
      laptop,
    );
    expect(changed.status).toBe(200);
    expect((await me(laptop)).status).toBe(200);
    expect((await me(phone)).status).toBe(401);
  });

  it('ends the session of a user whose sign-in gets blocked, and refuses blocked users', async () => {
    const id = await insertUser('blockme', { passwordHash: await hashPassword('Block-Passw0rd!') });
    const cookie = sessionCookie(
      (await post('/auth/sign-in', { userName: 'blockme@contoso.com', password: 'Block-Passw0rd!' })).headers,
    );
    expect((await me(cookie)).status).toBe(200);
    await system.running.database.db.update(users).set({ signInAllowed: false }).where(eq(users.id, id));
    expect((await me(cookie)).status).toBe(401);
    const refused = await post('/auth/sign-in', {
      userName: 'blockme@contoso.com',
      password: 'Block-Passw0rd!',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('SignInBlocked');
    expect(refused.body.detail).toContain('blockme@contoso.com');
  });
});
