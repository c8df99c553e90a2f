import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/app-error.js';
import { bearerToken } from '../platform/http/token-verifier.js';
import type { BridgeActor, BridgeContext } from './context.js';

/** What the directory says about the caller now (`GET /directory/me`). */
interface DirectoryMe {
  id: string;
  userPrincipalName: string;
  directoryRole: string;
  signInAllowed: boolean;
}

/**
 * Asks the directory who the token's user is now: the token's `roles` claim was true when it was
 * issued (up to its lifetime ago), but a Global administrator demoted, blocked or deleted since then
 * must lose the connection at once, as it loses the directory. The directory re-reads the user on
 * every request and refuses tokens of blocked or deleted users with a 401 saying so.
 */
async function directoryUserNow(ctx: BridgeContext, token: string): Promise<DirectoryMe> {
  const url = `${ctx.config.publicUrl.replace(/\/+$/, '')}/directory/me`;
  let response: Response;
  try {
    response = await (ctx.fetch ?? fetch)(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
  } catch {
    throw new AppError(
      'ServiceUnavailable',
      'The directory could not be reached to check your directory role. Try again shortly.',
    );
  }
  const body = (await response.json().catch(() => ({}))) as Partial<DirectoryMe> & { detail?: unknown };
  if (response.status === 401) {
    throw new AppError(
      'Unauthorized',
      typeof body.detail === 'string'
        ? body.detail
        : 'The directory no longer accepts this bearer token. Get a new one from /oauth2/v2.0/token.',
      { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
    );
  }
  if (!response.ok || typeof body.directoryRole !== 'string' || typeof body.userPrincipalName !== 'string') {
    throw new AppError(
      'ServiceUnavailable',
      `The directory answered ${response.status} when asked for your directory role. Try again shortly.`,
    );
  }
  return body as DirectoryMe;
}

/**
 * Only a directory Global administrator may set up or operate the connection: it decides which
 * identity writes to both apps. The bridge is its own resource server (JWKS-verified bearer tokens),
 * like Sales and the ERP, and decides on the user as the directory has it now, not on the token's
 * `roles` claim.
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
  const notAdministrator = (who: string) =>
    new AppError(
      'Forbidden',
      `${who} is not a Global administrator. Setting up and operating the ERP ↔ Sales connection needs that directory role; ask a Global administrator.`,
    );
  if (verified.kind !== 'user') throw notAdministrator(name);
  const user = await directoryUserNow(ctx, token);
  if (user.id !== verified.objectId) {
    throw new AppError(
      'Unauthorized',
      'The directory does not know the user of this bearer token. Get a new one from /oauth2/v2.0/token.',
      { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
    );
  }
  if (user.directoryRole !== 'global_administrator') throw notAdministrator(user.userPrincipalName);
  return { id: user.id, name: user.userPrincipalName, token };
}
