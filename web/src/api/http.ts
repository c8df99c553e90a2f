import { accessTokens, CONSOLE_HEADER } from './access-tokens';
import { ApiError, errorFromResponse, unreachable } from './api-error';

/**
 * How a request proves who is calling: the directory accepts the console's session cookie; Sales
 * and the ERP accept only bearer tokens, which the console gets for its session (access-tokens.ts).
 */
export type Credentials = 'session' | 'token';

export interface RequestOptions {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  credentials?: Credentials;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  body: T;
  headers: Headers;
  status: number;
}

type SessionLostListener = () => void;
const sessionLostListeners = new Set<SessionLostListener>();

/** Called when the server no longer knows the session (expired, ended elsewhere, user blocked). */
export function onSessionLost(listener: SessionLostListener): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

async function send(path: string, options: RequestOptions, token?: string): Promise<Response> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...CONSOLE_HEADER,
    ...options.headers,
  };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      body: options.json === undefined ? null : JSON.stringify(options.json),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw unreachable();
  }
}

/** One API call; throws ApiError with the server's message when the answer is not 2xx. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const useToken = options.credentials === 'token';
  let response: Response;
  try {
    response = await send(path, options, useToken ? await accessTokens.get() : undefined);
    if (useToken && response.status === 401) {
      // The token may have been revoked or its key rotated: one fresh token, one more try.
      accessTokens.clear();
      response = await send(path, options, await accessTokens.get());
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) sessionLostListeners.forEach((l) => l());
    throw error;
  }
  if (!response.ok) {
    const error = await errorFromResponse(response);
    if (response.status === 401 && !useToken) sessionLostListeners.forEach((l) => l());
    throw error;
  }
  const text = response.status === 204 ? '' : await response.text();
  return {
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
    status: response.status,
  };
}

/** The body only. */
export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await apiRequest<T>(path, options)).body;
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The path and query of an absolute nextLink, so the call stays on this origin. */
export function relativeLink(link: string): string {
  const url = new URL(link, window.location.origin);
  return url.pathname + url.search;
}
