import type { FastifyRequest } from 'fastify';
import type { Config } from '../../platform/config.js';
import { AppError } from '../../platform/http/app-error.js';
import { bearerToken, createTokenVerifier, type TokenVerifier } from '../../platform/http/token-verifier.js';
import type { SalesContext } from '../context.js';
import { resolveCaller, type SalesCaller } from './caller.js';

/**
 * Sales verifies bearer tokens as a separate resource server would (JWKS from the directory's
 * OpenID configuration). It accepts tokens for its own URL (scope `<url>/.default`, as Dataverse
 * clients ask) and for Tandem's default audience.
 */
export function createSalesTokenVerifier(config: Config): TokenVerifier {
  return createTokenVerifier({
    authority: () => config.publicUrl,
    audiences: () => {
      const base = config.publicUrl.replace(/\/+$/, '');
      return [base, `${base}/`, 'tandem'];
    },
  });
}

/** The Sales caller of a request with `Authorization: Bearer …`; no token is a 401. */
export async function callerOfRequest(ctx: SalesContext, request: FastifyRequest): Promise<SalesCaller> {
  const token = bearerToken(request.headers.authorization);
  if (!token) {
    throw new AppError(
      'Unauthorized',
      `Send a bearer token: get one from /oauth2/v2.0/token with scope "${ctx.config.publicUrl}/.default".`,
      { headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  return resolveCaller(ctx, await ctx.verifyToken(token));
}
