import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../platform/http/app-error.js';
import type { DirectoryContext } from './context.js';
import { settings, type DirectoryRole } from './schema.js';
import { keyRing, SIGNING_ALG, verifierFor } from './signing-keys.js';

/** The audience of a token requested without a resource scope: Tandem's own APIs. */
export const DEFAULT_AUDIENCE = 'tandem';

/** Who a token is for. */
export type TokenSubject =
  | {
      kind: 'user';
      id: string;
      userPrincipalName: string;
      displayName: string;
      directoryRole: DirectoryRole;
    }
  | { kind: 'application'; id: string; appId: string; displayName: string };

/** The claims Tandem puts in (and reads from) its access tokens. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  oid: string;
  tid: string;
  idtyp: 'user' | 'app';
  iat: number;
  exp: number;
  upn?: string;
  name?: string;
  appid?: string;
  roles?: string[];
}

const tenantIds = new WeakMap<DirectoryContext, Promise<string>>();

/** The tenant id (settings key 'tenant'), read once per context: it never changes after first run. */
export function tenantIdOf(ctx: DirectoryContext): Promise<string> {
  let id = tenantIds.get(ctx);
  if (!id) {
    id = (async () => {
      const [row] = await ctx.db.select().from(settings).where(eq(settings.key, 'tenant'));
      if (!row) throw new Error('The tenant has not been created yet.');
      return (row.value as { id: string }).id;
    })();
    tenantIds.set(ctx, id);
    id.catch(() => tenantIds.delete(ctx));
  }
  return id;
}

/** The issuer: like Entra's `https://login.microsoftonline.com/{tenant}/v2.0`, the tenant is in the path. */
export async function issuerOf(ctx: DirectoryContext): Promise<string> {
  return `${ctx.config.publicUrl}/${await tenantIdOf(ctx)}`;
}

/**
 * The audience for an OAuth `scope` parameter. As with Entra, `https://host/.default` or
 * `https://host/user_impersonation` name the resource `https://host`; scopes that name no resource
 * (openid, profile, offline_access) ask for Tandem's own APIs. All resource scopes of one request
 * must name the same resource, since a token has one audience.
 */
export function audienceForScope(scope: string | undefined): string {
  const resources = new Set<string>();
  for (const item of (scope ?? '').split(/\s+/).filter(Boolean)) {
    if (['openid', 'profile', 'email', 'offline_access'].includes(item)) continue;
    const slash = item.lastIndexOf('/');
    const resource = slash > 0 && item.includes('://') ? item.slice(0, slash) : item;
    const cleaned = resource.replace(/\/+$/, '');
    if (cleaned) resources.add(cleaned);
  }
  if (resources.size > 1) {
    throw new AppError(
      'BadRequest',
      `The scope names several resources (${[...resources].join(', ')}); a token is for one resource. Request one token per resource.`,
    );
  }
  return [...resources][0] ?? DEFAULT_AUDIENCE;
}

/**
 * Signs an access token (RS256 with the active key, its kid in the header). `issuedAt` (seconds since
 * the epoch, default now) lets tests hold a token that has already expired, signed like any other.
 */
export async function issueAccessToken(
  ctx: DirectoryContext,
  subject: TokenSubject,
  audience: string,
  options: { issuedAt?: number } = {},
): Promise<{ accessToken: string; expiresIn: number }> {
  const ring = await keyRing(ctx);
  const tid = await tenantIdOf(ctx);
  const expiresIn = ctx.config.tokenTtlSeconds;
  const now = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> =
    subject.kind === 'user'
      ? {
          oid: subject.id,
          tid,
          idtyp: 'user',
          upn: subject.userPrincipalName,
          name: subject.displayName,
          roles: [subject.directoryRole],
        }
      : { oid: subject.id, tid, idtyp: 'app', appid: subject.appId, name: subject.displayName };
  const accessToken = await new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG, kid: ring.active.kid, typ: 'JWT' })
    .setIssuer(await issuerOf(ctx))
    .setAudience(audience)
    .setSubject(subject.id)
    // One clock reading for all three, so exp − iat is exactly the lifetime (two readings can
    // straddle a second boundary).
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + expiresIn)
    .setJti(crypto.randomUUID())
    .sign(ring.active.privateKey);
  return { accessToken, expiresIn };
}

function invalidToken(message: string): AppError {
  return new AppError('Unauthorized', message, {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

/**
 * Verifies a bearer token locally with the stored public keys: signature, issuer, expiry. The
 * audience is checked by the caller (`authenticate.ts` accepts only the directory's own).
 */
export async function verifyAccessToken(ctx: DirectoryContext, token: string): Promise<AccessTokenClaims> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw invalidToken('The bearer token is not a JWT. Get one from /oauth2/v2.0/token.');
  }
  const key = await verifierFor(ctx, kid);
  if (!key) {
    throw invalidToken(
      'The bearer token was not signed by this Tandem (unknown signing key). Get a new one from /oauth2/v2.0/token.',
    );
  }
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [SIGNING_ALG],
      issuer: await issuerOf(ctx),
      clockTolerance: 30,
      requiredClaims: ['sub', 'exp', 'iat', 'idtyp'],
    });
    if (payload.idtyp !== 'user' && payload.idtyp !== 'app') {
      throw invalidToken('The bearer token has no valid idtyp claim. Get a new one from /oauth2/v2.0/token.');
    }
    return payload as unknown as AccessTokenClaims;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof joseErrors.JWTExpired) {
      throw invalidToken('The bearer token has expired. Get a new one from /oauth2/v2.0/token.');
    }
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      throw invalidToken(
        `The bearer token is not valid here (${error.claim} claim). Get a new one from this Tandem's /oauth2/v2.0/token.`,
      );
    }
    throw invalidToken("The bearer token's signature is not valid. Get a new one from /oauth2/v2.0/token.");
  }
}
