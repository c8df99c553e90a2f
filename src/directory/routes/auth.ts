import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/http/app-error.js';
import { normaliseError } from '../../platform/http/normalise-error.js';
import { requirePrincipal } from '../../platform/http/principal.js';
import { authenticateClient, getApplication } from '../applications.js';
import { ROLE_LABEL } from '../authorisation.js';
import type { DirectoryContext } from '../context.js';
import { DIRECTORY_ROLES } from '../schema.js';
import { createSession, deleteSession, hashSessionId, SESSION_COOKIE } from '../sessions.js';
import { changePassword, getSignedInUser, verifyCredentials, type UserRow } from '../sign-in.js';
import { throttleFor } from '../sign-in-throttle.js';
import { keyRing } from '../signing-keys.js';
import { audienceForScope, issueAccessToken, issuerOf, tenantIdOf } from '../tokens.js';

/** An RFC 6749 §5.2 error, answered as JSON by the token endpoint. */
class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

type Grant = 'password' | 'client_credentials' | undefined;

/** Maps what the domain throws onto the OAuth wire: the description is the domain's clear message. */
function toOAuthError(error: unknown, grant: Grant): OAuthError {
  if (error instanceof OAuthError) return error;
  const appError = normaliseError(error);
  switch (appError.code) {
    case 'TooManyRequests':
      return new OAuthError('temporarily_unavailable', appError.message, 429, appError.headers ?? {});
    case 'InvalidCredentials':
      return grant === 'client_credentials'
        ? new OAuthError('invalid_client', appError.message, 401, {
            'www-authenticate': 'Basic realm="tandem", charset="UTF-8"',
          })
        : new OAuthError('invalid_grant', appError.message);
    case 'SignInBlocked':
    case 'PasswordChangeRequired':
      return new OAuthError('invalid_grant', appError.message);
    case 'Forbidden':
      return new OAuthError('unauthorized_client', appError.message);
    case 'BadRequest':
    case 'ValidationFailed':
    case 'UnsupportedMediaType':
    case 'PayloadTooLarge':
      return new OAuthError('invalid_request', appError.message);
    case 'Unauthorized':
      return new OAuthError('invalid_request', appError.message, 401, appError.headers ?? {});
    default:
      return new OAuthError(
        'server_error',
        'The token endpoint failed unexpectedly. The trace_id identifies the failure in the server log.',
        500,
      );
  }
}

function sendOAuthError(error: unknown, grant: Grant, request: FastifyRequest, reply: FastifyReply) {
  const oauth = toOAuthError(error, grant);
  if (oauth.status >= 500) request.log.error({ err: error }, 'token endpoint failed');
  else request.log.info({ error: oauth.error, status: oauth.status }, 'token request refused');
  return reply
    .status(oauth.status)
    .headers({ ...oauth.headers, 'cache-control': 'no-store', pragma: 'no-cache' })
    .type('application/json')
    .send({ error: oauth.error, error_description: oauth.description, trace_id: request.id });
}

function field(form: Record<string, unknown>, name: string, required: true): string;
function field(form: Record<string, unknown>, name: string, required?: false): string | undefined;
function field(form: Record<string, unknown>, name: string, required = false): string | undefined {
  const value = form[name];
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw new OAuthError(
      'invalid_request',
      `The ${name} parameter contains a NUL character (U+0000), which it cannot hold. Remove it and try again.`,
    );
  }
  if (typeof value === 'string' && value !== '') return value;
  if (required) throw new OAuthError('invalid_request', `The request has no ${name} parameter.`);
  return undefined;
}

/** Client credentials from client_secret_basic (Authorization: Basic) or client_secret_post. */
function clientCredentials(request: FastifyRequest, form: Record<string, unknown>) {
  const header = request.headers.authorization;
  if (header && /^basic\s/i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_request', 'The Basic Authorization header is malformed.');
    // RFC 6749 §2.3.1: both parts are form-encoded inside the header.
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    try {
      return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
    } catch {
      throw new OAuthError('invalid_request', 'The Basic Authorization header is malformed.');
    }
  }
  const clientId = field(form, 'client_id');
  const clientSecret = field(form, 'client_secret');
  if (!clientId) throw new OAuthError('invalid_request', 'The request has no client_id parameter.');
  if (!clientSecret) {
    throw new OAuthError(
      'invalid_client',
      'The request has no client_secret. Send the application secret as client_secret (or with HTTP Basic).',
      401,
    );
  }
  return { clientId, clientSecret };
}

/**
 * The console endpoints take JSON only. A cross-site HTML form can post form-encoded bodies (and
 * SameSite cookies do not stop a form from signing a victim in to the attacker's account), but it
 * cannot send application/json without a CORS preflight, which Tandem does not grant.
 */
