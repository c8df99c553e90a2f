// Benchmark: the sync engine over the public APIs, on the built server (npm run bench:sync builds).
//
//   npm run bench:sync                                   # embedded PGlite in a fresh temp data dir
//   BENCH_DATABASE_URL=postgres://… npm run bench:sync   # a fresh database on that server
//   BENCH_CUSTOMERS=5000 BENCH_LATENCY_SAMPLES=20 npm run bench:sync
//
// 1. Full sync: BENCH_CUSTOMERS ERP customers (created through the ERP's $batch, not timed, each with
//    a coupled salesperson) reach Sales as accounts owned by their salesperson's user: the first
//    sync of CUSTOMER, started from the full-sync review, timed; customers/s, and the same run's
//    rate of a second, incremental pass that finds nothing to do.
// 2. Change → other side: with the background scheduler polling every TANDEM_SYNC_POLL_MS (1,000 by
//    default), an edit in the ERP until Sales shows it, and an edit in Sales until the ERP shows it;
//    p50/p95/max over BENCH_LATENCY_SAMPLES edits each way, idle otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS || 2000);
const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES || 20);
const POLL_MS = Number(process.env.TANDEM_SYNC_POLL_MS || 1000);
const PASSWORD = 'Bench-Passw0rd!';
const INTEGRATION_PASSWORD = 'Integr4tion-Passw0rd!';

const { startTandem } = await import(path.join(root, 'dist/main.js'));
const { loadConfig } = await import(path.join(root, 'dist/platform/config.js'));
const { createScratchDatabase } = await import(path.join(root, 'dist/platform/db/scratch-database.js'));
const { provisionNow } = await import(path.join(root, 'dist/sales/provisioning.js'));
const { startSyncScheduler } = await import(path.join(root, 'dist/bridge/sync/scheduler.js'));

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-sync-'));
const pgdb = process.env.BENCH_DATABASE_URL
  ? await createScratchDatabase(process.env.BENCH_DATABASE_URL, 'tandem_bench')
  : undefined;
