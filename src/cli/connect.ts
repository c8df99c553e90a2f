/**
 * Signing in to a running Tandem for a command: where the server is (--url, TANDEM_URL,
 * TANDEM_PORT), who signs in (--user, TANDEM_ADMIN_UPN, admin@TANDEM_DOMAIN) and the password
 * (TANDEM_PASSWORD or a hidden prompt; never a flag, so it stays out of shell history).
 */
import { ApiClient, CliError } from './api-client.js';
import type { CliIo } from './io.js';

export interface ServerOptions {
  url?: string;
  user?: string;
}

export const URL_HELP = 'Tandem server (default: TANDEM_URL, else http://127.0.0.1:$TANDEM_PORT or 3000)';
export const USER_HELP =
  'sign in as (default: TANDEM_ADMIN_UPN or admin@TANDEM_DOMAIN); password from TANDEM_PASSWORD or a prompt';

export function defaultUrl(env: CliIo['env']): string {
  return env.TANDEM_URL || `http://127.0.0.1:${env.TANDEM_PORT || '3000'}`;
}

export function defaultUser(env: CliIo['env']): string {
  return env.TANDEM_ADMIN_UPN || `admin@${(env.TANDEM_DOMAIN || 'contoso.com').toLowerCase()}`;
}

/** The signing-in user's password: TANDEM_PASSWORD, else a hidden prompt on a terminal. */
export async function signInPassword(io: CliIo, user: string): Promise<string> {
  if (io.env.TANDEM_PASSWORD) return io.env.TANDEM_PASSWORD;
  if (!io.promptPassword) {
    throw new CliError(
      `No password for ${user}: set TANDEM_PASSWORD or run the command in a terminal.`,
      undefined,
      'auth',
    );
  }
  return io.promptPassword(`Password for ${user}: `);
}

export interface Session {
  client: ApiClient;
  user: string;
  password: string;
  url: string;
}

/** A client signed in as the command's user. */
export async function connect(options: ServerOptions, io: CliIo): Promise<Session> {
  const user = options.user || defaultUser(io.env);
  const url = (options.url || defaultUrl(io.env)).replace(/\/+$/, '');
  const client = new ApiClient(url);
  const password = await signInPassword(io, user);
  await client.signIn(user, password);
  return { client, user, password, url };
}
