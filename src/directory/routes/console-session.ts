import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/http/app-error.js';
import { requireConsoleRequest } from '../console-request.js';
import type { DirectoryContext } from '../context.js';
import { findSessionUser, SESSION_COOKIE } from '../sessions.js';
import { getSignedInUser } from '../sign-in.js';
import { DEFAULT_AUDIENCE, issueAccessToken } from '../tokens.js';
import { userView, UserView } from './auth.js';

/**
 * The console's session routes. GET /auth/session tells whether anyone is signed in, answering 200
 * either way (a signed-out console is normal, not an error). POST /auth/token is the console's way
 * to call Sales and the ERP, which accept only bearer tokens: it exchanges its
 * session cookie for a short-lived access token of the signed-in user, the same JWT the token
 * endpoint would issue. Each API still decides what that user may do.
 */
export async function registerConsoleSessionRoutes(
  root: FastifyInstance,
  ctx: DirectoryContext,
): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/auth/session',
    {
      schema: {
        summary: "The console session's user, or null when signed out (always 200)",
        tags: ['sign-in'],
        response: { 200: z.object({ user: UserView.nullable() }) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const sessionId = request.cookies[SESSION_COOKIE];
      const user = sessionId ? await findSessionUser(ctx, sessionId) : null;
      return { user: user ? userView(user) : null };
    },
  );

  app.post(
    '/auth/token',
    {
      schema: {
        summary: 'An access token for the signed-in console user (session cookie, console pages only)',
        description:
          'Needs the tandem_session cookie and the header x-tandem-console: 1; refused when Origin or ' +
          'Sec-Fetch-Site show another site. Answers like the token endpoint, with Cache-Control: no-store.',
        tags: ['sign-in'],
        response: {
          200: z.object({
            token_type: z.literal('Bearer'),
            expires_in: z.number(),
            access_token: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const principal = request.principal;
      if (!principal || principal.via !== 'session' || principal.kind !== 'user') {
        throw new AppError(
          'Unauthorized',
          'Sign in to the console first: this endpoint exchanges the console session for a token. Scripts use /oauth2/v2.0/token.',
        );
      }
      requireConsoleRequest(request, ctx.config.publicUrl);
      // The session lookup already ends blocked users' sessions; read the row again so the token
      // carries the current name and role.
      const user = await getSignedInUser(ctx, principal.id);
      if (!user.signInAllowed) {
        throw new AppError(
          'SignInBlocked',
          `Sign-in is blocked for ${user.userPrincipalName}. A User administrator can allow it again.`,
        );
      }
      const issued = await issueAccessToken(
        ctx,
        {
          kind: 'user',
          id: user.id,
          userPrincipalName: user.userPrincipalName,
          displayName: user.displayName,
          directoryRole: user.directoryRole,
        },
        DEFAULT_AUDIENCE,
      );
      return reply.header('pragma', 'no-cache').send({
        token_type: 'Bearer' as const,
        expires_in: issued.expiresIn,
        access_token: issued.accessToken,
      });
    },
  );
}
