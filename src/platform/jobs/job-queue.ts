/**
 * The job queue: pg-boss 10 on the app's own database, in its own schema `pgboss`. It reaches the
 * database through the handle's `executeSql` — PGlite has a single session, so pg-boss must not open
 * a pool of its own; on PostgreSQL it shares the app's pool. Workers run in this process; on
 * PostgreSQL several Tandem processes share the queue (pg-boss fetches with SKIP LOCKED).
 */
import PgBoss from 'pg-boss';
import type { ExecuteSql } from '../db/database.js';

export type JobQueue = PgBoss;

export async function startJobQueue(options: {
  executeSql: ExecuteSql;
  onError: (error: unknown) => void;
}): Promise<JobQueue> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => options.executeSql(text, values) },
    schema: 'pgboss',
    migrate: true,
    // Maintenance fails jobs past their expiry (a worker killed mid-job) and deletes old ones.
    supervise: true,
    maintenanceIntervalSeconds: 60,
    // No cron schedules: the bridge's own scheduler decides when mappings run.
    schedule: false,
    deleteAfterDays: 7,
  });
  boss.on('error', options.onError);
  await boss.start();
  return boss;
}

export async function stopJobQueue(boss: JobQueue): Promise<void> {
  // Graceful: the workers' jobs in progress end first (a sync run checkpoints as it goes anyway).
  await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
}
