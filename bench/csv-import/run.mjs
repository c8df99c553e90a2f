// Benchmark: import 100,000 users from an M365 template CSV with licence assignment, through the
// public HTTP API of the built server (npm run bench:csv-import builds first).
//
//   npm run bench:csv-import                      # embedded PGlite in a fresh temp data dir
//   BENCH_DATABASE_URL=postgres://… npm run bench:csv-import   # a fresh database on that server
//   BENCH_ROWS=20000 npm run bench:csv-import     # another size
//   BENCH_STATEMENTS=1 npm run bench:csv-import   # also print the slowest statements of each phase
//   BENCH_CATCH_UP=1 npm run bench:csv-import     # also time Sales' and ERP's provisioning of the users
//
// Phases timed: upload+verify, apply (users + licences), results download; server start is not.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const ROWS = Number(process.env.BENCH_ROWS || 100000);
const SKU = 'DYN365_ENTERPRISE_PLAN1';
const PASSWORD = 'Bench-Passw0rd!';

const { startTandem } = await import(path.join(root, 'dist/main.js'));
const { loadConfig } = await import(path.join(root, 'dist/platform/config.js'));
const { createScratchDatabase } = await import(path.join(root, 'dist/platform/db/scratch-database.js'));
const { M365_HEADER } = await import(path.join(root, 'dist/directory/user-fields.js'));
const statements = process.env.BENCH_STATEMENTS ? await import('./statement-timings.mjs') : undefined;
await statements?.installStatementTimings();
const phaseDone = (phase) => statements?.statementReport(phase);

// The benchmark's client (upload, apply, results download) runs on a worker thread, as a real
// client runs in a process of its own: on the server's thread it competed with the server it measures.
// It matters most for the download: once the server had handed the last ~4 MB to the kernel (request
// over, so Sales and ERP provisioning of the new users ran back to back), an in-thread client read one
// ~93 KB socket buffer per event-loop turn, i.e. per provisioning page: 9–14 s of "download" most runs.
// Streaming the 16 MiB upload from the same thread likewise took server CPU during verify.
const client = new Worker(
  `const { parentPort } = require('node:worker_threads');
   const fs = require('node:fs');
   const { Readable } = require('node:stream');
   parentPort.on('message', async (m) => {
     try {
       const init = { method: m.method, headers: m.headers };
       if (m.file) Object.assign(init, { body: Readable.toWeb(fs.createReadStream(m.file)), duplex: 'half' });
       else if (m.body !== undefined) init.body = m.body;
       const response = await fetch(m.url, init);
       const text = await response.text();
       if (!response.ok) throw new Error(\`\${m.what} failed: HTTP \${response.status} \${text}\`);
       parentPort.postMessage(m.lines ? { lines: text.trimEnd().split('\\r\\n').length - 1 } : { json: JSON.parse(text) });
     } catch (error) {
       parentPort.postMessage({ error: String(error?.stack ?? error) });
     }
   });`,
  { eval: true },
);
client.unref();
const request = (message) =>
  new Promise((resolve, reject) => {
    client.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m.lines ?? m.json)));
    client.postMessage(message);
  });

