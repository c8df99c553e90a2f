import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/app-error.js';

/** The header the console sends on requests that act with its session cookie alone. */
export const CONSOLE_REQUEST_HEADER = 'x-tandem-console';

/**
 * Refuses a cookie-authenticated request that may come from another origin (CSRF). A page of another
 * origin cannot send a custom header without a CORS preflight, which Tandem never grants, so the
 * header proves the request came from a page of this origin; the Origin (browsers send it on every
 * POST, PUT, PATCH and DELETE, and pages cannot forge it) must name this origin, and Sec-Fetch-Site,
 * when sent, must say same-origin (a sibling port or subdomain is the same *site*, not origin).
 */
export function requireConsoleRequest(request: FastifyRequest, publicUrl: string): void {
  if (request.headers[CONSOLE_REQUEST_HEADER] !== '1') {
    throw new AppError(
      'Forbidden',
      `This endpoint serves the Tandem console only: send the header "${CONSOLE_REQUEST_HEADER}: 1" from a console page. Scripts get tokens from /oauth2/v2.0/token.`,
    );
  }
  const fetchSite = request.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && fetchSite !== 'same-origin') {
    throw new AppError('Forbidden', `Refused a ${fetchSite} request: only the console's own pages may ask.`);
  }
  const origin = request.headers.origin;
  if (origin === undefined) {
    throw new AppError(
      'Forbidden',
      "Refused a request without an Origin header: the console's pages send one. Scripts use a bearer token from /oauth2/v2.0/token instead of the session cookie.",
    );
  }
  const allowed = new Set([new URL(publicUrl).origin]);
  // The origin the browser used to reach us (TANDEM_PUBLIC_URL may name another host name for it).
  if (request.headers.host) allowed.add(`${request.protocol}://${request.headers.host}`);
  if (!allowed.has(origin)) {
    throw new AppError(
      'Forbidden',
      `Refused a request from ${origin}: only pages of ${[...allowed].join(' or ')} may act with the console's session.`,
    );
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF guard for the directory's routes: a state-changing request authenticated by the session
 * cookie alone must come from a console page (the header and a same-origin Origin). Bearer tokens
 * are not sent by browsers on their own, so requests carrying one need no such proof.
 */
export function requireConsoleRequestForSessionWrites(request: FastifyRequest, publicUrl: string): void {
  if (request.principal?.via !== 'session' || SAFE_METHODS.has(request.method)) return;
  requireConsoleRequest(request, publicUrl);
}
