import { sql } from 'drizzle-orm';
import type { Database, Queryable, Transaction } from '../platform/db/database.js';

/** First key of the company write lock's two-part advisory lock (the second is the company's hash). */
const COMPANY_LOCK_CLASS = 7246020;

/** Locks a transaction already holds (in JS, to save a round trip per request of a batch). */
const heldLocks = new WeakMap<Transaction, Set<string>>();

/**
 * A savepoint inside a transaction that holds company locks holds them too (they are the
 * transaction's): recorded so the requests of a $batch do not take them again.
 */
export function inheritCompanyLocks(parent: Transaction, savepoint: Transaction): void {
  const held = heldLocks.get(parent);
  if (held) heldLocks.set(savepoint, new Set(held));
}

/**
 * Takes the company write locks (transaction-scoped advisory locks, re-entrant) in a fixed order and
 * records them in the transaction-local setting the guard trigger checks (migration 0001). Row
 * versions of a company are drawn only under its lock, so they commit in order and a change-feed
 * reader that has seen version N has seen every earlier version of that company. Must be the
 * transaction's first locking statement, so every writer takes its locks in the same order.
 */
export async function lockCompanyWrites(tx: Transaction, companyIds: readonly string[]): Promise<void> {
  const held = heldLocks.get(tx) ?? new Set<string>();
  heldLocks.set(tx, held);
  const ids = [...new Set(companyIds)].filter((id) => !held.has(id)).sort();
  for (const id of ids) {
    held.add(id);
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
