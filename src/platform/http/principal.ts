import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './app-error.js';

/**
 * Who is calling: established once per request by the authenticator the composition root installs
 * (the directory's sessions and tokens), then read by every route. Apps decide what it may do.
 */
export interface Principal {
  /** Directory object id of the user or application. */
  id: string;
  kind: 'user' | 'application';
  /** UPN for users, display name for applications: safe to show and log. */
  name: string;
  /** Directory roles (users) or app roles; apps map these to their own rights. */
  roles: readonly string[];
  via: 'session' | 'bearer';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

/** Resolves the caller on every request; a bad token is an error, no credentials is just anonymous. */
export function installAuthentication(app: FastifyInstance, authenticate: Authenticator): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    request.principal = await authenticate(request);
  });
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) {
    throw new AppError(
      'Unauthorized',
      'Sign in first: send a bearer token from /oauth2/v2.0/token or the session cookie from /auth/sign-in.',
      { headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  return request.principal;
}
