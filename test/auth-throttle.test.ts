import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/directory/schema.js';
import { hashPassword } from '../src/platform/security/passwords.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

describe('sign-in throttle over HTTP', () => {
  let system: TestSystem;
  const password = 'Throttle-Passw0rd!';

  function tokenFor(userName: string, pw: string) {
    return fetch(`${system.url}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: userName, password: pw }),
    });
  }
  function signIn(userName: string, pw: string) {
    return fetch(`${system.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userName, password: pw }),
    });
  }

  beforeAll(async () => {
    system = await startTestSystem();
    const hash = await hashPassword(password);
    await system.running.database.db.insert(users).values(
      ['target', 'bystander'].map((name) => ({
        userPrincipalName: `${name}@contoso.com`,
        displayName: name,
        passwordHash: hash,
        mustChangePassword: false,
        modifiedBy: '00000000-0000-0000-0000-000000000000',
      })),
    );
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('answers 429 with Retry-After after five failures for one user, on both entry points, even with the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await (i % 2 ? signIn : tokenFor)('target@contoso.com', `wrong-${i}`);
      expect(response.status).toBeLessThan(429);
    }
    const token = await tokenFor('Target@contoso.com', password);
    expect(token.status).toBe(429);
    const retryAfter = Number(token.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    const tokenBody = (await token.json()) as { error: string; error_description: string };
    expect(tokenBody.error).toBe('temporarily_unavailable');
    expect(tokenBody.error_description).toContain('Too many failed sign-in attempts');

    const console = await signIn('target@contoso.com', password);
    expect(console.status).toBe(429);
    expect(console.headers.get('retry-after')).toBeTruthy();
    expect(((await console.json()) as { code: string }).code).toBe('TooManyRequests');

    // Another account from the same address is still fine (below the per-IP limit).
    expect((await tokenFor('bystander@contoso.com', password)).status).toBe(200);
  });

  it('limits one address across many user names', async () => {
    // 5 failures so far from this address; 15 more reach the per-IP limit of 20.
    for (let i = 0; i < 15; i++) {
      expect((await tokenFor(`spray${i}@contoso.com`, 'guess')).status).toBe(400);
    }
    const blocked = await tokenFor('bystander@contoso.com', password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
