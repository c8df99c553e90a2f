import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/app-error.js';

/** The header the console sends on requests that act with its session cookie alone. */
export const CONSOLE_REQUEST_HEADER = 'x-tandem-console';

/**
 * Refuses a cookie-authenticated request that may come from another site (CSRF). A page on another
 * site cannot send a custom header without a CORS preflight, which Tandem never grants, so the header
 * proves the request came from a page of this origin; the Origin and Sec-Fetch-Site headers, which
 * browsers set and scripts cannot forge, are checked as well when present.
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
  if (origin === undefined) return;
  const allowed = new Set([new URL(publicUrl).origin]);
  // The origin the browser used to reach us (TANDEM_PUBLIC_URL may name another host name for it).
  if (request.headers.host) allowed.add(`${request.protocol}://${request.headers.host}`);
  if (!allowed.has(origin)) {
    throw new AppError(
      'Forbidden',
      `Refused a request from ${origin}: only pages of ${[...allowed].join(' or ')} may ask for a console token.`,
    );
  }
}
