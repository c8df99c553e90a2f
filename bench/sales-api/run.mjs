// Sales Web API benchmark: single-record GET and create, and a 1,000-operation $batch (one change
// set), against a bare fastify JSON endpoint measured in the same process as the baseline.
// Run with `npm run bench:sales-api` (builds first). Uses embedded PGlite in a temporary directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../../dist/platform/config.js';
import { startTandem } from '../../dist/main.js';

const PASSWORD = 'Bench-Passw0rd!';
const N_GET = Number(process.env.BENCH_GETS ?? 500);
const N_CREATE = Number(process.env.BENCH_CREATES ?? 300);
const N_BATCH = Number(process.env.BENCH_BATCHES ?? 3);
let serial = 0;

async function timeMany(n, fn) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / n;
  return { n, mean, p50: times[Math.floor(n * 0.5)], p95: times[Math.floor(n * 0.95)] };
}

function batchBody(n, round) {
  const parts = [];
  for (let i = 0; i < n; i++)
    parts.push(
      `--cs\r\nContent-Type: application/http\r\nContent-Transfer-Encoding:binary\r\nContent-ID: ${i + 1}\r\n\r\n` +
        `POST accounts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"name":"Batch ${i}","accountnumber":"B-${round}-${i}"}\r\n`,
    );
  return `--batch_b\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n${parts.join('')}--cs--\r\n--batch_b--\r\n`;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-sales-'));
const config = loadConfig({
  TANDEM_PORT: '0',
  TANDEM_DATA_DIR: dataDir,
  TANDEM_ADMIN_PASSWORD: PASSWORD,
  LOG_LEVEL: 'warn',
  TANDEM_SALES_REQUEST_LIMIT: '1000000',
});
const running = await startTandem(config, { log: false });
const bare = Fastify({ logger: false });
bare.get('/json', async () => ({
  '@odata.etag': 'W/"1"',
  accountid: '00000000-0000-0000-0000-000000000001',
  name: 'Bench',
}));
bare.post('/json', async (request, reply) => reply.status(204).header('odata-entityid', 'x').send());
bare.addContentTypeParser(
  'multipart/mixed',
  { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 },
  (_r, body, done) => done(null, body),
);
bare.post('/batch', async (request) => ({ length: request.body.length }));
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${bare.server.address().port}`;

try {
  const tokenResponse = await fetch(`${running.url}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: config.adminUpn, password: PASSWORD }),
  });
  const { access_token: token } = await tokenResponse.json();
  const api = `${running.url}/api/data/v9.2`;
  const headers = { authorization: `Bearer ${token}`, 'odata-version': '4.0', accept: 'application/json' };
  const created = await fetch(`${api}/accounts`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench' }),
  });
  const entity = created.headers.get('odata-entityid');
  // Warm up both servers.
  for (let i = 0; i < 50; i++) {
    await (await fetch(`${entity}?$select=name`, { headers })).text();
    await (await fetch(`${bareUrl}/json`)).text();
  }

  const get = await timeMany(N_GET, async () => {
    const r = await fetch(`${entity}?$select=name`, { headers });
    if (r.status !== 200) throw new Error(`GET ${r.status}`);
    await r.text();
  });
  const getBase = await timeMany(N_GET, async () => (await fetch(`${bareUrl}/json`)).text());
  const create = await timeMany(N_CREATE, async (i) => {
    const r = await fetch(`${api}/accounts`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      // accountnumber is the unique alternate key: a fresh one per request (warm-up included).
      body: JSON.stringify({ name: `Bench ${i}`, accountnumber: `C-${++serial}` }),
    });
    if (r.status !== 204) throw new Error(`POST ${r.status} ${await r.text()}`);
  });
  const createBase = await timeMany(N_CREATE, async (i) =>
    fetch(`${bareUrl}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bench ${i}` }),
    }),
  );
  const bodies = Array.from({ length: N_BATCH }, (_, round) => batchBody(1000, round));
  const body = bodies[0];
  const batch = await timeMany(N_BATCH, async (round) => {
    const r = await fetch(`${api}/$batch`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'multipart/mixed; boundary=batch_b' },
      body: bodies[round],
    });
    const text = await r.text();
    if (r.status !== 200 || (text.match(/HTTP\/1\.1 204/g) ?? []).length !== 1000)
      throw new Error(`batch ${r.status} ${text.slice(0, 300)}`);
  });
  const batchBase = await timeMany(N_BATCH, async () =>
    (
      await fetch(`${bareUrl}/batch`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/mixed; boundary=batch_b' },
        body,
      })
    ).text(),
  );
  const row = (name, m, b) =>
    `| ${name} | ${m.n} | ${m.mean.toFixed(2)} | ${m.p50.toFixed(2)} | ${m.p95.toFixed(2)} | ${b.mean.toFixed(2)} | ${(m.mean / b.mean).toFixed(1)}× |`;
  console.log(
    `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );
  console.log(
    `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; storage: ${running.database.kind}`,
  );
  console.log('| operation | n | mean ms | p50 ms | p95 ms | bare fastify mean ms | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(row('GET accounts(id)?$select=name', get, getBase));
  console.log(row('POST accounts (204)', create, createBase));
  console.log(row('$batch: 1 change set of 1,000 creates', batch, batchBase));
  console.log(`1,000-operation batch: ${(1000 / (batch.mean / 1000)).toFixed(0)} creates/s`);
} finally {
  await bare.close();
  await running.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
