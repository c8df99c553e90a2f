/**
 * Security (issue 12, item 5): cross-site request forgery on the cookie-authenticated directory API.
 * A page of another origin on the same host (same site, so SameSite=Lax sends the cookie) can post
 * a form, or a `text/plain` body, with the administrator's session cookie. State-changing requests
 * authenticated by the cookie therefore need the console's header and a same-origin Origin, and form
 * bodies are accepted only by the OAuth token endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let cookie: string;
let domain: string;
const EVIL = 'http://127.0.0.1:1'; // another origin on the same host: the same site for the browser

beforeAll(async () => {
  system = await startTestSystem();
  domain = system.admin.upn.split('@')[1]!;
  const response = await fetch(`${system.url}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tandem-console': '1', origin: system.url },
    body: JSON.stringify({ userName: system.admin.upn, password: system.admin.password }),
  });
  expect(response.status).toBe(200);
  cookie = response.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await system?.stop();
});

async function post(path: string, headers: Record<string, string>, body: string) {
  const response = await fetch(`${system.url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as { detail?: string } };
}

async function userExists(upn: string): Promise<boolean> {
  const response = await fetch(`${system.url}/directory/users/${encodeURIComponent(upn)}`, {
    headers: await adminHeaders(system),
  });
  return response.status === 200;
}

describe('cookie-authenticated writes come from console pages only', () => {
  it('refuses a form post from another origin with the session cookie, and creates nothing', async () => {
    const upn = `csrf-form@${domain}`;
    const form = new URLSearchParams({ userPrincipalName: upn, displayName: 'Forged' }).toString();
    const reply = await post(
      '/directory/users',
      { cookie, origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      form,
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(403);
    expect(reply.body.detail).toContain('x-tandem-console');
    expect(await userExists(upn)).toBe(false);
  });

  it('refuses a text/plain body carrying JSON, as a form with enctype=text/plain sends', async () => {
    const upn = `csrf-text@${domain}`;
    const reply = await post(
      '/directory/users',
      { cookie, origin: EVIL, 'content-type': 'text/plain' },
      JSON.stringify({ userPrincipalName: upn, displayName: 'Forged' }),
    );
    expect(reply.status).toBe(403);
    expect(await userExists(upn)).toBe(false);
  });

  it('refuses the console header from another origin, or without an Origin', async () => {
    const upn = `csrf-origin@${domain}`;
    const body = JSON.stringify({ userPrincipalName: upn, displayName: 'Forged' });
    const json = { cookie, 'content-type': 'application/json', 'x-tandem-console': '1' };
    const foreign = await post('/directory/users', { ...json, origin: EVIL }, body);
    expect(foreign.status).toBe(403);
    expect(foreign.body.detail).toContain(EVIL);
    const noOrigin = await post('/directory/users', json, body);
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.body.detail).toContain('Origin');
    const crossSite = await post(
      '/directory/users',
      { ...json, origin: system.url, 'sec-fetch-site': 'same-site' },
      body,
    );
    expect(crossSite.status).toBe(403);
    expect(await userExists(upn)).toBe(false);
  });

  it('refuses forged password resets and application registrations', async () => {
    const target = (await (
      await fetch(`${system.url}/directory/users/${encodeURIComponent(system.admin.upn)}`, {
        headers: await adminHeaders(system),
      })
    ).json()) as { id: string };
    const reset = await post(
      `/directory/users/${target.id}/reset-password`,
      { cookie, origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      'password=Attack3r-Passw0rd!&mustChangePassword=false',
    );
    expect(reset.status).toBe(403);
    const registered = await post(
      '/directory/applications',
      { cookie, origin: EVIL, 'content-type': 'text/plain' },
      '{"displayName":"Forged app"}',
    );
    expect(registered.status).toBe(403);
  });

  it('accepts the same write from a console page (header and same-origin Origin)', async () => {
    const upn = `console-made@${domain}`;
    const reply = await post(
      '/directory/users',
      {
        cookie,
        origin: system.url,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
        'x-tandem-console': '1',
      },
      JSON.stringify({ userPrincipalName: upn, displayName: 'Console made' }),
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(await userExists(upn)).toBe(true);
  });
});

describe('form bodies only where an OAuth form is expected', () => {
  it('refuses a form body with a bearer token with 415, naming JSON', async () => {
    const reply = await post(
      '/directory/users',
      { ...(await adminHeaders(system)), 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ userPrincipalName: `form-bearer@${domain}`, displayName: 'Form' }).toString(),
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(415);
    expect(reply.body.detail).toContain('application/json');
  });

  it('still takes the token endpoint form', async () => {
    const response = await fetch(`${system.url}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        username: system.admin.upn,
        password: system.admin.password,
      }),
    });
    expect(response.status).toBe(200);
  });
});
