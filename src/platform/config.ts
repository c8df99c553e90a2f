import path from 'node:path';

/** One licence SKU the tenant owns, as configured (TANDEM_LICENCES). */
export interface LicenceSeed {
  partNumber: string;
  name: string;
  seats: number;
}

export interface Config {
  host: string;
  port: number;
  /** Absolute base URL the server is reached at (links in responses, printed at start-up). */
  publicUrl: string;
  dataDir: string;
  /** PostgreSQL connection string; when absent the embedded PGlite store in dataDir is used. */
  databaseUrl: string | undefined;
  tenantDomain: string;
  tenantName: string;
  adminUpn: string;
  /** Initial Global administrator password; generated and printed once when absent. */
  adminPassword: string | undefined;
  licences: LicenceSeed[];
  /** 32-byte key (base64) that encrypts secrets at rest; read from dataDir/secret.key when absent. */
  secretKey: string | undefined;
  logLevel: string;
  /** Readable lines ('pretty', the default on a terminal) or JSON lines (LOG_FORMAT=json, or not a terminal). */
  logFormat: 'pretty' | 'json';
  /** Token lifetime in seconds. */
  tokenTtlSeconds: number;
  sessionTtlSeconds: number;
  /** The ERP's company created on first start (TANDEM_COMPANY_NAME, at most 30 characters). */
  companyName: string;
  /** The ERP's local currency (TANDEM_LCY). */
  localCurrency: string;
  /** The local (base) currency's ISO code (TANDEM_LCY): the ERP's LCY and Sales' base currency. */
  lcy: string;
  /** Sales Web API service protection, per user: requests allowed in the sliding window (TANDEM_SALES_REQUEST_LIMIT). */
  salesRequestLimit: number;
  /** Sales Web API service protection: concurrent requests per user (TANDEM_SALES_CONCURRENCY_LIMIT). */
  salesConcurrencyLimit: number;
  /** Sales Web API service protection: length of the sliding window in seconds (TANDEM_SALES_WINDOW_SECONDS). */
  salesWindowSeconds: number;
  /** How often the bridge checks the integration identity while the connection is enabled (TANDEM_BRIDGE_CHECK_SECONDS). */
  bridgeCheckSeconds: number;
  /** How often the bridge polls both apps' change feeds for the sync, in ms; 0 turns background sync off (TANDEM_SYNC_POLL_MS). */
  syncPollMs: number;
  /** Minutes between full safety passes of each mapping (TANDEM_SYNC_SAFETY_MINUTES). */
  syncSafetyMinutes: number;
  /** A sync run's lease: another process takes over a run silent this long (TANDEM_SYNC_LEASE_SECONDS). */
  syncLeaseSeconds: number;
}

/** Known SKU names, so TANDEM_LICENCES can say just `PART:SEATS`. */
export const KNOWN_SKU_NAMES: Record<string, string> = {
  DYN365_ENTERPRISE_PLAN1: 'Dynamics 365 Customer Engagement Plan',
  DYN365_ENTERPRISE_SALES: 'Dynamics 365 Sales Enterprise Edition',
  DYN365_BUSCENTRAL_ESSENTIAL: 'Dynamics 365 Business Central Essentials',
  DYN365_BUSCENTRAL_PREMIUM: 'Dynamics 365 Business Central Premium',
  DYN365_BUSCENTRAL_TEAM_MEMBER: 'Dynamics 365 Business Central Team Members',
};

export const DEFAULT_LICENCES = 'DYN365_ENTERPRISE_PLAN1:25,DYN365_BUSCENTRAL_ESSENTIAL:25';

export class ConfigError extends Error {}

