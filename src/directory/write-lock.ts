import { sql } from 'drizzle-orm';
import type { Transaction } from '../platform/db/database.js';

/**
 * The directory write lock (advisory lock 7246010, held to the end of the transaction). Triggers
 * take it before any statement writes users or licence assignments (migration 0002), which keeps
 * the outbox committed in id order. Code that locks anything else before its first such write
 * (seat rows, the administrator guard) calls this first, so every transaction takes the directory's
 * locks in one order and two of them can never deadlock. Re-entrant within a transaction.
 */
export async function lockDirectoryWrites(tx: Transaction): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(7246010)`);
}
