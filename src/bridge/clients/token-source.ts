/**
 * Access tokens from the directory's OAuth 2.0 token endpoint (`POST <directory>/oauth2/v2.0/token`),
 * for a named user (password grant) or an application (client credentials), cached and refreshed
 * shortly before they expire. Secrets never appear in an error message.
 */

export type Identity =
  | { kind: 'user'; userName: string; password: string }
  | { kind: 'application'; clientId: string; clientSecret: string };

export interface TokenSourceOptions {
  /** The directory's base URL, e.g. `http://127.0.0.1:3000` (a tenant path segment may follow). */
  directoryUrl: string;
  identity: Identity;
  /** Optional OAuth scope, e.g. `https://api.businesscentral.dynamics.com/.default`. */
  scope?: string;
  /** Refresh this many seconds before the token expires (default 60, at most half its lifetime). */
  refreshMarginSeconds?: number;
  /** Per-request timeout in milliseconds (default 30,000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface TokenSource {
  /** A valid access token; `forceRefresh` asks the directory for a new one even if the cached one is valid. */
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
  /** Who the tokens are for (user name or client id), for messages. Never the secret. */
  readonly identityName: string;
}

/** The directory refused the grant, or could not be reached. */
export class TokenRequestError extends Error {
  constructor(
    message: string,
    readonly identityName: string,
    readonly status: number | undefined,
    readonly oauthError: string | undefined,
    readonly errorDescription: string | undefined,
  ) {
    super(message);
    this.name = 'TokenRequestError';
  }
}

export function describeIdentity(identity: Identity): string {
  return identity.kind === 'user' ? `user ${identity.userName}` : `application ${identity.clientId}`;
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const endpoint = `${options.directoryUrl.replace(/\/+$/, '')}/oauth2/v2.0/token`;
  const identityName = describeIdentity(options.identity);
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function request(): Promise<string> {
    const form = new URLSearchParams();
    if (options.identity.kind === 'user') {
      form.set('grant_type', 'password');
      form.set('username', options.identity.userName);
      form.set('password', options.identity.password);
    } else {
      form.set('grant_type', 'client_credentials');
      form.set('client_id', options.identity.clientId);
      form.set('client_secret', options.identity.clientSecret);
    }
    if (options.scope) form.set('scope', options.scope);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 30_000);
    let response: Response;
    let text: string;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      const reason = controller.signal.aborted ? 'timed out' : errorText(error);
      throw new TokenRequestError(
        `Could not get a token for ${identityName} from ${endpoint}: ${reason}.`,
        identityName,
        undefined,
        undefined,
        undefined,
      );
    } finally {
      clearTimeout(timer);
    }
    let body: { access_token?: string; expires_in?: number; error?: string; error_description?: string } = {};
    try {
      body = text ? (JSON.parse(text) as typeof body) : {};
    } catch {
      // not JSON: reported below
    }
    if (!response.ok || typeof body.access_token !== 'string') {
      const detail = body.error_description ?? (body.error ? '' : text.slice(0, 200));
      throw new TokenRequestError(
        `The directory refused a token for ${identityName} (${response.status}${body.error ? ` ${body.error}` : ''})${detail ? `: ${detail}` : '.'}`,
        identityName,
        response.status,
        body.error,
        body.error_description,
      );
    }
    const lifetime = Math.max(0, Number(body.expires_in ?? 3600)) * 1000;
    const margin = Math.min((options.refreshMarginSeconds ?? 60) * 1000, lifetime / 2);
    cached = { token: body.access_token, refreshAt: now() + lifetime - margin };
    return body.access_token;
  }

  return {
    identityName,
    async getToken({ forceRefresh = false } = {}) {
      if (!forceRefresh && cached && now() < cached.refreshAt) return cached.token;
      if (forceRefresh) cached = undefined;
      // One request at a time: concurrent callers share it.
      inFlight ??= request().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/** A token source that always returns the same token (tests, or a token obtained elsewhere). */
export function staticTokenSource(token: string, identityName = 'a fixed token'): TokenSource {
  return { identityName, getToken: async () => token };
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