const config = loadConfig({
  TANDEM_PORT: '0',
  TANDEM_DATA_DIR: dataDir,
  TANDEM_ADMIN_PASSWORD: PASSWORD,
  TANDEM_SYNC_POLL_MS: '0',
  LOG_LEVEL: 'warn',
  // Sales' per-user service protection (Dataverse's 6,000 requests per 5 minutes by default) bounds a
  // long full sync; BENCH_SALES_REQUEST_LIMIT lifts it to measure the engine itself.
  ...(process.env.BENCH_SALES_REQUEST_LIMIT
    ? { TANDEM_SALES_REQUEST_LIMIT: process.env.BENCH_SALES_REQUEST_LIMIT }
    : {}),
  ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
});
const running = await startTandem(config, { log: false });
const url = running.url;
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function call(method, pathName, body, token, headers = {}) {
  const response = await fetch(`${url}${pathName}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${pathName}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}
async function tokenFor(user, password) {
  const response = await fetch(`${url}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: user, password }),
  });
  const body = await response.json();
  if (!body.access_token) throw new Error(`token for ${user}: ${JSON.stringify(body)}`);
  return body.access_token;
}
const provision = async () => {
  await provisionNow(running.sales.context);
  await running.erp.provisioning.runNow();
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

try {
  const admin = await tokenFor(config.adminUpn, PASSWORD);
  const domain = config.tenantDomain;
  // ---- a connected system: a salesperson, an integration user, the assisted setup --------------
  const make = async (upn, displayName, password) => {
    const user = await call(
      'POST',
      '/directory/users',
      { userPrincipalName: upn, displayName, firstName: displayName, lastName: 'Bench', usageLocation: 'US' },
      admin,
    );
    await call(
      'POST',
      `/directory/users/${user.id}/assign-licences`,
      { addLicences: ['DYN365_ENTERPRISE_PLAN1', 'DYN365_BUSCENTRAL_ESSENTIAL'], removeLicences: [] },
      admin,
    );
    await call(
      'POST',
      `/directory/users/${user.id}/reset-password`,
      { password, mustChangePassword: false },
      admin,
    );
    return user;
  };
  await make(`seller@${domain}`, 'Sam', 'Sell3r-Passw0rd!');
  await make(`integration@${domain}`, 'Integration', INTEGRATION_PASSWORD);
  await provision();
  const users = await call(
    'GET',
    `/sales/admin/users?search=${encodeURIComponent(`@${domain}`)}`,
    undefined,
    admin,
  );
  const id = (upn) => users.value.find((u) => u.domainname === upn).systemuserid;
  await call(
    'POST',
    '/sales/admin/users/roles',
    {
      systemUserIds: [id(`seller@${domain}`), id(`integration@${domain}`)],
      roleNames: ['Salesperson'],
      action: 'assign',
    },
    admin,
  );
  await call(
    'POST',
    '/sales/admin/users/roles',
    {
      systemUserIds: [id(config.adminUpn)],
      roleNames: ['System Customizer', 'Sales Manager'],
      action: 'assign',
    },
    admin,
  );
  await call('POST', '/bridge/setup/start', { restart: true }, admin);
  for (const [step, input] of [
    ['sales-url', { salesUrl: url, allowHttp: true }],
    ['admin', { userName: config.adminUpn, password: PASSWORD }],
    ['integration-user', { kind: 'user', userName: `integration@${domain}`, password: INTEGRATION_PASSWORD }],
    ['solution', {}],
    ['erp-permissions', {}],
    ['access-mode', { nonInteractive: true }],
    ['currency', { createIfMissing: true }],
    ['mappings', {}],
    ['salespeople', { auto: true, createMissing: true }],
    ['finish', {}],
  ]) {
    const result = await call('POST', `/bridge/setup/steps/${step}`, input, admin);
    if (!result.ok) throw new Error(`setup step ${step}: ${JSON.stringify(result.checks)}`);
  }
  const coupling = await call('GET', '/bridge/coupling/salespeople', undefined, admin);
  const code = coupling.users[0].salesperson.code;
  const companyId = (await call('GET', '/api/v2.0/companies', undefined, admin)).value[0].id;

  // ---- data: N customers through $batch (not timed) ---------------------------------------------
  for (let start = 0; start < CUSTOMERS; start += 100) {
    const requests = [];
    for (let i = start; i < Math.min(CUSTOMERS, start + 100); i++)
      requests.push({
        id: String(i),
        method: 'POST',
        url: `companies(${companyId})/customers`,
        headers: { 'content-type': 'application/json' },
        body: {
          displayName: `Customer ${i}`,
          city: 'Redmond',
          email: `c${i}@example.com`,
          salespersonCode: code,
        },
      });
    await call('POST', '/api/v2.0/$batch', { requests }, admin);
  }

  // ---- 1. full sync -----------------------------------------------------------------------------
  const loadBefore = os.loadavg()[0];
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const started = await call('POST', '/bridge/sync/review/start', { wait: true }, admin);
  const fullMs = performance.now() - t0;
  const customerLine = started.value.find((l) => l.mapping === 'CUSTOMER');
  const customerRun = customerLine.runs.at(-1);
  const runs = await call('GET', '/bridge/sync/runs?mapping=CUSTOMER&top=5', undefined, admin);
  const customerMs = runs.value.filter((r) => r.kind === 'full').reduce((a, r) => a + r.durationMs, 0);
  const t1 = performance.now();
  const again = await call('POST', '/bridge/sync/run', { mapping: 'CUSTOMER' }, admin);
  const idleMs = performance.now() - t1;
  console.log(
    `storage: ${pgdb ? 'PostgreSQL' : 'PGlite'}, Node ${process.version}, ${os.cpus().length} cores, load ${loadBefore.toFixed(1)} before`,
  );
  console.log(
    `full sync of ${CUSTOMERS} ERP customers → Sales accounts: review start (every mapping) ${fmt(fullMs)}; CUSTOMER ${fmt(customerMs)} → ${Math.round(CUSTOMERS / (customerMs / 1000))} customers/s, run ${customerRun.status}${customerRun.message ? ` (${customerRun.message})` : ''} (${JSON.stringify(customerRun.toSales)}); Sales request limit ${config.salesRequestLimit} per ${config.salesWindowSeconds} s per user`,
  );
  console.log(
    `incremental pass with nothing to do: ${fmt(idleMs)} (${JSON.stringify(again.value[0].toSales)}); RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );

  // ---- 2. change → other side latency, scheduler polling ----------------------------------------
  const scheduler = startSyncScheduler(running.bridge.context, {
    pollMs: POLL_MS,
    safetyPassMs: 0,
    onError: (error) => console.error('sync:', error.message),
  });
  const seller = await tokenFor(`seller@${domain}`, 'Sell3r-Passw0rd!');
  const customers = (
    await call(
      'GET',
      `/api/v2.0/companies(${companyId})/customers?$top=${SAMPLES}&$select=id,number`,
      undefined,
      admin,
    )
  ).value;
  const waitUntil = async (probe) => {
    for (;;) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const toSales = [];
  const toErp = [];
  for (const [i, customer] of customers.entries()) {
    const city = `ERP city ${i}`;
    const a = performance.now();
    await call('PATCH', `/api/v2.0/companies(${companyId})/customers(${customer.id})`, { city }, admin, {
      'If-Match': '*',
    });
    const accounts = () =>
      call(
        'GET',
        `/api/data/v9.2/accounts?$filter=accountnumber eq '${customer.number}'&$select=accountid,address1_city`,
        undefined,
        admin,
      );
    await waitUntil(async () => (await accounts()).value[0]?.address1_city === city);
    toSales.push(performance.now() - a);
    const account = (await accounts()).value[0];
    const salesCity = `Sales city ${i}`;
    const b = performance.now();
    await call(
      'PATCH',
      `/api/data/v9.2/accounts(${account.accountid})`,
      { address1_city: salesCity },
      seller,
      { 'If-Match': '*' },
    );
    await waitUntil(
      async () =>
        (await call('GET', `/api/v2.0/companies(${companyId})/customers(${customer.id})`, undefined, admin))
          .city === salesCity,
    );
    toErp.push(performance.now() - b);
  }
  await scheduler.close();
  const show = (xs) =>
    `p50 ${Math.round(percentile(xs, 50))} ms, p95 ${Math.round(percentile(xs, 95))} ms, max ${Math.round(Math.max(...xs))} ms`;
  console.log(
    `change → other side (poll ${POLL_MS} ms, ${SAMPLES} edits each way): ERP → Sales ${show(toSales)}; Sales → ERP ${show(toErp)}`,
  );
  console.log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
} finally {
  await running.close();
  if (pgdb) await pgdb.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
