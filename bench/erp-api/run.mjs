// Benchmark: bulk-create customers through the ERP's BC-compatible API ($batch of 100 requests) and
// page through the change feed the bridge reads, on the built server (npm run bench:erp-api builds).
//
//   npm run bench:erp-api                              # embedded PGlite in a fresh temp data dir
//   BENCH_DATABASE_URL=postgres://… npm run bench:erp-api   # a fresh database on that server
//   BENCH_CUSTOMERS=20000 BENCH_CONCURRENCY=4 npm run bench:erp-api
//
// Timed: the bulk create (all batches, BENCH_CONCURRENCY in flight), then reading every change
// (top=20000 per page) from row version 0. Server start is not timed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS || 100000);
const BATCH = 100;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 4);
const PAGE = 20000;
const PASSWORD = 'Bench-Passw0rd!';

const { startTandem } = await import(path.join(root, 'dist/main.js'));
const { loadConfig } = await import(path.join(root, 'dist/platform/config.js'));
const { createScratchDatabase } = await import(path.join(root, 'dist/platform/db/scratch-database.js'));

async function json(response, what) {
  if (!response.ok) throw new Error(`${what} failed: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-erp-'));
const pgdb = process.env.BENCH_DATABASE_URL
  ? await createScratchDatabase(process.env.BENCH_DATABASE_URL, 'tandem_bench')
  : undefined;
const config = loadConfig({
  TANDEM_PORT: '0',
  TANDEM_DATA_DIR: dataDir,
  TANDEM_ADMIN_PASSWORD: PASSWORD,
  LOG_LEVEL: 'warn',
  ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
});
const loadAtStart = os.loadavg();
const running = await startTandem(config, { log: false });
const url = running.url;
try {
  const token = await json(
    await fetch(`${url}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: config.adminUpn, password: PASSWORD }),
    }),
    'token',
  );
  const auth = { authorization: `Bearer ${token.access_token}` };
  const companies = await json(await fetch(`${url}/api/v2.0/companies`, { headers: auth }), 'companies');
  const companyId = companies.value[0].id;

  // ---- bulk create ------------------------------------------------------------------------------
  const batches = Math.ceil(CUSTOMERS / BATCH);
  let next = 0;
  let failed = 0;
  const createStarted = performance.now();
  async function worker() {
    for (;;) {
      const b = next++;
      if (b >= batches) return;
      const requests = [];
      for (let i = b * BATCH; i < Math.min(CUSTOMERS, (b + 1) * BATCH); i++) {
        requests.push({
          id: String(i),
          method: 'POST',
          url: `companies(${companyId})/customers`,
          headers: { 'content-type': 'application/json' },
          body: {
            displayName: `Customer ${i}`,
            addressLine1: `${i} Main Street`,
            city: 'Redmond',
            state: 'WA',
            postalCode: '98052',
            country: 'US',
            email: `customer${i}@contoso.com`,
            creditLimit: 1000 + (i % 100),
          },
        });
      }
      const result = await json(
        await fetch(`${url}/api/v2.0/$batch`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ requests }),
        }),
        'batch',
      );
      failed += result.responses.filter((r) => r.status !== 201).length;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const createMs = performance.now() - createStarted;
  if (failed) throw new Error(`${failed} creates failed`);

  // ---- change feed ------------------------------------------------------------------------------
  const feedStarted = performance.now();
  let after = 0;
  let changes = 0;
  let pages = 0;
  for (;;) {
    const page = await json(
      await fetch(
        `${url}/api/tandem/sync/v1.0/companies(${companyId})/changes?entity=customers&after=${after}&top=${PAGE}`,
        { headers: auth },
      ),
      'changes',
    );
    pages++;
    changes += page.value.length;
    after = page.lastRowVersion;
    if (!page['@odata.nextLink']) break;
  }
  const feedMs = performance.now() - feedStarted;
  if (changes !== CUSTOMERS)
    throw new Error(`change feed returned ${changes} changes, expected ${CUSTOMERS}`);

  const cpu =
    (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? os.cpus()[0]?.model;
  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const rate = (n, ms) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
  console.log(`Tandem ERP API benchmark — ${new Date().toISOString()}`);
  console.log(
    `machine: ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );
  console.log(
    `load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}; at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`storage: ${running.database.kind}${pgdb ? '' : ' (fresh data dir)'}`);
  console.log(
    `create ${CUSTOMERS.toLocaleString('en-US')} customers ($batch of ${BATCH}, ${CONCURRENCY} in flight): ${fmt(createMs)} → ${rate(CUSTOMERS, createMs)} customers/s`,
  );
  console.log(
    `change feed: ${changes.toLocaleString('en-US')} changes in ${pages} pages of ≤ ${PAGE}: ${fmt(feedMs)} → ${rate(changes, feedMs)} changes/s`,
  );
  console.log(
    `peak RSS (server and client share this process): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
} finally {
  await running.close();
  if (pgdb) await pgdb.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
