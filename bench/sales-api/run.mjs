// Sales Web API benchmark: single-record GET by key and POST beside a bare fastify route, and
// $batch change sets of 1,000 creates and of 1,000 updates beside a raw multi-row
// `INSERT … SELECT FROM unnest` / `UPDATE … FROM unnest` of the same rows, all in the same run.
//
//   npm run bench:sales-api                                   # embedded PGlite, fresh temp data dir
//   BENCH_DATABASE_URL=postgres://… npm run bench:sales-api   # a fresh database on that server
//   BENCH_GETS=500 BENCH_CREATES=300 BENCH_BATCHES=5 …
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../dist/platform/config.js';
import { startTandem } from '../../dist/main.js';
import { createScratchDatabase } from '../../dist/platform/db/scratch-database.js';
import { bareServer, inTransaction, loadAverage, report, timeMany } from '../raw-baseline.mjs';

const PASSWORD = 'Bench-Passw0rd!';
const N_GET = Number(process.env.BENCH_GETS ?? 500);
const N_CREATE = Number(process.env.BENCH_CREATES ?? 300);
const N_BATCH = Number(process.env.BENCH_BATCHES ?? 5);
const SIZE = 1000;
let serial = 0;

function changeSetBody(operations) {
  const parts = operations.map(
    ({ method, url, body }, i) =>
      `--cs\r\nContent-Type: application/http\r\nContent-Transfer-Encoding:binary\r\nContent-ID: ${i + 1}\r\n\r\n` +
      `${method} ${url} HTTP/1.1\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(body)}\r\n`,
  );
  return `--batch_b\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n${parts.join('')}--cs--\r\n--batch_b--\r\n`;
}

const loadAtStart = loadAverage();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-sales-'));
const pgdb = process.env.BENCH_DATABASE_URL
  ? await createScratchDatabase(process.env.BENCH_DATABASE_URL, 'tandem_bench')
  : undefined;
const config = loadConfig({
  TANDEM_PORT: '0',
  TANDEM_DATA_DIR: dataDir,
  TANDEM_ADMIN_PASSWORD: PASSWORD,
  LOG_LEVEL: 'warn',
  TANDEM_SALES_REQUEST_LIMIT: '10000000',
  ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
});
const running = await startTandem(config, { log: false });
let bare;