/** Parses `PART:SEATS[:Name],...`. */
export function parseLicences(spec: string): LicenceSeed[] {
  const seeds: LicenceSeed[] = [];
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const [part, seatsText, ...nameParts] = item.split(':');
    const partNumber = (part ?? '').trim().toUpperCase();
    const seats = Number(seatsText);
    if (!/^[A-Z0-9_]{2,64}$/.test(partNumber) || !Number.isInteger(seats) || seats < 0) {
      throw new ConfigError(
        `TANDEM_LICENCES entry "${item}" is not PART_NUMBER:SEATS (e.g. DYN365_ENTERPRISE_PLAN1:25).`,
      );
    }
    const name = nameParts.join(':').trim() || KNOWN_SKU_NAMES[partNumber] || partNumber;
    seeds.push({ partNumber, name, seats });
  }
  return seeds;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError(`${name} must be a whole number, got "${raw}".`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const host = env.TANDEM_HOST || '127.0.0.1';
  const port = intFromEnv(env, 'TANDEM_PORT', intFromEnv(env, 'PORT', 3000));
  const tenantDomain = (env.TANDEM_DOMAIN || 'contoso.com').toLowerCase();
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(tenantDomain)) {
    throw new ConfigError(`TANDEM_DOMAIN "${tenantDomain}" is not a domain name (e.g. contoso.com).`);
  }
  const config: Config = {
    host,
    port,
    publicUrl: env.TANDEM_PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    dataDir: path.resolve(env.TANDEM_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    tenantDomain,
    tenantName: env.TANDEM_TENANT_NAME || 'Contoso',
    adminUpn: (env.TANDEM_ADMIN_UPN || `admin@${tenantDomain}`).toLowerCase(),
    adminPassword: env.TANDEM_ADMIN_PASSWORD || undefined,
    licences: parseLicences(env.TANDEM_LICENCES || DEFAULT_LICENCES),
    secretKey: env.TANDEM_SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    logFormat:
      env.LOG_FORMAT === 'json' || (env.LOG_FORMAT !== 'pretty' && !process.stdout.isTTY) ? 'json' : 'pretty',
    tokenTtlSeconds: intFromEnv(env, 'TANDEM_TOKEN_TTL', 3600),
    sessionTtlSeconds: intFromEnv(env, 'TANDEM_SESSION_TTL', 8 * 3600),
    companyName: env.TANDEM_COMPANY_NAME || 'CRONUS USA, Inc.',
    localCurrency: (env.TANDEM_LCY || 'USD').toUpperCase(),
    lcy: (env.TANDEM_LCY || 'USD').toUpperCase(),
    salesRequestLimit: intFromEnv(env, 'TANDEM_SALES_REQUEST_LIMIT', 6000),
    salesConcurrencyLimit: intFromEnv(env, 'TANDEM_SALES_CONCURRENCY_LIMIT', 52),
    salesWindowSeconds: intFromEnv(env, 'TANDEM_SALES_WINDOW_SECONDS', 300),
    bridgeCheckSeconds: intFromEnv(env, 'TANDEM_BRIDGE_CHECK_SECONDS', 60),
    syncPollMs: intFromEnv(env, 'TANDEM_SYNC_POLL_MS', 1000),
    syncSafetyMinutes: intFromEnv(env, 'TANDEM_SYNC_SAFETY_MINUTES', 60),
    syncLeaseSeconds: intFromEnv(env, 'TANDEM_SYNC_LEASE_SECONDS', 30),
    ...overrides,
  };
  if (!/^[A-Z]{3}$/.test(config.lcy)) {
    throw new ConfigError(`TANDEM_LCY "${config.lcy}" is not an ISO 4217 currency code (e.g. USD, EUR).`);
  }
  if (!/^[A-Z]{3}$/.test(config.localCurrency)) {
    throw new ConfigError(
      `TANDEM_LCY must be an ISO 4217 currency code such as USD, got "${config.localCurrency}".`,
    );
  }
  if (config.companyName.length > 30) {
    throw new ConfigError(
      `TANDEM_COMPANY_NAME must be at most 30 characters, got ${config.companyName.length}.`,
    );
  }
  for (const [name, value] of [
    ['TANDEM_SALES_REQUEST_LIMIT', config.salesRequestLimit],
    ['TANDEM_SALES_CONCURRENCY_LIMIT', config.salesConcurrencyLimit],
    ['TANDEM_SALES_WINDOW_SECONDS', config.salesWindowSeconds],
    ['TANDEM_BRIDGE_CHECK_SECONDS', config.bridgeCheckSeconds],
    ['TANDEM_SYNC_SAFETY_MINUTES', config.syncSafetyMinutes],
    ['TANDEM_SYNC_LEASE_SECONDS', config.syncLeaseSeconds],
  ] as const) {
    if (value < 1) throw new ConfigError(`${name} must be at least 1, got ${value}.`);
  }
  if (config.syncPollMs < 0)
    throw new ConfigError(`TANDEM_SYNC_POLL_MS must be 0 (off) or more, got ${config.syncPollMs}.`);
  if (!config.adminUpn.endsWith(`@${config.tenantDomain}`)) {
    throw new ConfigError(`TANDEM_ADMIN_UPN must be in the tenant domain ${config.tenantDomain}.`);
  }
  return config;
}
