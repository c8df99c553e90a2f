import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type DatabaseHandle } from '../src/platform/db/database.js';
import { createScratchDatabase, type ScratchDatabase } from '../src/platform/db/scratch-database.js';
import { startDatabaseMaintenance, tablesDue } from '../src/platform/db/maintenance.js';
import { ForegroundGate } from '../src/platform/jobs/foreground-gate.js';
import { templatePgdata } from './support/template.js';

const onPostgres = Boolean(process.env.TANDEM_TEST_DATABASE_URL);

/** PGlite has no autovacuum; Tandem's maintenance loop stands in for it, and stays out of PostgreSQL's way. */
describe('database maintenance', () => {
  let handle: DatabaseHandle;
  let scratch: ScratchDatabase | undefined;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-maint-'));
    if (onPostgres)
      scratch = await createScratchDatabase(process.env.TANDEM_TEST_DATABASE_URL!, 'tandem_test');
    else fs.cpSync(templatePgdata(), path.join(dataDir, 'pgdata'), { recursive: true });
    handle = await openDatabase({ databaseUrl: scratch?.url, dataDir });
  });
  afterAll(async () => {
    await handle?.close();
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const outboxPlan = async () =>
    (
      await queryRows<{ 'QUERY PLAN': string }>(
        handle.db,
        sql`explain select id, subject_id from directory.outbox where id > 100 and topic = 'user' order by id limit 500`,
      )
    )
      .map((r) => r['QUERY PLAN'])
      .join('\n');

  it.skipIf(onPostgres)(
    'PGlite: analyzes and vacuums tables past autovacuum thresholds, and the planner uses the key',
    async () => {
      await handle.db.execute(sql`
      insert into directory.outbox (topic, subject_id)
      select 'user', gen_random_uuid() from generate_series(1, 5000)`);
      // Never analyzed: the planner guesses few rows match and sorts the table.
      expect(await outboxPlan()).toContain('Sort');
      expect(await tablesDue(handle)).toContainEqual({ table: 'directory.outbox', vacuum: true });

      const gate = new ForegroundGate(60_000);
      const maintenance = startDatabaseMaintenance(handle, gate, { intervalMs: 3_600_000 });
      try {
        // A request in flight holds the work back until it ends.
        gate.enter();
        let finished = false;
        const run = maintenance.runOnce().then((done) => {
          finished = true;
          return done;
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(finished).toBe(false);
        gate.leave();
        expect((await run).map((d) => d.table)).toContain('directory.outbox');
      } finally {
        await maintenance.stop();
      }

      const [stats] = await queryRows<{ analyzed: boolean; vacuumed: boolean }>(
        handle.db,
        sql`select last_analyze is not null as analyzed, last_vacuum is not null as vacuumed
          from pg_stat_user_tables where schemaname = 'directory' and relname = 'outbox'`,
      );
      expect(stats).toEqual({ analyzed: true, vacuumed: true });
      expect(await outboxPlan()).toContain('Index Scan using outbox_pkey');
      expect((await tablesDue(handle)).map((d) => d.table)).not.toContain('directory.outbox');
    },
  );

  it('does nothing on PostgreSQL, whose autovacuum does the work', async () => {
    const postgres = onPostgres ? handle : { ...handle, kind: 'postgres' as const };
    const maintenance = startDatabaseMaintenance(postgres, new ForegroundGate());
    expect(await maintenance.runOnce()).toEqual([]);
    await maintenance.stop();
  });
});
