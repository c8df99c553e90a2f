import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from './app-error.js';

/** What a resource (Sales, ERP) learns from a verified access token. */
export interface VerifiedToken {
  /** The directory object id of the user or application (`oid`). */
  objectId: string;
  kind: 'user' | 'application';
  tenantId: string;
  audience: string;
  userPrincipalName?: string;
  appId?: string;
  name?: string;
  claims: JWTPayload;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

/** Most tokens a verifier remembers; a client keeps one token for its lifetime (about an hour). */
const MAX_CACHED_TOKENS = 10_000;

/**
 * Tokens verified already, until they expire. A token's signature, issuer, audience and claims never
 * change, so verifying it again on every request (an RSA signature check and the claim checks, the
 * largest part of a single call's own work) only repeats the same answer. What can change — whether
 * the user is disabled, their roles — is not in the token: Sales and the ERP read it from their own
 * tables on every request. An entry is used only while its `exp` is ahead (less the clock
 * tolerance the verification itself allows), so an expired token is verified again and refused with
 * the usual message. Insertion order is eviction order (a Map), oldest first.
 */
class VerifiedTokenCache {
  private readonly entries = new Map<string, { token: VerifiedToken; validUntilMs: number }>();

  get(token: string): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (Date.now() >= entry.validUntilMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.token;
  }

  set(token: string, verified: VerifiedToken): void {
    const exp = verified.claims.exp;
    if (typeof exp !== 'number') return;
    if (this.entries.size >= MAX_CACHED_TOKENS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { token: verified, validUntilMs: exp * 1000 });
  }
}

interface Discovery {
  issuer: string;
  jwks_uri: string;
}

function unauthorized(message: string): AppError {
  return new AppError('Unauthorized', message, {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

/**
 * Verifies bearer tokens the way a separate resource server would: it learns the issuer and the
 * JWKS address from the authority's OpenID configuration, fetches and caches the public keys (a new
 * `kid` triggers a refetch), and checks signature, issuer, expiry and audience. Sales and the ERP
 * use this rather than the directory's internals, so either could run elsewhere unchanged.
 */
export function createTokenVerifier(options: {
  /** Base URL of the directory (`/.well-known/openid-configuration` is under it). */
  authority: () => string;
  /** Audiences this resource accepts (e.g. its own base URL and 'tandem'). */
  audiences: () => string[];
}): TokenVerifier {
  let discovery: Promise<{ issuer: string; keys: ReturnType<typeof createRemoteJWKSet> }> | undefined;

  const discover = () => {
    discovery ??= (async () => {
      const url = `${options.authority().replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`OpenID configuration at ${url} answered ${response.status}`);
      const doc = (await response.json()) as Discovery;
      return {
        issuer: doc.issuer,
        keys: createRemoteJWKSet(new URL(doc.jwks_uri), { cooldownDuration: 30_000, cacheMaxAge: 600_000 }),
      };
    })();
    discovery.catch(() => (discovery = undefined));
    return discovery;
  };

  const verified = new VerifiedTokenCache();

  const verify = async (token: string): Promise<VerifiedToken> => {
    let issuer: string;
    let keys: ReturnType<typeof createRemoteJWKSet>;
    try {
      ({ issuer, keys } = await discover());
    } catch {
      throw new AppError(
        'ServiceUnavailable',
        'The token issuer (directory) could not be reached to verify the bearer token. Try again shortly.',
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        audience: options.audiences(),
        algorithms: ['RS256'],
        clockTolerance: 30,
        requiredClaims: ['sub', 'exp', 'oid', 'idtyp'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw unauthorized('The bearer token has expired. Get a new one from the token endpoint.');
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw unauthorized(
          `The bearer token is for another resource. Request it with scope "${options.audiences()[0]}/.default".`,
        );
      }
      if (
        error instanceof joseErrors.JWKSNoMatchingKey ||
        error instanceof joseErrors.JWSSignatureVerificationFailed
      ) {
        throw unauthorized(
          'The bearer token was not signed by this tenant. Get a new one from the token endpoint.',
        );
      }
      throw unauthorized('The bearer token is not valid. Get a new one from the token endpoint.');
    }
    const aud = Array.isArray(payload.aud) ? payload.aud[0]! : payload.aud!;
    return {
      objectId: String(payload.oid),
      kind: payload.idtyp === 'app' ? 'application' : 'user',
      tenantId: String(payload.tid ?? ''),
      audience: aud,
      ...(typeof payload.upn === 'string' ? { userPrincipalName: payload.upn } : {}),
      ...(typeof payload.appid === 'string' ? { appId: payload.appid } : {}),
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
      claims: payload,
    };
  };

  return async (token: string) => {
    const hit = verified.get(token);
    if (hit) return hit;
    const result = await verify(token);
    verified.set(token, result);
    return result;
  };
}

/** The bearer token of a request, or undefined when there is none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization || !/^bearer\s/i.test(authorization)) return undefined;
  const token = authorization.slice(authorization.indexOf(' ') + 1).trim();
  return token || undefined;
}
