/**
 * What the sync writes to its own tables, in small transactions that are fenced by the run's lease:
 * every write first checks that the mapping's run epoch is still the run's own, so a run that lost
 * its lease (stalled past it, or its worker presumed dead) cannot write over the run that took over.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Database, Queryable, Transaction } from '../../platform/db/database.js';
import { couplings, syncErrors, syncRuns, syncState, type SyncCounts } from '../schema.js';
import type { SyncSide } from './reconcile.js';

export type CouplingRow = typeof couplings.$inferSelect;
export type SyncErrorRow = typeof syncErrors.$inferSelect;
export type SyncRunRow = typeof syncRuns.$inferSelect;
export type SyncStateRow = typeof syncState.$inferSelect;

export const emptyCounts = (): SyncCounts => ({
  inserted: 0,
  modified: 0,
  deleted: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  coupled: 0,
  uncoupled: 0,
});

/** The run no longer holds the mapping's lease: another run took over. */
export class LeaseLostError extends Error {
  constructor(mapping: string) {
    super(`The run of ${mapping} lost its lease to another run; it stops without writing more.`);
    this.name = 'LeaseLostError';
  }
}

export interface Lease {
  mapping: string;
  epoch: number;
  runId: number;
}

/** Runs `work` in a transaction that holds the mapping's state row and checks the lease is still ours. */
export async function fenced<T>(
  db: Database,
  lease: Lease,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ epoch: syncState.runEpoch })
      .from(syncState)
      .where(eq(syncState.mapping, lease.mapping))
      .for('update');
    if (!row || row.epoch !== lease.epoch) throw new LeaseLostError(lease.mapping);
    return work(tx);
  });
}

export async function ensureState(q: Queryable, mapping: string): Promise<SyncStateRow> {
  await q.insert(syncState).values({ mapping }).onConflictDoNothing();
  const [row] = await q.select().from(syncState).where(eq(syncState.mapping, mapping));
  return row!;
}

export async function stateOf(q: Queryable, mapping: string): Promise<SyncStateRow | undefined> {
  const [row] = await q.select().from(syncState).where(eq(syncState.mapping, mapping));
  return row;
}

/**
 * Takes the mapping's lease when no live run holds it (one run per mapping at a time, across
 * processes), opening a run row. Undefined when another run holds it.
 */
