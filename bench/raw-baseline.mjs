// Shared by the API benchmarks: the same machine's baselines, measured in the same run — a bare
// fastify server (JSON GET, 204 POST, a POST that only reads a multipart body) and raw SQL on the
// database handle Tandem opened (one statement through the driver, no HTTP, no checks).
import Fastify from 'fastify';
import os from 'node:os';
import fs from 'node:fs';

/**
 * `statements` (optional) adds the floor a single call cannot go under: routes that run only the one
 * statement such a call must run — `GET /read` the record by key, `POST /write` one INSERT, a
 * transaction of its own — straight through the driver, with no token, no checks and no OData.
 */
export async function bareServer(statements = {}) {
  const bare = Fastify({ logger: false });
  if (statements.read) bare.get('/read', async () => statements.read());
  if (statements.write)
    bare.post('/write', async (request, reply) => {
      await statements.write(request.body);
      return reply.status(204).send();
    });
  bare.get('/json', async () => ({
    '@odata.etag': 'W/"1"',
    accountid: '00000000-0000-0000-0000-000000000001',
    name: 'Bench',
  }));
  bare.post('/json', async (_request, reply) => reply.status(204).header('odata-entityid', 'x').send());
  bare.addContentTypeParser(
    'multipart/mixed',
    { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 },
    (_r, body, done) => done(null, body),
  );
  bare.post('/batch', async (request) => ({ length: request.body.length }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${bare.server.address().port}`, close: () => bare.close() };
}

/** Runs `work(client)` in one transaction on the driver's own client (PGlite, or a pooled pg client). */
export async function inTransaction(database, work) {
  const client = database.db.$client;
  if (database.kind === 'pglite') return client.transaction((tx) => work(tx));
  const connection = await client.connect();
  try {
    await connection.query('begin');
    const result = await work(connection);
    await connection.query('commit');
    return result;
  } catch (error) {
    await connection.query('rollback');
    throw error;
  } finally {
    connection.release();
  }
}

export async function timeMany(n, fn) {
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

export function machine() {
  const cpu =
    (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? os.cpus()[0]?.model;
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`;
}

export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Markdown rows: single calls beside the bare route, batches beside the raw statement. */
export function report({ title, storage, loadAtStart, single, batches }) {
  const lines = [
    `${title} — ${new Date().toISOString()}`,
    `machine: ${machine()}`,
    `load average at start: ${loadAtStart}; at end: ${loadAverage()}; storage: ${storage}`,
    '',
    '| single call | n | mean ms | p50 ms | p95 ms | bare fastify mean ms | ratio | bare + its one statement mean ms | ratio of that to bare |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  // BENCH_GETS=0 / BENCH_CREATES=0 skip single calls.
  for (const { name, api, bare, floor } of single.filter((s) => s.api.n > 0))
    lines.push(
      `| ${name} | ${api.n} | ${api.mean.toFixed(2)} | ${api.p50.toFixed(2)} | ${api.p95.toFixed(2)} | ${bare.mean.toFixed(2)} | ${(api.mean / bare.mean).toFixed(1)}× | ${floor ? floor.mean.toFixed(2) : '–'} | ${floor ? `${(floor.mean / bare.mean).toFixed(1)}×` : '–'} |`,
    );
  lines.push(
    '',
    '| 1,000 records | rounds | API mean ms | API records/s | raw SQL mean ms | raw records/s | ratio |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  // BENCH_BATCHES=0 / BENCH_ROUNDS=0 measure single calls only.
  for (const { name, api, raw } of batches.filter((b) => b.api.n > 0))
    lines.push(
      `| ${name} | ${api.n} | ${api.mean.toFixed(0)} | ${Math.round(1000 / (api.mean / 1000)).toLocaleString('en-US')} | ${raw.mean.toFixed(0)} | ${Math.round(1000 / (raw.mean / 1000)).toLocaleString('en-US')} | ${(api.mean / raw.mean).toFixed(1)}× |`,
    );
  return lines.join('\n');
}
