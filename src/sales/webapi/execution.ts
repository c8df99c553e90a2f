import type { Database } from '../../platform/db/database.js';
import type { SalesContext } from '../context.js';
import type { SalesCaller } from '../security/caller.js';
import type { ServiceProtection } from './service-protection.js';

/**
 * One Web API request as the handlers see it, whether it came over HTTP or from inside a $batch: the
 * handlers never touch fastify, so a change set can run its requests through them in one
 * transaction.
 */
export interface WebApiRequest {
  method: string;
  /** Path below the service root (no leading slash), e.g. `accounts(…)/name`. */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  /** The raw body text ('' when none). */
  body: string;
}

export interface WebApiResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON value, text, or nothing (204/304). */
  body?: unknown;
  /** `body` is already text of this content type (CSV-like $count, XML $metadata, multipart $batch). */
  rawContentType?: string;
}

export interface ExecutionScope {
  /** The Sales context; inside a change set its `db` is the change set's transaction. */
  ctx: SalesContext;
  caller: SalesCaller;
  /** Absolute service root without a trailing slash: `https://host/api/data/v9.2`. */
  serviceRoot: string;
  limiter: ServiceProtection;
  /** Inside a change set: entity URLs created by earlier requests, by Content-ID. */
  contentIds?: Map<string, string>;
  /** Whether this request runs inside a change set (one transaction). */
  inChangeSet: boolean;
}

/** The context whose queries run in the transaction given (change sets). */
export function contextWithDb(ctx: SalesContext, db: Database): SalesContext {
  return { ...ctx, db };
}
