import { sql } from 'drizzle-orm';
import type { Transaction } from '../platform/db/database.js';

/**
 * The Sales write lock (advisory lock 7246020, held to the end of the transaction). Triggers take it
 * before any statement writes a versioned Sales table (migration 0001), which keeps versionnumbers
 * committed in order, so change tracking never skips a late commit. Code that locks anything else
 * before its first such write (e.g. `select … for update` on a row it then checks) calls this first,
 * so every transaction takes the Sales locks in one order and two of them can never deadlock.
 * Re-entrant within a transaction.
 */
export async function lockSalesWrites(tx: Transaction): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(7246020)`);
}
