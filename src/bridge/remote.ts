/**
 * The bridge's view of the remote apps: clients acting as the integration identity (from the
 * connection row, secret unsealed only in memory) or as the setup administrator.
 */
import { AppError } from '../platform/http/app-error.js';
import {
  ErpClient,
  HttpClient,
  SalesClient,
  createTokenSource,
  type Identity,
  type TokenSource,
} from './clients/index.js';
import type { BridgeContext } from './context.js';
import type { connections } from './schema.js';

export type ConnectionRow = typeof connections.$inferSelect;

/** Clients for one identity: Sales Web API, Sales admin API, ERP API, directory API. */
export interface RemoteClients {
  tokens: TokenSource;
  sales: SalesClient;
  /** `/sales/admin/*` on the Sales server. */
  salesAdmin: HttpClient;
  erp: ErpClient;
  /** `/directory/*` on the directory. */
  directory: HttpClient;
}

export function directoryUrlOf(ctx: BridgeContext, row?: Pick<ConnectionRow, 'directoryUrl'>): string {
  return row?.directoryUrl ?? ctx.config.publicUrl;
}

export function erpUrlOf(ctx: BridgeContext, row?: Pick<ConnectionRow, 'erpUrl'>): string {
  return row?.erpUrl ?? ctx.config.publicUrl;
}

/** Token source for an identity at the connection's directory. */
export function tokenSourceFor(ctx: BridgeContext, directoryUrl: string, identity: Identity): TokenSource {
  return createTokenSource({ directoryUrl, identity, ...(ctx.fetch ? { fetch: ctx.fetch } : {}) });
}

export function clientsFor(
  ctx: BridgeContext,
  urls: { salesUrl: string; erpUrl: string; directoryUrl: string },
  tokens: TokenSource,
): RemoteClients {
  const common = { tokens, ...(ctx.fetch ? { fetch: ctx.fetch } : {}) };
  return {
    tokens,
    sales: new SalesClient({ ...common, salesUrl: urls.salesUrl }),
    salesAdmin: new HttpClient({ ...common, baseUrl: urls.salesUrl, service: 'Sales' }),
    erp: new ErpClient({ ...common, erpUrl: urls.erpUrl }),
    directory: new HttpClient({ ...common, baseUrl: urls.directoryUrl, service: 'Directory' }),
  };
}

/** Clients acting as a person signing in with a password (the setup administrator), for the connection's servers. */
export function clientsForUser(
  ctx: BridgeContext,
  row: ConnectionRow,
  credentials: { userName: string; password: string },
): RemoteClients {
  const directoryUrl = directoryUrlOf(ctx, row);
  return clientsFor(
    ctx,
    { salesUrl: row.salesUrl!, erpUrl: erpUrlOf(ctx, row), directoryUrl },
    tokenSourceFor(ctx, directoryUrl, { kind: 'user', ...credentials }),
  );
}

/** Clients acting as the signed-in setup administrator (its token, the Sales it was checked against). */
export function clientsForAdminSession(
  ctx: BridgeContext,
  row: ConnectionRow,
  session: { salesUrl: string; tokens: TokenSource },
): RemoteClients {
  return clientsFor(
    ctx,
    { salesUrl: session.salesUrl, erpUrl: erpUrlOf(ctx, row), directoryUrl: directoryUrlOf(ctx, row) },
    session.tokens,
  );
}

/** The integration identity as stored (secret unsealed in memory only). */
export function integrationIdentity(ctx: BridgeContext, row: ConnectionRow): Identity {
  if (!row.identityKind || !row.identityName || !row.identitySecretSealed) {
    throw new AppError(
      'Conflict',
      'The connection has no integration user yet. Run the assisted setup (POST /bridge/setup/start).',
    );
  }
  const secret = ctx.secrets.open(row.identitySecretSealed);
  return row.identityKind === 'user'
    ? { kind: 'user', userName: row.identityName, password: secret }
    : { kind: 'application', clientId: row.identityName, clientSecret: secret };
}

const cached = new WeakMap<BridgeContext, { key: string; clients: RemoteClients }>();

/**
 * Clients acting as the connection's integration identity. Kept while the identity, its secret and
 * the URLs stay the same, so its token is reused until it nears expiry (a password grant costs a
 * slow hash on the directory).
 */
export function integrationClients(ctx: BridgeContext, row: ConnectionRow): RemoteClients {
  if (!row.salesUrl) {
    throw new AppError('Conflict', 'The connection has no Sales URL yet. Run the assisted setup first.');
  }
  const directoryUrl = directoryUrlOf(ctx, row);
  const erpUrl = erpUrlOf(ctx, row);
  const key = [
    row.salesUrl,
    erpUrl,
    directoryUrl,
    row.identityKind,
    row.identityName,
    row.identitySecretSealed,
  ].join('\n');
  const hit = cached.get(ctx);
  if (hit?.key === key) return hit.clients;
  const clients = clientsFor(
    ctx,
    { salesUrl: row.salesUrl, erpUrl, directoryUrl },
    tokenSourceFor(ctx, directoryUrl, integrationIdentity(ctx, row)),
  );
  cached.set(ctx, { key, clients });
  return clients;
}
