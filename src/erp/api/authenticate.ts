import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../platform/db/database.js';
import { bearerToken, type TokenVerifier } from '../../platform/http/token-verifier.js';
import type { Caller } from '../context.js';
import { erpError } from '../errors.js';
import { resolveCaller } from '../users.js';

/**
 * Who is calling the ERP: the bearer token is verified as a separate resource server would (the
 * directory's JWKS), then mapped to an enabled ERP user by directory object id (people) or appId
 * (applications). Resolved once per request and kept for the batch's inner requests.
 */
export function createErpAuthenticator(q: Queryable, verify: TokenVerifier) {
  const cache = new WeakMap<FastifyRequest, Promise<Caller>>();
  const resolve = async (request: FastifyRequest): Promise<Caller> => {
    const token = bearerToken(request.headers.authorization);
    if (!token)
      throw erpError(
        'Unauthorized',
        'Authentication_InvalidCredentials',
        'The server has rejected the client credentials: send an OAuth bearer token (Authorization: Bearer …) from the directory token endpoint /oauth2/v2.0/token.',
        { headers: { 'www-authenticate': 'Bearer' } },
      );
    const verified = await verify(token);
    return resolveCaller(q, {
      objectId: verified.objectId,
      kind: verified.kind,
      ...(verified.appId ? { appId: verified.appId } : {}),
      ...(verified.name ? { name: verified.name } : {}),
      ...(verified.userPrincipalName ? { userPrincipalName: verified.userPrincipalName } : {}),
    });
  };
  return (request: FastifyRequest): Promise<Caller> => {
    let caller = cache.get(request);
    if (!caller) {
      caller = resolve(request);
      cache.set(request, caller);
    }
    return caller;
  };
}
