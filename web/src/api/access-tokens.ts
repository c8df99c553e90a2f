import { errorFromResponse, unreachable } from './api-error';

/** The header the server requires on cookie-only console requests (its CSRF defence). */
export const CONSOLE_HEADER = { 'x-tandem-console': '1' };

/** Renew a little before expiry, so a request never leaves with a token about to lapse. */
const EARLY_RENEWAL_MS = 60_000;

/**
 * Short-lived access tokens for Sales and the ERP, which accept only bearer tokens: exchanged for
 * the session cookie at POST /auth/token and kept in memory only (never in storage a script on
 * another tab could read), renewed before they expire.
 */
class AccessTokens {
  private current: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  async get(): Promise<string> {
    if (this.current && this.current.expiresAt - EARLY_RENEWAL_MS > Date.now()) return this.current.token;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget the token (signed out, or an API said it is no longer good). */
  clear(): void {
    this.current = undefined;
  }

  private async fetchToken(): Promise<string> {
    let response: Response;
    try {
      response = await fetch('/auth/token', {
        method: 'POST',
        credentials: 'same-origin',
        headers: CONSOLE_HEADER,
      });
    } catch {
      throw unreachable();
    }
    if (!response.ok) throw await errorFromResponse(response);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    this.current = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    return body.access_token;
  }
}

export const accessTokens = new AccessTokens();
