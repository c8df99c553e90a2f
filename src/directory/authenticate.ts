import { eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/app-error.js';
import type { Authenticator, Principal } from '../platform/http/principal.js';
import type { DirectoryContext } from './context.js';
import { applications, users } from './schema.js';
import { findSessionUser, SESSION_COOKIE } from './sessions.js';
import { DEFAULT_AUDIENCE, verifyAccessToken } from './tokens.js';

function revoked(message: string): AppError {
  return new AppError('Unauthorized', message, {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

/**
 * The audiences the directory answers to: its own URL (scope `<url>/.default`, as Entra clients
 * ask) and Tandem's default audience (a token asked for without a resource scope). A token asked for
 * another resource is that resource's to use, never the directory's.
 */
export function directoryAudiences(ctx: DirectoryContext): string[] {
  const base = ctx.config.publicUrl.replace(/\/+$/, '');
  return [base, `${base}/`, DEFAULT_AUDIENCE];
}

function requireDirectoryAudience(ctx: DirectoryContext, aud: unknown): void {
  const audiences = Array.isArray(aud) ? aud : [aud];
  const accepted = directoryAudiences(ctx);
  if (audiences.some((a) => typeof a === 'string' && accepted.includes(a))) return;
  throw revoked(
    `The bearer token was issued for ${audiences.map(String).join(', ')}, not for this directory. Request a token with scope "${accepted[0]}/.default" (or no resource scope) from /oauth2/v2.0/token.`,
  );
}

/**
 * The principal behind a verified token. The subject is looked up on every request (a primary-key
 * read) so that blocking or deleting a user, or disabling an application, takes effect at once
 * rather than when its tokens expire; the role comes from the row too, so a demotion applies now.
 */
async function principalFromToken(ctx: DirectoryContext, token: string): Promise<Principal> {
  const claims = await verifyAccessToken(ctx, token);
  requireDirectoryAudience(ctx, claims.aud);
  if (claims.idtyp === 'app') {
    const [app] = await ctx.db
      .select({ id: applications.id, displayName: applications.displayName, enabled: applications.enabled })
      .from(applications)
      .where(eq(applications.id, claims.sub));
    if (!app) throw revoked('The application of this bearer token has been deleted.');
    if (!app.enabled) {
      throw revoked(
        `The application "${app.displayName}" is disabled; its tokens no longer work. A Global administrator can enable it again.`,
      );
    }
    return { id: app.id, kind: 'application', name: app.displayName, roles: [], via: 'bearer' };
  }
  const [user] = await ctx.db
    .select({
      id: users.id,
      userPrincipalName: users.userPrincipalName,
      directoryRole: users.directoryRole,
      signInAllowed: users.signInAllowed,
    })
    .from(users)
    .where(eq(users.id, claims.sub));
  if (!user) throw revoked('The user of this bearer token has been deleted.');
  if (!user.signInAllowed) {
    throw revoked(
      `Sign-in is blocked for ${user.userPrincipalName}; its tokens no longer work. A User administrator can unblock it.`,
    );
  }
  return {
    id: user.id,
    kind: 'user',
    name: user.userPrincipalName,
    roles: [user.directoryRole],
    via: 'bearer',
  };
}

/**
 * Resolves the caller: `Authorization: Bearer <jwt>` (an invalid, expired or revoked token is a
 * 401, never silently anonymous), else the console's session cookie (unknown or expired is just
 * anonymous, so a stale cookie does not break public pages). Other schemes (Basic, used by OAuth
 * clients at the token endpoint) are left to the route that understands them.
 */
export function createAuthenticator(ctx: DirectoryContext): Authenticator {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header && /^bearer\s/i.test(header)) {
      const token = header.slice(header.indexOf(' ') + 1).trim();
      if (!token) throw revoked('The Authorization header has no token after "Bearer".');
      return principalFromToken(ctx, token);
    }
    const sessionId = request.cookies?.[SESSION_COOKIE];
    if (sessionId) {
      const user = await findSessionUser(ctx, sessionId);
      if (user) {
        return {
          id: user.id,
          kind: 'user',
          name: user.userPrincipalName,
          roles: [user.directoryRole],
          via: 'session',
        };
      }
    }
    return null;
  };
}
