/**
 * Sync runs are pg-boss jobs on the `bridge-sync` queue, on PGlite as on PostgreSQL: a person's run
 * is a job whose output is the run's result, and runs of one mapping asked for at once never overlap
 * (the lease); the others answer "busy" or run after it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/platform/db/database.js';
import { call, ok } from './support/bridge.js';
import { connectSystem, erpApi, salesApi, type ConnectedSystem } from './support/sync.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let c: ConnectedSystem;

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_SYNC_POLL_MS: '0' });
  c = await connectSystem(system);
  await ok(system, 'POST', '/bridge/sync/review/start');
});
afterAll(async () => {
  await system?.stop();
});

interface JobRow {
  state: string;
  singleton_key: string;
  data: { mapping: string; kind: string; actor: { name: string } };
  output: { result?: { runId: number; status: string } } | null;
}

const jobs = () =>
  queryRows<JobRow>(
    system.running.database.db,
    sql`select state, singleton_key, data, output from pgboss.job where name = 'bridge-sync' order by created_on`,
  );

describe('sync runs on the job queue', () => {
  it('runs a person’s request as a job whose output is the run', async () => {
    await erpApi(c).create('customers', {
      displayName: 'Queue Test Ltd',
      salespersonCode: c.sellers[0]!.code,
    });
    const result = await ok(system, 'POST', '/bridge/sync/run', { mapping: 'CUSTOMER' });
    const run = result.value[0];
    expect(run).toMatchObject({ mapping: 'CUSTOMER', status: 'succeeded' });
    expect(run.toSales.inserted).toBe(1);
    // The job's completion is written just after its handler answers.
    let job: JobRow | undefined;
    for (let i = 0; i < 50 && job?.state !== 'completed'; i++) {
      job = (await jobs()).find((j) => j.output?.result?.runId === run.runId);
      if (job?.state !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(job).toMatchObject({
      state: 'completed',
      data: { mapping: 'CUSTOMER', kind: 'incremental' },
      output: { result: { runId: run.runId, status: 'succeeded' } },
    });
    // A person's request has a key of its own: it is never folded into a scheduler's queued run.
    expect(job!.singleton_key).toMatch(/^request:/);
  });

  // A race on PGlite as on PostgreSQL: two in-process workers take jobs at once and a run is many
  // awaited HTTP calls, so without the lease two runs of a mapping interleave on either database.
  it('never lets two runs of one mapping overlap, however many are asked for at once', async () => {
    for (let i = 0; i < 5; i++)
      await erpApi(c).create('customers', {
        displayName: `Parallel ${i}`,
        salespersonCode: c.sellers[0]!.code,
      });
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        call(system, 'POST', '/bridge/sync/run', { mapping: 'CUSTOMER', full: true }),
      ),
    );
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(['succeeded', 'busy']).toContain(a.body.value[0].status);
    }
    expect(answers.some((a) => a.body.value[0].status === 'succeeded')).toBe(true);
    const log = await ok(system, 'GET', '/bridge/sync/runs?mapping=CUSTOMER&top=20');
    const runs = (log.value as Array<{ startedAt: string; finishedAt: string }>)
      .map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt)] as const)
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < runs.length; i++) expect(runs[i]![0]).toBeGreaterThanOrEqual(runs[i - 1]![1]);
    // Every customer went over once: no run duplicated another's creates.
    const accounts = await salesApi(c).list('accounts', "startswith(name,'Parallel ')", 'name');
    expect(accounts).toHaveLength(5);
    const inserted = answers
      .filter((a) => a.body.value[0].status === 'succeeded')
      .reduce((n, a) => n + a.body.value[0].toSales.inserted, 0);
    expect(inserted).toBe(5);
  });
});
