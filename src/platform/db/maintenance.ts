import { sql } from 'drizzle-orm';
import type { ForegroundGate } from '../jobs/foreground-gate.js';
import { queryRows, type DatabaseHandle } from './database.js';

/**
 * Vacuum and analyze for the embedded store. PGlite runs PostgreSQL as one single-user backend, and
 * no autovacuum worker ever starts there: left alone, tables are never analyzed, so the planner
 * guesses (after a 100,000-user import, a page of the directory outbox was read by sorting the whole
 * table, 74 ms, instead of by its key, 0.5 ms after ANALYZE), and dead rows are never vacuumed
 * (updates, deleted staged imports, pruned outbox rows keep their space for good). On PostgreSQL the
 * server's own autovacuum does this, and none of this runs.
 *
 * The thresholds are autovacuum's defaults: analyze a table once the rows changed since its last
 * analyze exceed 50 + 10% of its rows; vacuum it (and analyze) once its dead rows exceed 50 + 20%, or
 * the rows inserted since its last vacuum exceed 1,000 + 20% (which keeps the visibility map, and so
 * index-only scans, current). Checked every minute and a few seconds after writes, one table at a
 * time, each when no request is in flight (ForegroundGate).
 */

/** How long a table's turn waits for no request to be in flight. */
const MAX_WAIT_MS = 30_000;
/** The apps' schemas; drizzle's own bookkeeping is too small to matter. */
const SCHEMAS = ['directory', 'sales', 'erp', 'bridge'];

export interface TableDue {
  /** Schema-qualified and quoted, ready for a statement. */
  table: string;
  vacuum: boolean;
}

export interface DatabaseMaintenance {
  /** Vacuums and analyzes what is due now; returns what it did (for tests and logs). */
  runOnce(): Promise<TableDue[]>;
  /** Something was written: check again once the statistics have settled (debounced). */
  wake(): void;
  /** Stops the timers and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Tables past autovacuum's thresholds, from the cumulative statistics. */
export async function tablesDue(handle: DatabaseHandle): Promise<TableDue[]> {
  // Statistics reach the shared counters at most once a second and when a transaction ends; force
  // the pending ones out (at the end of this statement) so the next query sees every write.
  await handle.db.execute(sql`select pg_stat_force_next_flush()`);
  const rows = await queryRows<{ table: string; vacuum: boolean; analyze: boolean }>(
    handle.db,
    sql`select format('%I.%I', s.schemaname, s.relname) as "table",
               (s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0)
                 or s.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0)) as vacuum,
               s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) as analyze
        from pg_stat_user_tables s join pg_class c on c.oid = s.relid
        where s.schemaname in (${sql.join(
          SCHEMAS.map((schema) => sql`${schema}`),
          sql`, `,
        )})
        order by s.schemaname, s.relname`,
  );
  return rows.filter((r) => r.vacuum || r.analyze).map((r) => ({ table: r.table, vacuum: r.vacuum }));
}

/**
 * Starts the maintenance loop on PGlite; on PostgreSQL returns one that does nothing. Failures are
 * reported to `onError` and the loop goes on (a table dropped meanwhile, say).
 */
export function startDatabaseMaintenance(
  handle: DatabaseHandle,
  gate: ForegroundGate,
  options: { intervalMs?: number; settleMs?: number; onError?: (error: unknown) => void } = {},
): DatabaseMaintenance {
  if (handle.kind !== 'pglite') {
    return { runOnce: async () => [], wake: () => undefined, stop: async () => undefined };
  }
  const settleMs = options.settleMs ?? 3_000;
  let running: Promise<TableDue[]> | null = null;
  let stopped = false;
  let settle: NodeJS.Timeout | null = null;

  const runOnce = (): Promise<TableDue[]> => {
    running ??= (async () => {
      const done: TableDue[] = [];
      try {
        for (const due of await tablesDue(handle)) {
          // Vacuuming a large table holds the one thread for a few hundred milliseconds on PGlite:
          // wait for a real pause in requests (a steady stream still lets it through every 30 s).
          await gate.idle(MAX_WAIT_MS);
          if (stopped) break;
          await handle.db.execute(sql.raw(`${due.vacuum ? 'vacuum (analyze)' : 'analyze'} ${due.table}`));
          done.push(due);
        }
      } finally {
        running = null;
      }
      return done;
    })();
    return running;
  };
  const run = () => {
    if (stopped) return;
    runOnce().catch((error: unknown) => options.onError?.(error));
  };
  const timer = setInterval(run, options.intervalMs ?? 60_000);
  timer.unref();

  return {
    runOnce,
    wake() {
      if (stopped || settle) return;
      settle = setTimeout(() => {
        settle = null;
        run();
      }, settleMs);
      settle.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (settle) clearTimeout(settle);
      await running?.catch(() => undefined);
    },
  };
}