try {
  const tokenResponse = await fetch(`${running.url}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: config.adminUpn, password: PASSWORD }),
  });
  const { access_token: token } = await tokenResponse.json();
  const api = `${running.url}/api/data/v9.2`;
  const headers = { authorization: `Bearer ${token}`, 'odata-version': '4.0', accept: 'application/json' };
  const me = await (await fetch(`${api}/WhoAmI`, { headers })).json();
  const created = await fetch(`${api}/accounts`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench' }),
  });
  const entity = created.headers.get('odata-entityid');
  const accountId = /\(([^)]+)\)$/.exec(entity)[1];
  const driver = running.database.db.$client;
  bare = await bareServer({
    read: async () =>
      (
        await driver.query('select accountid, name, versionnumber from sales.account where accountid = $1', [
          accountId,
        ])
      ).rows[0],
    write: (body) =>
      driver.query(
        `insert into sales.account (name, accountnumber, ownerid, owningbusinessunit, createdby, modifiedby)
         values ($1, $2, $3, $4, $3, $3) returning accountid`,
        [body.name, body.accountnumber, me.UserId, me.BusinessUnitId],
      ),
  });
  const post = (body) =>
    fetch(`${api}/accounts`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  // Warm up both servers.
  for (let i = 0; i < 50; i++) {
    await (await fetch(`${entity}?$select=name`, { headers })).text();
    await (await fetch(`${bare.url}/json`)).text();
    await (await fetch(`${bare.url}/read`)).text();
    await (await post({ name: 'Warm-up', accountnumber: `W-${++serial}` })).text();
  }

  const get = await timeMany(N_GET, async () => {
    const r = await fetch(`${entity}?$select=name`, { headers });
    if (r.status !== 200) throw new Error(`GET ${r.status}`);
    await r.text();
  });
  const getBare = await timeMany(N_GET, async () => (await fetch(`${bare.url}/json`)).text());
  const getFloor = await timeMany(N_GET, async () => (await fetch(`${bare.url}/read`)).text());
  const create = await timeMany(N_CREATE, async (i) => {
    // accountnumber is the unique alternate key: a fresh one per request.
    const r = await post({ name: `Bench ${i}`, accountnumber: `C-${++serial}` });
    if (r.status !== 204) throw new Error(`POST ${r.status} ${await r.text()}`);
  });
  const createBare = await timeMany(N_CREATE, async (i) =>
    fetch(`${bare.url}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bench ${i}` }),
    }),
  );
  const createFloor = await timeMany(N_CREATE, async (i) => {
    const r = await fetch(`${bare.url}/write`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bench ${i}`, accountnumber: `F-${++serial}` }),
    });
    if (r.status !== 204) throw new Error(`floor POST ${r.status} ${await r.text()}`);
  });

  const sendBatch = async (operations, expected) => {
    const r = await fetch(`${api}/$batch`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'multipart/mixed; boundary=batch_b' },
      body: changeSetBody(operations),
    });
    const text = await r.text();
    if (r.status !== 200 || (text.match(new RegExp(`HTTP/1\\.1 ${expected}`, 'g')) ?? []).length !== SIZE)
      throw new Error(`batch ${r.status} ${text.slice(0, 300)}`);
    return text;
  };
  const idsOf = (text) => [...text.matchAll(/OData-EntityId: \S+\(([0-9a-f-]{36})\)/gi)].map((m) => m[1]);

  // Creates and updates through $batch, alternating with the raw statements of the same rows.
  const createdIds = [];
  const batchCreate = [];
  const rawCreate = [];
  const batchUpdate = [];
  const rawUpdate = [];
  const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
  for (let round = 0; round < N_BATCH; round++) {
    const rows = Array.from({ length: SIZE }, (_, i) => ({
      name: `Batch ${i}`,
      accountnumber: `B-${round}-${i}`,
    }));
    let t0 = process.hrtime.bigint();
    const text = await sendBatch(
      rows.map((body) => ({ method: 'POST', url: 'accounts', body })),
      204,
    );
    batchCreate.push(ms(t0));
    const ids = idsOf(text);
    createdIds.push(ids);

    t0 = process.hrtime.bigint();
    const rawIds = await inTransaction(running.database, async (client) => {
      const result = await client.query(
        `insert into sales.account (name, accountnumber, ownerid, owningbusinessunit, createdby, modifiedby)
         select n, a, $3, $4, $3, $3 from unnest($1::text[], $2::text[]) as t(n, a) returning accountid`,
        [rows.map((r) => r.name), rows.map((r) => `R${r.accountnumber}`), me.UserId, me.BusinessUnitId],
      );
      return result.rows.map((r) => r.accountid);
    });
    rawCreate.push(ms(t0));

    t0 = process.hrtime.bigint();
    await sendBatch(
      ids.map((id, i) => ({
        method: 'PATCH',
        url: `accounts(${id})`,
        body: { name: `Updated ${round} ${i}` },
      })),
      204,
    );
    batchUpdate.push(ms(t0));

    t0 = process.hrtime.bigint();
    await inTransaction(running.database, (client) =>
      client.query(
        `update sales.account a set name = t.n, modifiedby = $3
         from unnest($1::uuid[], $2::text[]) as t(id, n) where a.accountid = t.id`,
        [rawIds, rawIds.map((_, i) => `Updated ${round} ${i}`), me.UserId],
      ),
    );
    rawUpdate.push(ms(t0));
  }
  const stats = (times) => {
    const sorted = [...times].sort((a, b) => a - b);
    return {
      n: times.length,
      mean: times.reduce((a, b) => a + b, 0) / times.length,
      p50: sorted[Math.floor(sorted.length / 2)],
    };
  };
  console.log(
    report({
      title: 'Tandem Sales Web API benchmark',
      storage: running.database.kind,
      loadAtStart,
      single: [
        { name: 'GET accounts(id)?$select=name', api: get, bare: getBare, floor: getFloor },
        { name: 'POST accounts (204)', api: create, bare: createBare, floor: createFloor },
      ],
      batches: [
        { name: '$batch change set: creates', api: stats(batchCreate), raw: stats(rawCreate) },
        { name: '$batch change set: updates (PATCH by id)', api: stats(batchUpdate), raw: stats(rawUpdate) },
      ],
    }),
  );
  console.log(
    `per round (ms): creates ${batchCreate.map((t) => t.toFixed(0)).join(', ')}; updates ${batchUpdate.map((t) => t.toFixed(0)).join(', ')}`,
  );
} finally {
  await bare?.close();
  await running.close();
  if (pgdb) await pgdb.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
