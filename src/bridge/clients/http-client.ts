/**
 * The fetch wrapper both bridge clients share: a base URL, a bearer token from a token source, JSON in
 * and out, retries with exponential backoff and jitter on 429/503 and network errors (honouring
 * `Retry-After`, capped), one retry on 401 after a forced token refresh, a per-request timeout, and
 * errors as `RemoteApiError` carrying the remote code and message. No credential ever appears in an
 * error message.
 */
import type { TokenSource } from './token-source.js';

export interface HttpClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:3000/api/data/v9.2`. */
  baseUrl: string;
  tokens: TokenSource;
  /** A name for messages, e.g. `Sales` or `ERP`. */
  service: string;
  /** Headers sent on every request (e.g. OData versions). */
  defaultHeaders?: Record<string, string>;
  /** Retries after the first attempt for 429/503/network errors (default 4). */
  maxRetries?: number;
  /** First backoff delay in ms (default 500); doubles each retry, with full jitter. */
  baseDelayMs?: number;
  /** No wait (backoff or Retry-After) is longer than this (default 30,000 ms). */
  maxDelayMs?: number;
  /** Per-attempt timeout in ms (default 60,000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface RequestOptions {
  /** Query parameters appended to the path. */
  query?: Record<string, string | number | undefined>;
  /** A JSON body (serialised here). */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether repeating the request is harmless. Default: every method but POST. A POST is retried after
   * a network error only when the connection was never made (its effect cannot have happened).
   */
  idempotent?: boolean;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** A remote API answered with an error (or could not be reached). */
export class RemoteApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when no answer came (network error, timeout). */
    readonly status: number,
    /** The remote error code (Dataverse `0x…`, BC `Request_EntityChanged`, OAuth `invalid_grant`), if any. */
    readonly code: string | undefined,
    /** The remote error message, if any. */
    readonly remoteMessage: string | undefined,
    readonly method: string,
    /** The path (and query) of the request, relative to the server. */
    readonly path: string,
    readonly service: string,
    /** How long the server asked to wait (`Retry-After` of a 429/503), in ms, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RemoteApiError';
  }
}

const RETRYABLE_STATUSES = new Set([429, 503]);
/** Network errors that mean the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The wait a `Retry-After` header asks for, in ms: delta-seconds or an HTTP-date; undefined when absent
 * or unreadable. Never negative.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Reads `{"error":{"code","message"}}` (Dataverse and BC), or OAuth's `{"error","error_description"}`. */
export function parseRemoteError(text: string): { code?: string; message?: string } {
  if (!text) return {};
  try {
    const body = JSON.parse(text) as {
      error?: { code?: unknown; message?: unknown } | string;
      error_description?: unknown;
      title?: unknown;
      detail?: unknown;
      code?: unknown;
    };
    if (body.error && typeof body.error === 'object') {
      return {
        code: typeof body.error.code === 'string' ? body.error.code : undefined,
        message: typeof body.error.message === 'string' ? body.error.message : undefined,
      };
    }
    if (typeof body.error === 'string') {
      return {
        code: body.error,
        message: typeof body.error_description === 'string' ? body.error_description : undefined,
      };
    }
    if (typeof body.detail === 'string' || typeof body.title === 'string') {
      return {
        code: typeof body.code === 'string' ? body.code : undefined,
        message: String(body.detail ?? body.title),
      };
    }
  } catch {
    // not JSON
  }
  return { message: text.slice(0, 300) };
}

export class HttpClient {
  readonly baseUrl: string;
  readonly service: string;
  private readonly origin: string;
  private readonly options: HttpClientOptions;
  private readonly doFetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.service = options.service;
    this.doFetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The absolute URL of a path relative to the base URL (or an absolute URL on the same origin). */
  url(pathOrUrl: string, query?: RequestOptions['query']): string {
    let url: URL;
    if (/^https?:\/\//i.test(pathOrUrl)) {
      url = new URL(pathOrUrl);
      // Never send the token to another server (a link in a response could point anywhere).
      if (url.origin !== this.origin) {
        throw new RemoteApiError(
          `${this.service} returned a link to ${url.origin}, which is not ${this.origin}; the bridge does not follow it.`,
          0,
          undefined,
          undefined,
          'GET',
          url.pathname,
          this.service,
        );
      }
    } else {
      url = new URL(`${this.baseUrl}/${pathOrUrl.replace(/^\/+/, '')}`);
    }
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async request<T = unknown>(
    method: string,
    pathOrUrl: string,
    options: RequestOptions = {},
  ): Promise<HttpResponse<T>> {
    const url = this.url(pathOrUrl, options.query);
    const parsedUrl = new URL(url);
    const where = decodeURIComponent(parsedUrl.pathname) + parsedUrl.search;
    const maxRetries = this.options.maxRetries ?? 4;
    const baseDelay = this.options.baseDelayMs ?? 500;
    const maxDelay = this.options.maxDelayMs ?? 30_000;
    const random = this.options.random ?? Math.random;
    const now = this.options.now ?? Date.now;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let refreshed = false;
    let forceRefresh = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.options.tokens.getToken({ forceRefresh });
      forceRefresh = false;
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(this.options.defaultHeaders ?? {}),
        ...(options.headers ?? {}),
        authorization: `Bearer ${token}`,
      };
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 60_000);
      let response: Response;
      let text: string;
      try {
        response = await this.doFetch(url, { method, headers, body, signal: controller.signal });
        text = await response.text();
      } catch (error) {
        const timedOut = controller.signal.aborted;
        const reason = timedOut ? 'the request timed out' : networkReason(error);
        const safe = (options.idempotent ?? method.toUpperCase() !== 'POST') || (!timedOut && notSent(error));
        if (!safe) {
          throw new RemoteApiError(
            `${method} ${where} on ${this.service} failed: ${reason}. It was not retried because it may have been applied; check before repeating it.`,
            0,
            undefined,
            undefined,
            method,
            where,
            this.service,
          );
        }
        if (attempt < maxRetries) {
          await this.sleep(backoffDelay(attempt, baseDelay, maxDelay, random));
          continue;
        }
        throw new RemoteApiError(
          `${method} ${where} on ${this.service} failed after ${attempt + 1} attempts: ${reason}.`,
          0,
          undefined,
          undefined,
          method,
          where,
          this.service,
        );
      } finally {
        clearTimeout(timer);
      }
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        forceRefresh = true;
        attempt--; // a token refresh is not a retry of the backoff budget
        continue;
      }
      if (RETRYABLE_STATUSES.has(response.status) && attempt < maxRetries) {
        const asked = parseRetryAfter(response.headers.get('retry-after'), now());
        const wait =
          asked !== undefined
            ? Math.min(asked, maxDelay)
            : backoffDelay(attempt, baseDelay, maxDelay, random);
        await this.sleep(wait);
        continue;
      }
      if (!response.ok && response.status !== 304) {
        const remote = parseRemoteError(text);
        throw new RemoteApiError(
          `${method} ${where} on ${this.service} failed with ${response.status}${remote.code ? ` ${remote.code}` : ''}${remote.message ? `: ${remote.message}` : ''}`,
          response.status,
          remote.code,
          remote.message,
          method,
          where,
          this.service,
          RETRYABLE_STATUSES.has(response.status)
            ? parseRetryAfter(response.headers.get('retry-after'), now())
            : undefined,
        );
      }
      let parsed: unknown = undefined;
      if (text) {
        const type = response.headers.get('content-type') ?? '';
        parsed = type.includes('json') ? JSON.parse(text) : text;
      }
      return { status: response.status, headers: response.headers, body: parsed as T };
    }
  }
}

function notSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' && NOT_SENT_CODES.has(cause.code);
}

function networkReason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
