/**
 * The CLI's way into a running Tandem: plain HTTP with a token from the OAuth password grant, the
 * same public API any client uses. Failures become CliError with a message a person can act on.
 */
import type { Readable } from 'node:stream';

/**
 * What went wrong, for the exit code: `unreachable` (no server at the address) and `auth` (no
 * password, sign-in refused, or the signed-in user may not do this) exit 2 in the bridge commands;
 * anything else the server refused exits 1.
 */
export type CliErrorKind = 'unreachable' | 'auth' | 'refused';

export class CliError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
    readonly kind: CliErrorKind = 'refused',
  ) {
    super(message);
  }
}

export interface ProblemBody {
  code?: string;
  detail?: string;
  problems?: { row?: number; field: string; message: string; value?: string }[];
}

export class ApiClient {
  private token: string | undefined;

  constructor(readonly baseUrl: string) {}

  private async request(path: string, init: RequestInit & { duplex?: 'half' }): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(
        `Cannot reach Tandem at ${this.baseUrl} (${reason}). Start it with \`npm start\` (or \`tandem start\`), or give its address with --url.`,
        undefined,
        'unreachable',
      );
    }
  }

  async signIn(userName: string, password: string): Promise<void> {
    const response = await this.request('/oauth2/v2.0/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: userName, password }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token) {
      throw new CliError(
        `Sign-in as ${userName} failed: ${body.error_description ?? `HTTP ${response.status}`}`,
        undefined,
        'auth',
      );
    }
    this.token = body.access_token;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  private async fail(response: Response): Promise<never> {
    const body = (await response.json().catch(() => ({}))) as ProblemBody;
    throw new CliError(
      body.detail ?? `HTTP ${response.status} ${response.statusText}`,
      body,
      response.status === 401 || response.status === 403 ? 'auth' : 'refused',
    );
  }

  async json<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const response = await this.request(path, {
      method: init.method ?? 'GET',
      headers: this.headers(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    if (!response.ok) await this.fail(response);
    return (await response.json()) as T;
  }

  /** Streams a body (the CSV file) without reading it into memory. */
  async upload<T>(path: string, body: Readable, contentType: string, size: number): Promise<T> {
    const { Readable: NodeReadable } = await import('node:stream');
    const response = await this.request(path, {
      method: 'POST',
      headers: this.headers({ 'content-type': contentType, 'content-length': String(size) }),
      body: NodeReadable.toWeb(body) as unknown as BodyInit,
      duplex: 'half',
    });
    if (!response.ok) await this.fail(response);
    return (await response.json()) as T;
  }

  async text(path: string): Promise<string> {
    const response = await this.request(path, { headers: this.headers() });
    if (!response.ok) await this.fail(response);
    return response.text();
  }
}
