import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/** GET /auth/session and POST /auth/token: the console's session and its token exchange. */
describe('console token exchange', () => {
  let system: TestSystem;

  async function signIn(userName: string, password: string): Promise<string> {
    const response = await fetch(`${system.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userName, password }),
    });
    expect(response.status).toBe(200);
    return response.headers
      .getSetCookie()
      .find((c) => c.startsWith('tandem_session='))!
      .split(';')[0]!;
  }

  function exchange(headers: Record<string, string>) {
    return fetch(`${system.url}/auth/token`, { method: 'POST', headers });
  }

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('gives the signed-in user a token the Sales and ERP APIs accept, never cached', async () => {
    const cookie = await signIn(system.admin.upn, system.admin.password);
    const response = await exchange({ cookie, 'x-tandem-console': '1', origin: system.url });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { token_type: string; expires_in: number; access_token: string };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(system.config.tokenTtlSeconds);
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({ upn: system.admin.upn, aud: 'tandem', idtyp: 'user' });

    const auth = { authorization: `Bearer ${body.access_token}` };
    expect((await fetch(`${system.url}/sales/admin/users?top=1`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${system.url}/api/v2.0/companies`, { headers: auth })).status).toBe(200);
  });

  it('tells the console who is signed in, 200 either way', async () => {
    const signedOut = await fetch(`${system.url}/auth/session`);
    expect(signedOut.status).toBe(200);
    expect(await signedOut.json()).toEqual({ user: null });
    const cookie = await signIn(system.admin.upn, system.admin.password);
    const signedIn = await fetch(`${system.url}/auth/session`, { headers: { cookie } });
    expect(((await signedIn.json()) as { user: { userPrincipalName: string } }).user.userPrincipalName).toBe(
      system.admin.upn,
    );
  });

  it('refuses a request without the session cookie (401)', async () => {
    const response = await exchange({ 'x-tandem-console': '1', origin: system.url });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/Sign in to the console first/);
  });

  it('refuses a bearer caller: it exchanges sessions only', async () => {
    const response = await exchange({ ...(await adminHeaders(system)), 'x-tandem-console': '1' });
    expect(response.status).toBe(401);
  });

  it('refuses cross-site requests: no console header, a foreign Origin, or Sec-Fetch-Site cross-site', async () => {
    const cookie = await signIn(system.admin.upn, system.admin.password);
    const noHeader = await exchange({ cookie, origin: system.url });
    expect(noHeader.status).toBe(403);
    expect(((await noHeader.json()) as { detail: string }).detail).toContain('x-tandem-console');

    const foreign = await exchange({ cookie, 'x-tandem-console': '1', origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { detail: string }).detail).toContain('https://evil.example');

    const crossSite = await exchange({ cookie, 'x-tandem-console': '1', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);

    const noOrigin = await exchange({ cookie, 'x-tandem-console': '1', 'sec-fetch-site': 'same-origin' });
    expect(noOrigin.status).toBe(403);

    const sameOrigin = await exchange({
      cookie,
      'x-tandem-console': '1',
      'sec-fetch-site': 'same-origin',
      origin: system.url,
    });
    expect(sameOrigin.status).toBe(200);
  });

  it('refuses a user whose sign-in was blocked after signing in', async () => {
    const auth = { ...(await adminHeaders(system)), 'content-type': 'application/json' };
    const created = await fetch(`${system.url}/directory/users`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        userPrincipalName: 'token-blocked@contoso.com',
        displayName: 'Token Blocked',
        password: 'Bl0cked-Passw0rd!',
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const cookie = await signIn('token-blocked@contoso.com', 'Bl0cked-Passw0rd!');
    expect((await exchange({ cookie, 'x-tandem-console': '1', origin: system.url })).status).toBe(200);

    const blocked = await fetch(`${system.url}/directory/users/${id}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ signInAllowed: false }),
    });
    expect(blocked.status).toBe(200);
    const refused = await exchange({ cookie, 'x-tandem-console': '1', origin: system.url });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });
});

/** Issue 12, item 17: a console session past its lifetime is refused everywhere the cookie works. */
describe('an expired console session', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ TANDEM_SESSION_TTL: '2' });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('is signed out: no user, no token exchange, no directory call', async () => {
    const signIn = await fetch(`${system.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userName: system.admin.upn, password: system.admin.password }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('tandem_session='))!
      .split(';')[0]!;
    const consoleHeaders = { cookie, 'x-tandem-console': '1', origin: system.url };
    expect((await fetch(`${system.url}/directory/users?top=1`, { headers: consoleHeaders })).status).toBe(
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const session = await fetch(`${system.url}/auth/session`, { headers: { cookie } });
    expect(await session.json()).toEqual({ user: null });
    expect(
      (await fetch(`${system.url}/auth/token`, { method: 'POST', headers: consoleHeaders })).status,
    ).toBe(401);
    expect((await fetch(`${system.url}/directory/users?top=1`, { headers: consoleHeaders })).status).toBe(
      401,
    );
  });
});
