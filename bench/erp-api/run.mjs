// Benchmark of the ERP's BC-compatible API, on the built server (npm run bench:erp-api builds):
//  1. single calls — GET customers({id}) and POST customers — beside a bare fastify route;
//  2. 1,000 records through $batch (10 batches of BC's maximum of 100, one after the other), creates
//     and then updates (PATCH, If-Match: *), beside a raw `INSERT … SELECT FROM unnest` /
//     `UPDATE … FROM unnest` of the same rows under the company write lock, alternated per round;
//  3. bulk-create BENCH_CUSTOMERS customers ($batch of 100, BENCH_CONCURRENCY in flight) and page
//     through the change feed the bridge reads (top=20000 per page) from row version 0.
//
//   npm run bench:erp-api                              # embedded PGlite in a fresh temp data dir
//   BENCH_DATABASE_URL=postgres://… npm run bench:erp-api   # a fresh database on that server
//   BENCH_CUSTOMERS=20000 BENCH_CONCURRENCY=4 BENCH_ROUNDS=5 npm run bench:erp-api
//
// Server start is not timed.
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
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const N_GET = Number(process.env.BENCH_GETS || 500);
const N_CREATE = Number(process.env.BENCH_CREATES || 300);

const { startTandem } = await import(path.join(root, 'dist/main.js'));
const { loadConfig } = await import(path.join(root, 'dist/platform/config.js'));
const { createScratchDatabase } = await import(path.join(root, 'dist/platform/db/scratch-database.js'));
const { bareServer, inTransaction, loadAverage, report, timeMany } = await import(
  path.join(root, 'bench/raw-baseline.mjs')
);

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
let bare;
let floorSerial = 0;
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
  const actorId = JSON.parse(Buffer.from(token.access_token.split('.')[1], 'base64url').toString()).oid;
  const customerBody = (i, tag) => ({
    displayName: `Customer ${tag} ${i}`,
    addressLine1: `${i} Main Street`,
    city: 'Redmond',
    state: 'WA',
    postalCode: '98052',
    country: 'US',
    email: `customer${i}@contoso.com`,
    creditLimit: 1000 + (i % 100),
  });

  // ---- single calls beside the bare route ------------------------------------------------------
  const customersUrl = `${url}/api/v2.0/companies(${companyId})/customers`;
  const postCustomer = (body) =>
    fetch(customersUrl, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const first = await json(await postCustomer(customerBody(0, 'single')), 'create');
  const lockCompany = async (client) => {
    await client.query(
      `select pg_advisory_xact_lock(7246020, hashtext($1::text)), set_config('erp.locked_companies', $1::text || ',', true)`,
      [companyId],
    );
  };
  const driver = running.database.db.$client;
  bare = await bareServer({
    read: async () =>
      (
        await driver.query('select * from erp.customers where company_id = $1 and id = $2', [
          companyId,
          first.id,
        ])
      ).rows[0],
    // One statement, its own transaction: the company lock's setting is made in the same statement.
    write: (body) =>
      driver.query(
        `insert into erp.customers (company_id, number, display_name, address_line1, city, state, postal_code,
           country, email, credit_limit, modified_by)
         select $1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10::numeric, $11::uuid
         from (select set_config('erp.locked_companies', $1::text || ',', true)) as locked returning *`,
        [
          companyId,
          `F${++floorSerial}`,
          body.displayName,
          body.addressLine1,
          body.city,
          body.state,
          body.postalCode,
          body.country,
          body.email,
          body.creditLimit,
          actorId,
        ],
      ),
  });
  for (let i = 0; i < 50; i++) {
    await (await fetch(`${customersUrl}(${first.id})`, { headers: auth })).text();
    await (await fetch(`${bare.url}/json`)).text();
    await (await fetch(`${bare.url}/read`)).text();
    await (await postCustomer(customerBody(i, 'warm-up'))).text();
  }
  const get = await timeMany(N_GET, async () => {
    const r = await fetch(`${customersUrl}(${first.id})`, { headers: auth });
    if (r.status !== 200) throw new Error(`GET ${r.status}`);
    await r.text();
  });
  const getBare = await timeMany(N_GET, async () => (await fetch(`${bare.url}/json`)).text());
  const getFloor = await timeMany(N_GET, async () => (await fetch(`${bare.url}/read`)).text());
  const create = await timeMany(N_CREATE, async (i) => {
    const r = await postCustomer(customerBody(i, 'single'));
    if (r.status !== 201) throw new Error(`POST ${r.status} ${await r.text()}`);
    await r.text();
  });
  const createBare = await timeMany(N_CREATE, async (i) =>
    fetch(`${bare.url}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(customerBody(i, 'bare')),
    }),
  );
  const createFloor = await timeMany(N_CREATE, async (i) => {
    const r = await fetch(`${bare.url}/write`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(customerBody(i, 'floor')),
    });
    if (r.status !== 204) throw new Error(`floor POST ${r.status} ${await r.text()}`);
  });

  // ---- 1,000 records: $batch beside raw SQL, alternated per round --------------------------------
  const sendBatch = async (requests, expected) => {
    const result = await json(
      await fetch(`${url}/api/v2.0/$batch`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ requests }),
      }),
      'batch',
    );
    const wrong = result.responses.filter((r) => r.status !== expected);
    if (wrong.length)
      throw new Error(`batch: ${wrong.length} answered ${JSON.stringify(wrong[0]).slice(0, 300)}`);
    return result.responses;
  };
  const times = { batchCreate: [], rawCreate: [], batchUpdate: [], rawUpdate: [] };
  const elapsed = (t0) => performance.now() - t0;
  for (let round = 0; round < ROUNDS; round++) {
    const ids = [];
    let t0 = performance.now();
    for (let b = 0; b < 10; b++) {
      const responses = await sendBatch(
        Array.from({ length: 100 }, (_, i) => ({
          id: String(i),
          method: 'POST',
          url: `companies(${companyId})/customers`,
          headers: { 'content-type': 'application/json' },
          body: customerBody(b * 100 + i, `batch ${round}`),
        })),
        201,
      );
      ids.push(...responses.map((r) => r.body.id));
    }
    times.batchCreate.push(elapsed(t0));

    const rows = Array.from({ length: 1000 }, (_, i) => customerBody(i, `raw ${round}`));
    t0 = performance.now();
    const rawIds = await inTransaction(running.database, async (client) => {
      await lockCompany(client);
      const result = await client.query(
        `insert into erp.customers (company_id, number, display_name, address_line1, city, state, postal_code,
           country, email, credit_limit, modified_by)
         select $1, t.number, t.name, t.address, 'Redmond', 'WA', '98052', 'US', t.email, t.credit, $2
         from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[]) as t(number, name, address, email, credit)
         returning id`,
        [
          companyId,
          actorId,
          rows.map((_, i) => `R${round}-${i}`),
          rows.map((r) => r.displayName),
          rows.map((r) => r.addressLine1),
          rows.map((r) => r.email),
          rows.map((r) => r.creditLimit),
        ],
      );
      return result.rows.map((r) => r.id);
    });
    times.rawCreate.push(elapsed(t0));

    t0 = performance.now();
    for (let b = 0; b < 10; b++)
      await sendBatch(
        ids.slice(b * 100, (b + 1) * 100).map((id, i) => ({
          id: String(i),
          method: 'PATCH',
          url: `companies(${companyId})/customers(${id})`,
          headers: { 'content-type': 'application/json', 'if-match': '*' },
          body: { displayName: `Updated ${round} ${b * 100 + i}`, city: 'Seattle' },
        })),
        200,
      );
    times.batchUpdate.push(elapsed(t0));

    t0 = performance.now();
    await inTransaction(running.database, async (client) => {
      await lockCompany(client);
      await client.query(
        `update erp.customers c set display_name = t.name, city = 'Seattle', modified_at = now(), modified_by = $1,
           row_version = nextval('erp.row_version')
         from unnest($2::uuid[], $3::text[]) as t(id, name) where c.id = t.id`,
        [actorId, rawIds, rawIds.map((_, i) => `Updated ${round} ${i}`)],
      );
    });
    times.rawUpdate.push(elapsed(t0));
  }
  const stats = (list) => ({ n: list.length, mean: list.reduce((a, b) => a + b, 0) / list.length });
  console.log(
    report({
      title: 'Tandem ERP API benchmark',
      storage: `${running.database.kind}${pgdb ? '' : ' (fresh data dir)'}`,
      loadAtStart: loadAtStart.map((l) => l.toFixed(2)).join(' '),
      single: [
        { name: 'GET customers(id)', api: get, bare: getBare, floor: getFloor },
        { name: 'POST customers (201 + record)', api: create, bare: createBare, floor: createFloor },
      ],
      batches: [
        { name: '$batch ×10 of 100: creates', api: stats(times.batchCreate), raw: stats(times.rawCreate) },
        {
          name: '$batch ×10 of 100: updates (PATCH)',
          api: stats(times.batchUpdate),
          raw: stats(times.rawUpdate),
        },
      ],
    }),
  );
  console.log(
    `per round (ms): creates ${times.batchCreate.map((t) => t.toFixed(0)).join(', ')}; updates ${times.batchUpdate.map((t) => t.toFixed(0)).join(', ')}`,
  );
  console.log('');

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
  // The customers, the single calls' (one, 50 warm-ups, the timed POSTs and the floor's own inserts)
  // and each round's raw and API rows.
  const expectedChanges = CUSTOMERS + 1 + 50 + 2 * N_CREATE + ROUNDS * 2000;
  if (changes !== expectedChanges)
    throw new Error(`change feed returned ${changes} changes, expected ${expectedChanges}`);

  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const rate = (n, ms) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
  console.log(`load average now: ${loadAverage()}`);
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
  await bare?.close();
  await running.close();
  if (pgdb) await pgdb.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
