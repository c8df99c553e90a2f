import type { Authenticator } from '../platform/http/principal.js';
import type { DirectoryContext } from './context.js';

/** Resolves the caller from the session cookie or a bearer token (filled in by the sign-in work). */
export function createAuthenticator(_ctx: DirectoryContext): Authenticator {
  return async () => null;
}
