import { sql } from 'drizzle-orm';
import type { Database, Queryable, Transaction } from '../platform/db/database.js';

/** First key of the company write lock's two-part advisory lock (the second is the company's hash). */
const COMPANY_LOCK_CLASS = 7246020;

/**
 * Takes the company write locks (transaction-scoped advisory locks, re-entrant) in a fixed order and
 * records them in the transaction-local setting the guard trigger checks (migration 0001). Row
 * versions of a company are drawn only under its lock, so they commit in order and a change-feed
 * reader that has seen version N has seen every earlier version of that company. Must be the
 * transaction's first locking statement, so every writer takes its locks in the same order.
 */
export async function lockCompanyWrites(tx: Transaction, companyIds: readonly string[]): Promise<void> {
  const ids = [...new Set(companyIds)].sort();
  for (const id of ids) {
    await tx.execute(sql`select pg_advisory_xact_lock(${COMPANY_LOCK_CLASS}, hashtext(${id}::text)),
      set_config('erp.locked_companies',
        coalesce(current_setting('erp.locked_companies', true), '') || ${id}::text || ',', true)`);
  }
}

function isTransaction(q: Queryable): q is Transaction {
  return 'rollback' in q && typeof (q as { rollback?: unknown }).rollback === 'function';
}

/**
 * Runs `work` in a transaction holding the company's write lock: the only way ERP record tables are
 * written. Inside an open transaction (an atomic $batch) it joins that transaction.
 */
export async function withCompanyWrite<T>(
  q: Queryable,
  companyId: string,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  if (isTransaction(q)) {
    await lockCompanyWrites(q, [companyId]);
    return work(q);
  }
  return (q as Database).transaction(async (tx) => {
    await lockCompanyWrites(tx, [companyId]);
    return work(tx);
  });
}
