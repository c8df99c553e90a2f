import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/app-error.js';
import { bearerToken } from '../platform/http/token-verifier.js';
import type { BridgeActor, BridgeContext } from './context.js';

/**
 * Only a directory Global administrator may set up or operate the connection: it decides which
 * identity writes to both apps. The bridge is its own resource server (JWKS-verified bearer tokens),
 * like Sales and the ERP.
 */
export async function requireBridgeAdministrator(
  ctx: BridgeContext,
  request: FastifyRequest,
): Promise<BridgeActor> {
  const token = bearerToken(request.headers.authorization);
  if (!token) {
    throw new AppError(
      'Unauthorized',
      'Send a bearer token of a Global administrator: get one from /oauth2/v2.0/token.',
      { headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  const verified = await ctx.verifyToken(token);
  const name = verified.userPrincipalName ?? verified.name ?? verified.appId ?? verified.objectId;
  const roles = Array.isArray(verified.claims.roles) ? (verified.claims.roles as unknown[]) : [];
  if (verified.kind !== 'user' || !roles.includes('global_administrator')) {
    throw new AppError(
      'Forbidden',
      `${name} is not a Global administrator. Setting up and operating the ERP ↔ Sales connection needs that directory role; ask a Global administrator.`,
    );
  }
  return { id: verified.objectId, name };
}