export async function claimLease(
  db: Database,
  mapping: string,
  leaseSeconds: number,
  run: { kind: SyncRunRow['kind']; actorId: string; actorName: string },
): Promise<Lease | undefined> {
  return db.transaction(async (tx) => {
    await ensureState(tx, mapping);
    const [state] = await tx
      .update(syncState)
      .set({
        runEpoch: sql`${syncState.runEpoch} + 1`,
        leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .where(
        and(
          eq(syncState.mapping, mapping),
          sql`(${syncState.leaseUntil} is null or ${syncState.leaseUntil} < now())`,
        ),
      )
      .returning({ epoch: syncState.runEpoch, runId: syncState.runId });
    if (!state) return undefined;
    // A run that held the lease before and never finished (its process was killed) is marked so.
    if (state.runId)
      await tx
        .update(syncRuns)
        .set({
          status: 'interrupted',
          finishedAt: sql`now()`,
          message:
            'The run stopped before it finished (the process ended or lost its lease); the next run took over where it stood.',
        })
        .where(and(eq(syncRuns.id, state.runId), eq(syncRuns.status, 'running')));
    const [row] = await tx
      .insert(syncRuns)
      .values({
        mapping,
        kind: run.kind,
        status: 'running',
        actorId: run.actorId,
        actorName: run.actorName,
        toSales: emptyCounts(),
        toErp: emptyCounts(),
      })
      .returning({ id: syncRuns.id });
    await tx.update(syncState).set({ runId: row!.id }).where(eq(syncState.mapping, mapping));
    return { mapping, epoch: state.epoch, runId: row!.id };
  });
}

export async function renewLease(db: Database, lease: Lease, leaseSeconds: number): Promise<void> {
  const rows = await db
    .update(syncState)
    .set({ leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where(and(eq(syncState.mapping, lease.mapping), eq(syncState.runEpoch, lease.epoch)))
    .returning({ mapping: syncState.mapping });
  if (rows.length === 0) throw new LeaseLostError(lease.mapping);
}

/** Closes the run row and gives the lease back (only if still ours). */
export async function finishRun(
  db: Database,
  lease: Lease,
  outcome: {
    status: 'succeeded' | 'failed';
    counts: { toSales: SyncCounts; toErp: SyncCounts };
    message?: string | null;
    notBefore?: Date | null;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(syncRuns)
      .set({
        status: outcome.status,
        finishedAt: sql`now()`,
        toSales: outcome.counts.toSales,
        toErp: outcome.counts.toErp,
        message: outcome.message ?? null,
      })
      .where(eq(syncRuns.id, lease.runId));
    // A failed run is retried with backoff: 2 s, 4 s, 8 s … up to 5 minutes (or the server's Retry-After).
    const backoff = sql`now() + make_interval(secs => least(300, power(2, ${syncState.failedRuns} + 1)))`;
    await tx
      .update(syncState)
      .set({
        leaseUntil: null,
        runId: null,
        lastRunAt: sql`now()`,
        lastError: outcome.status === 'failed' ? (outcome.message ?? null) : null,
        failedRuns: outcome.status === 'failed' ? sql`${syncState.failedRuns} + 1` : 0,
        notBefore: outcome.notBefore ?? (outcome.status === 'failed' ? backoff : null),
      })
      .where(and(eq(syncState.mapping, lease.mapping), eq(syncState.runEpoch, lease.epoch)));
  });
}

/** Counts so far, so a run's row shows progress while it runs. */
export async function saveProgress(
  db: Database,
  lease: Lease,
  counts: { toSales: SyncCounts; toErp: SyncCounts },
): Promise<void> {
  await db
    .update(syncRuns)
    .set({ toSales: counts.toSales, toErp: counts.toErp })
    .where(eq(syncRuns.id, lease.runId));
}

export async function findCoupling(
  q: Queryable,
  mapping: string,
  side: SyncSide,
  id: string,
): Promise<CouplingRow | undefined> {
  const column = side === 'erp' ? couplings.erpId : couplings.salesId;
  const [row] = await q
    .select()
    .from(couplings)
    .where(and(eq(couplings.mapping, mapping), eq(column, id)));
  return row;
}

export async function pendingCouplings(q: Queryable, mapping: string): Promise<CouplingRow[]> {
  return q
    .select()
    .from(couplings)
    .where(and(eq(couplings.mapping, mapping), eq(couplings.state, 'pending')))
    .orderBy(asc(couplings.id));
}

/** The errors a run retries first (failed or waiting, not skipped), oldest first. */
export async function retryableErrors(q: Queryable, mapping: string): Promise<SyncErrorRow[]> {
  return q
    .select()
    .from(syncErrors)
    .where(and(eq(syncErrors.mapping, mapping), eq(syncErrors.skipped, false)))
    .orderBy(asc(syncErrors.id));
}

export async function skippedError(
  q: Queryable,
  mapping: string,
  side: SyncSide,
  id: string,
): Promise<SyncErrorRow | undefined> {
  const [row] = await q
    .select()
    .from(syncErrors)
    .where(
      and(
        eq(syncErrors.mapping, mapping),
        eq(syncErrors.sourceSide, side),
        eq(syncErrors.sourceId, id),
        eq(syncErrors.skipped, true),
      ),
    );
  return row;
}

/** Forgets the errors of both records of a pair that has just synchronised. */
export async function clearErrors(
  tx: Queryable,
  mapping: string,
  records: Array<{ side: SyncSide; id: string }>,
): Promise<void> {
  for (const r of records)
    await tx
      .delete(syncErrors)
      .where(
        and(
          eq(syncErrors.mapping, mapping),
          eq(syncErrors.sourceSide, r.side),
          eq(syncErrors.sourceId, r.id),
        ),
      );
}

/**
 * Records a record's failure. The same message as last time counts one more identical failure; at
 * `skipAfter` (0 = never) the record is skipped until someone retries it. Waiting never skips.
 * Returns whether the record is now skipped.
 */
export async function recordFailure(
  tx: Queryable,
  runId: number,
  failure: {
    mapping: string;
    sourceSide: SyncSide;
    sourceId: string;
    sourceName: string | null;
    destinationId: string | null;
    kind: 'failed' | 'waiting';
    message: string;
    remoteStatus?: number | null;
    remoteCode?: string | null;
    skipAfter: number;
  },
): Promise<boolean> {
  const [existing] = await tx
    .select()
    .from(syncErrors)
    .where(
      and(
        eq(syncErrors.mapping, failure.mapping),
        eq(syncErrors.sourceSide, failure.sourceSide),
        eq(syncErrors.sourceId, failure.sourceId),
      ),
    );
  // Identical failures are counted once per run: a record retried within the same run is one failure.
  const count =
    !existing || existing.message !== failure.message
      ? 1
      : existing.lastRunId === runId
        ? existing.count
        : existing.count + 1;
  const skipped = failure.kind === 'failed' && failure.skipAfter > 0 && count >= failure.skipAfter;
  const values = {
    sourceName: failure.sourceName,
    destinationId: failure.destinationId,
    kind: failure.kind,
    message: failure.message,
    remoteStatus: failure.remoteStatus ?? null,
    remoteCode: failure.remoteCode ?? null,
    count,
    lastAt: sql`now()`,
    lastRunId: runId,
    skipped,
  };
  if (existing) await tx.update(syncErrors).set(values).where(eq(syncErrors.id, existing.id));
  else
    await tx.insert(syncErrors).values({
      mapping: failure.mapping,
      sourceSide: failure.sourceSide,
      sourceId: failure.sourceId,
      ...values,
    });
  return skipped;
}

export async function listRuns(
  q: Queryable,
  options: { mapping?: string; top: number },
): Promise<SyncRunRow[]> {
  const query = q.select().from(syncRuns);
  const filtered = options.mapping ? query.where(eq(syncRuns.mapping, options.mapping)) : query;
  return filtered.orderBy(desc(syncRuns.id)).limit(options.top);
}

export async function listErrors(
  q: Queryable,
  options: { mapping?: string; top: number },
): Promise<SyncErrorRow[]> {
  const query = q.select().from(syncErrors);
  const filtered = options.mapping ? query.where(eq(syncErrors.mapping, options.mapping)) : query;
  return filtered.orderBy(desc(syncErrors.lastAt), desc(syncErrors.id)).limit(options.top);
}