function generate(file) {
  const started = performance.now();
  const lines = [M365_HEADER.join(',')];
  for (let i = 1; i <= ROWS; i++) {
    const n = String(i).padStart(6, '0');
    lines.push(
      [
        `user${n}@contoso.com`,
        `First${n}`,
        `Last${n}`,
        `First${n} Last${n}`,
        'Salesperson',
        'Sales',
        String(100000 + i),
        `123-555-${String(i % 10000).padStart(4, '0')}`,
        `123-556-${String(i % 10000).padStart(4, '0')}`,
        '',
        '',
        `${i} Main Street`,
        'Redmond',
        'WA',
        '98052',
        'United States',
      ].join(','),
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '\uFEFF' + lines.join('\r\n') + '\r\n');
  return performance.now() - started;
}

async function check(response, what) {
  if (!response.ok) throw new Error(`${what} failed: HTTP ${response.status} ${await response.text()}`);
  return response;
}

const file = path.join(here, 'out', `users-${ROWS}.csv`);
const generateMs = generate(file);
const size = fs.statSync(file).size;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-'));
const pgdb = process.env.BENCH_DATABASE_URL
  ? await createScratchDatabase(process.env.BENCH_DATABASE_URL, 'tandem_bench')
  : undefined;
const config = loadConfig({
  TANDEM_PORT: '0',
  TANDEM_DATA_DIR: dataDir,
  TANDEM_ADMIN_PASSWORD: PASSWORD,
  TANDEM_LICENCES: `${SKU}:${ROWS + 1000}`,
  LOG_LEVEL: 'warn',
  ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
});
// The machine is often shared: the load average before and after the timed phases goes in the output.
const loadBefore = os.loadavg();
const startStarted = performance.now();
const running = await startTandem(config, { log: false });
const startMs = performance.now() - startStarted;
const url = running.url;
const timings = {};
try {
  let t = performance.now();
  const token = await check(
    await fetch(`${url}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: config.adminUpn, password: PASSWORD }),
    }),
    'token',
  ).then((r) => r.json());
  const auth = { authorization: `Bearer ${token.access_token}` };
  timings.token = performance.now() - t;
  phaseDone('start and token');

  const total = performance.now();
  t = performance.now();
  const verified = await request({
    what: 'upload',
    url: `${url}/directory/imports?fileName=${path.basename(file)}`,
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv', 'content-length': String(size) },
    file,
  });
  timings.uploadVerify = performance.now() - t;
  phaseDone('upload + verify');
  if (verified.problemCount !== 0 || verified.willCreate !== ROWS) {
    throw new Error(`unexpected verify result: ${JSON.stringify(verified).slice(0, 500)}`);
  }

  t = performance.now();
  const applied = await request({
    what: 'apply',
    url: `${url}/directory/imports/${verified.id}/apply`,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ licence: SKU }),
  });
  timings.apply = performance.now() - t;
  phaseDone('apply');
  if (applied.created !== ROWS || applied.licensed !== ROWS) {
    throw new Error(`unexpected apply result: ${JSON.stringify(applied)}`);
  }

  t = performance.now();
  const resultLines = await request({
    what: 'results',
    url: `${url}${applied.resultsUrl}`,
    method: 'GET',
    headers: auth,
    lines: true,
  });
  timings.results = performance.now() - t;
  phaseDone('results');
  if (resultLines !== ROWS) throw new Error(`results file has ${resultLines} lines, expected ${ROWS}`);
  timings.total = performance.now() - total;

  // Not part of the import: the Sales and ERP consumers provision the new users in the background
  // afterwards (their cursors reach the directory outbox's head).
  let catchUpMs;
  if (process.env.BENCH_CATCH_UP) {
    const { sql } = await import('drizzle-orm');
    const started = performance.now();
    for (;;) {
      const result = await running.database.db.execute(sql`
        select (select max(id) from directory.outbox)::bigint as head,
               (select min(cursor) from sales.provisioning_state)::bigint as sales,
               (select min(cursor) from erp.feed_cursors)::bigint as erp`);
      const { head, sales, erp } = result.rows[0];
      if (Number(sales) >= Number(head) && Number(erp) >= Number(head)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    catchUpMs = performance.now() - started;
  }

  const cpu =
    (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? os.cpus()[0]?.model;
  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`Tandem CSV import benchmark — ${new Date().toISOString()}`);
  console.log(
    `machine: ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );
  console.log(`storage: ${running.database.kind}${pgdb ? '' : ' (fresh data dir)'}`);
  console.log(
    `file: ${ROWS.toLocaleString('en-US')} users, ${(size / 2 ** 20).toFixed(1)} MiB (generated in ${fmt(generateMs)})`,
  );
  const load = (l) => l.map((x) => x.toFixed(2)).join(', ');
  console.log(`load average (1, 5, 15 min): before ${load(loadBefore)}; after ${load(os.loadavg())}`);
  console.log(`server start (not counted): ${fmt(startMs)}; token: ${fmt(timings.token)}`);
  console.log(`upload + verify: ${fmt(timings.uploadVerify)}`);
  console.log(`apply (create users + assign ${SKU}): ${fmt(timings.apply)}`);
  console.log(`results.csv download: ${fmt(timings.results)}`);
  console.log(
    `TOTAL: ${fmt(timings.total)}  → ${Math.round(ROWS / (timings.total / 1000)).toLocaleString('en-US')} rows/s`,
  );
  if (catchUpMs !== undefined) {
    console.log(`Sales and ERP provisioning caught up ${fmt(catchUpMs)} after the results download`);
  }
  console.log(
    `peak RSS (server and client share this process): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
} finally {
  await client.terminate();
  await running.close();
  if (pgdb) await pgdb.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
