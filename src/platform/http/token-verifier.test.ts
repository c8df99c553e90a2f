import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenVerifier } from './token-verifier.js';

/**
 * The verifier remembers verified tokens, but only until they expire: a token used past its `exp`
 * (beyond the clock tolerance) is verified again and refused, even though it was accepted before.
 */

let server: http.Server;
let authority: string;
let privateKey: CryptoKey;
let jwksRequests = 0;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = http.createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/.well-known/openid-configuration')
      response.end(JSON.stringify({ issuer: authority, jwks_uri: `${authority}/keys` }));
    else {
      jwksRequests++;
      response.end(JSON.stringify({ keys: [jwk] }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => vi.useRealTimers());

function token(expiresInSeconds: number, oid = '11111111-1111-4111-8111-111111111111'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ oid, idtyp: 'user', upn: 'a@contoso.com' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(authority)
    .setAudience('tandem')
    .setSubject(oid)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(privateKey);
}

describe('createTokenVerifier', () => {
  it('answers a token it verified before from memory, until the token expires', async () => {
    const verify = createTokenVerifier({ authority: () => authority, audiences: () => ['tandem'] });
    const jwt = await token(60);
    const first = await verify(jwt);
    expect(first).toMatchObject({ kind: 'user', userPrincipalName: 'a@contoso.com', audience: 'tandem' });
    expect(await verify(jwt)).toBe(first);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 120_000);
    await expect(verify(jwt)).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/expired/),
    });
  });

  it('still refuses a token signed by another key, and one for another audience', async () => {
    const verify = createTokenVerifier({ authority: () => authority, audiences: () => ['tandem'] });
    const other = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ oid: 'x', idtyp: 'user' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(authority)
      .setAudience('tandem')
      .setSubject('x')
      .setExpirationTime(now + 60)
      .sign(other.privateKey);
    await expect(verify(forged)).rejects.toMatchObject({ status: 401 });
    const elsewhere = createTokenVerifier({ authority: () => authority, audiences: () => ['elsewhere'] });
    await expect(elsewhere(await token(60))).rejects.toMatchObject({ status: 401 });
    expect(jwksRequests).toBeGreaterThan(0);
  });
});
