import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearerToken, createTokenVerifier } from './token-verifier.js';

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
    else if (request.url === '/failing/.well-known/openid-configuration') {
      // A good document with an error status: not to be trusted.
      response.statusCode = 500;
      response.end(JSON.stringify({ issuer: authority, jwks_uri: `${authority}/keys` }));
    } else {
      jwksRequests++;
      response.end(JSON.stringify({ keys: [jwk] }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => vi.useRealTimers());

function token(
  expiresInSeconds: number,
  oid = '11111111-1111-4111-8111-111111111111',
  claims: Record<string, unknown> = { idtyp: 'user', upn: 'a@contoso.com' },
  audience: string | string[] = 'tandem',
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ oid, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(authority)
    .setAudience(audience)
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

const INVALID_TOKEN = { 'www-authenticate': 'Bearer error="invalid_token"' };

describe('createTokenVerifier: what a token tells and why one is refused', () => {
  it('reads a user token: object id, tenant, audience, name and UPN', async () => {
    const verify = createTokenVerifier({ authority: () => `${authority}/`, audiences: () => ['tandem'] });
    const verified = await verify(
      await token(60, 'u-1', { idtyp: 'user', upn: 'a@contoso.com', name: 'Ann', tid: 't-1' }, [
        'tandem',
        'x',
      ]),
    );
    expect(verified).toEqual({
      objectId: 'u-1',
      kind: 'user',
      tenantId: 't-1',
      audience: 'tandem',
      userPrincipalName: 'a@contoso.com',
      name: 'Ann',
      claims: expect.objectContaining({ oid: 'u-1' }),
    });
  });

  it('reads an application token, and leaves out claims that are missing or not text', async () => {
    const verify = createTokenVerifier({ authority: () => authority, audiences: () => ['tandem'] });
    const verified = await verify(await token(60, 'a-1', { idtyp: 'app', appid: 'app-id', upn: 7, name: 8 }));
    expect(verified).toEqual({
      objectId: 'a-1',
      kind: 'application',
      tenantId: '',
      audience: 'tandem',
      appId: 'app-id',
      claims: expect.objectContaining({ oid: 'a-1' }),
    });
    const user = await verify(await token(60, 'u-2', { idtyp: 'user', appid: 9 }));
    expect(user).not.toHaveProperty('appId');
    expect(user).not.toHaveProperty('userPrincipalName');
    expect(user).not.toHaveProperty('name');
  });

  it('says a token for another resource is for another resource, and which scope to ask for', async () => {
    const verify = createTokenVerifier({
      authority: () => authority,
      audiences: () => ['https://erp', 'tandem'],
    });
    await expect(verify(await token(60, 'u-1', { idtyp: 'user' }, 'https://sales'))).rejects.toMatchObject({
      status: 401,
      headers: INVALID_TOKEN,
      message: 'The bearer token is for another resource. Request it with scope "https://erp/.default".',
    });
  });

  it('says an expired token has expired, and a token signed elsewhere was not signed by this tenant', async () => {
    const verify = createTokenVerifier({ authority: () => authority, audiences: () => ['tandem'] });
    await expect(verify(await token(-120))).rejects.toMatchObject({
      status: 401,
      headers: INVALID_TOKEN,
      message: 'The bearer token has expired. Get a new one from the token endpoint.',
    });
    const other = await generateKeyPair('RS256');
    const signedElsewhere = (kid: string) =>
      new SignJWT({ oid: 'x', idtyp: 'user' })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(authority)
        .setAudience('tandem')
        .setSubject('x')
        .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
        .sign(other.privateKey);
    const notThisTenant = {
      status: 401,
      headers: INVALID_TOKEN,
      message: 'The bearer token was not signed by this tenant. Get a new one from the token endpoint.',
    };
    // A key the tenant has (signature fails) and a key it does not have (no matching key).
    await expect(verify(await signedElsewhere('k1'))).rejects.toMatchObject(notThisTenant);
    await expect(verify(await signedElsewhere('unknown'))).rejects.toMatchObject(notThisTenant);
  });

  it('refuses a token missing a required claim, from another issuer, or not a JWT at all', async () => {
    const verify = createTokenVerifier({ authority: () => authority, audiences: () => ['tandem'] });
    const notValid = {
      status: 401,
      headers: INVALID_TOKEN,
      message: 'The bearer token is not valid. Get a new one from the token endpoint.',
    };
    await expect(verify(await token(60, 'u-1', {}))).rejects.toMatchObject(notValid); // no idtyp
    const otherIssuer = await new SignJWT({ oid: 'x', idtyp: 'user' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://elsewhere')
      .setAudience('tandem')
      .setSubject('x')
      .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
      .sign(privateKey);
    await expect(verify(otherIssuer)).rejects.toMatchObject(notValid);
    await expect(verify('not.a.token')).rejects.toMatchObject(notValid);
  });

  it('answers 503 while the directory cannot be reached, and verifies once it can', async () => {
    let up = false;
    const verify = createTokenVerifier({
      authority: () => (up ? authority : 'http://127.0.0.1:1'),
      audiences: () => ['tandem'],
    });
    const jwt = await token(60);
    await expect(verify(jwt)).rejects.toMatchObject({
      status: 503,
      message:
        'The token issuer (directory) could not be reached to verify the bearer token. Try again shortly.',
    });
    up = true;
    await expect(verify(jwt)).resolves.toMatchObject({ kind: 'user' });
  });

  it('treats an OpenID configuration that answers an error as unreachable', async () => {
    const verify = createTokenVerifier({
      authority: () => `${authority}/failing`,
      audiences: () => ['tandem'],
    });
    await expect(verify(await token(60))).rejects.toMatchObject({ status: 503 });
  });

  it('finds the OpenID configuration under an authority written with trailing slashes', async () => {
    const verify = createTokenVerifier({ authority: () => `${authority}//`, audiences: () => ['tandem'] });
    await expect(verify(await token(60))).resolves.toMatchObject({ kind: 'user' });
  });
});

describe('bearerToken', () => {
  it('takes the token after the Bearer scheme, whatever its case', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer  abc ')).toBe('abc');
  });

  it('has none without a header, with another scheme or with an empty token', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('xBearer abc')).toBeUndefined();
    expect(bearerToken('Bearerabc')).toBeUndefined();
    expect(bearerToken('Bearer    ')).toBeUndefined();
  });
});