function requireJson(request: FastifyRequest): void {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/json')) {
    throw new AppError('UnsupportedMediaType', 'Send this request as application/json.');
  }
}

/** The signed-in user as the console sees them. */
export function userView(user: UserRow) {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    directoryRole: user.directoryRole,
    roleLabel: ROLE_LABEL[user.directoryRole],
  };
}

export const UserView = z.object({
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string(),
  directoryRole: z.enum(DIRECTORY_ROLES),
  roleLabel: z.string(),
});

const TokenResponse = z.object({
  token_type: z.literal('Bearer'),
  expires_in: z.number(),
  ext_expires_in: z.number(),
  access_token: z.string(),
  scope: z.string(),
});

/**
 * Sign-in and tokens: the OAuth 2.0 token endpoint (password and client_credentials grants),
 * OpenID discovery and the JWKS, console sessions (sign-in, sign-out, me, change password) and the
 * console's session-to-token exchange.
 */
export async function registerAuthRoutes(root: FastifyInstance, ctx: DirectoryContext): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const throttle = throttleFor(ctx);
  const secureCookie = ctx.config.publicUrl.startsWith('https:');

  // ---- OAuth 2.0 token endpoint, in its own scope so every error is answered the OAuth way. ----
  await app.register(async (oauth) => {
    oauth.setErrorHandler((error, request, reply) => sendOAuthError(error, undefined, request, reply));

    const tokenHandler = async (
      request: FastifyRequest<{ Params: { tenant?: string } }>,
      reply: FastifyReply,
    ) => {
      let grant: Grant;
      try {
        if (request.params.tenant !== undefined && request.params.tenant !== (await tenantIdOf(ctx))) {
          throw new OAuthError(
            'invalid_request',
            `There is no tenant "${request.params.tenant}" here. Use /oauth2/v2.0/token or /${await tenantIdOf(ctx)}/oauth2/v2.0/token.`,
            404,
          );
        }
        const contentType = String(request.headers['content-type'] ?? '');
        if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
          throw new OAuthError(
            'invalid_request',
            'Send the token request as application/x-www-form-urlencoded (RFC 6749), e.g. grant_type=password&username=…&password=….',
          );
        }
        const form = (request.body ?? {}) as Record<string, unknown>;
        const grantType = field(form, 'grant_type', true);
        const scope = field(form, 'scope');
        const audience = audienceForScope(scope);
        let issued: { accessToken: string; expiresIn: number };
        if (grantType === 'password') {
          grant = 'password';
          const userName = field(form, 'username', true);
          const password = field(form, 'password', true);
          const user = await verifyCredentials(
            ctx,
            throttle,
            { userName, password, ip: request.ip },
            'token',
          );
          issued = await issueAccessToken(
            ctx,
            {
              kind: 'user',
              id: user.id,
              userPrincipalName: user.userPrincipalName,
              displayName: user.displayName,
              directoryRole: user.directoryRole,
            },
            audience,
          );
        } else if (grantType === 'client_credentials') {
          grant = 'client_credentials';
          const client = clientCredentials(request, form);
          const application = await authenticateClient(ctx, throttle, { ...client, ip: request.ip });
          issued = await issueAccessToken(
            ctx,
            {
              kind: 'application',
              id: application.id,
              appId: application.appId,
              displayName: application.displayName,
            },
            audience,
          );
        } else {
          throw new OAuthError(
            'unsupported_grant_type',
            `The grant_type "${grantType}" is not supported. Use password or client_credentials.`,
          );
        }
        return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send({
          token_type: 'Bearer' as const,
          expires_in: issued.expiresIn,
          ext_expires_in: issued.expiresIn,
          access_token: issued.accessToken,
          scope: `${audience}/.default`,
        });
      } catch (error) {
        return sendOAuthError(error, grant, request, reply);
      }
    };

    const tokenSchema = {
      summary: 'OAuth 2.0 token endpoint (password and client_credentials grants)',
      description:
        'application/x-www-form-urlencoded. grant_type=password with username, password and optional scope; ' +
        'grant_type=client_credentials with client_id (the application appId) and client_secret (in the body or HTTP Basic). ' +
        'Errors follow RFC 6749 §5.2.',
      tags: ['sign-in'],
      consumes: ['application/x-www-form-urlencoded'],
      response: { 200: TokenResponse },
    };
    const config = { acceptsForm: true };
    oauth.post('/oauth2/v2.0/token', { schema: tokenSchema, config }, tokenHandler);
    oauth.post(
      '/:tenant/oauth2/v2.0/token',
      { schema: { ...tokenSchema, hide: true }, config },
      tokenHandler,
    );
  });

  // ---- Discovery: where the token endpoint and the public keys are. ----
  const openidConfiguration = async () => {
    const base = ctx.config.publicUrl;
    const tenantId = await tenantIdOf(ctx);
    return {
      issuer: await issuerOf(ctx),
      token_endpoint: `${base}/${tenantId}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      grant_types_supported: ['password', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      claims_supported: [
        'iss',
        'aud',
        'sub',
        'oid',
        'tid',
        'upn',
        'name',
        'appid',
        'roles',
        'idtyp',
        'iat',
        'exp',
      ],
      tenant_id: tenantId,
    };
  };
  const discoverySchema = { summary: 'OpenID Connect discovery document', tags: ['sign-in'] };
  app.get('/.well-known/openid-configuration', { schema: discoverySchema }, openidConfiguration);
  for (const path of [
    '/:tenant/.well-known/openid-configuration',
    '/:tenant/v2.0/.well-known/openid-configuration',
  ]) {
    app.get(
      path,
      { schema: { ...discoverySchema, hide: true, params: z.object({ tenant: z.string() }) } },
      async (request) => {
        if (request.params.tenant !== (await tenantIdOf(ctx))) {
          throw new AppError('NotFound', `There is no tenant "${request.params.tenant}" here.`);
        }
        return openidConfiguration();
      },
    );
  }

  const jwks = async (_request: FastifyRequest, reply: FastifyReply) => {
    const ring = await keyRing(ctx);
    return reply.header('cache-control', 'public, max-age=300').send(ring.jwks);
  };
  app.get(
    '/discovery/v2.0/keys',
    { schema: { summary: 'JSON Web Key Set (public keys only)', tags: ['sign-in'] } },
    jwks,
  );
  app.get('/:tenant/discovery/v2.0/keys', { schema: { hide: true } }, jwks);

  // ---- Console sessions. ----
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: secureCookie,
  };

  app.post(
    '/auth/sign-in',
    {
      schema: {
        summary: 'Sign in to the console (sets the tandem_session cookie)',
        tags: ['sign-in'],
        body: z.object({ userName: z.string().min(1).max(256), password: z.string().min(1).max(1024) }),
        response: { 200: UserView },
      },
    },
    async (request, reply) => {
      requireJson(request);
      const user = await verifyCredentials(
        ctx,
        throttle,
        { userName: request.body.userName, password: request.body.password, ip: request.ip },
        'console',
      );
      const session = await createSession(ctx, user.id);
      reply.setCookie(SESSION_COOKIE, session.id, { ...cookieOptions, maxAge: ctx.config.sessionTtlSeconds });
      reply.header('cache-control', 'no-store');
      return userView(user);
    },
  );

  app.post(
    '/auth/change-password',
    {
      schema: {
        summary: 'Change a password knowing the current (possibly temporary) one; no session needed',
        tags: ['sign-in'],
        body: z.object({
          userName: z.string().min(1).max(256),
          currentPassword: z.string().min(1).max(1024),
          newPassword: z.string().min(1).max(1024),
        }),
        response: {
          200: z.object({ userPrincipalName: z.string(), passwordChangedAt: z.string() }),
        },
      },
    },
    async (request) => {
      requireJson(request);
      const sessionId = request.cookies[SESSION_COOKIE];
      const { user } = await changePassword(ctx, throttle, {
        userName: request.body.userName,
        password: request.body.currentPassword,
        newPassword: request.body.newPassword,
        ip: request.ip,
        // Keep the caller's own session when it belongs to this user; end all the others.
        ...(sessionId &&
        request.principal?.via === 'session' &&
        request.principal.name === request.body.userName.trim().toLowerCase()
          ? { keepSessionHash: hashSessionId(sessionId) }
          : {}),
      });
      return {
        userPrincipalName: user.userPrincipalName,
        passwordChangedAt: (user.passwordChangedAt ?? new Date()).toISOString(),
      };
    },
  );

  app.post(
    '/auth/sign-out',
    { schema: { summary: 'Sign out of the console (ends the session)', tags: ['sign-in'] } },
    async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) await deleteSession(ctx, sessionId);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        summary: 'The signed-in user (or application)',
        tags: ['sign-in'],
        response: {
          200: z.object({
            id: z.string(),
            kind: z.enum(['user', 'application']),
            userPrincipalName: z.string().nullable(),
            displayName: z.string(),
            directoryRole: z.enum(DIRECTORY_ROLES).nullable(),
            roleLabel: z.string(),
            via: z.enum(['session', 'bearer']),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      reply.header('cache-control', 'no-store');
      if (principal.kind === 'application') {
        const application = await getApplication(ctx, principal.id);
        return {
          id: application.id,
          kind: 'application' as const,
          userPrincipalName: null,
          displayName: application.displayName,
          directoryRole: null,
          roleLabel: 'Application',
          via: principal.via,
        };
      }
      const user = await getSignedInUser(ctx, principal.id);
      return { ...userView(user), kind: 'user' as const, via: principal.via };
    },
  );
}
