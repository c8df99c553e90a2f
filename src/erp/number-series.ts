import { and, eq, sql } from 'drizzle-orm';
import type { Queryable, Transaction } from '../platform/db/database.js';
import { erpError } from './errors.js';
import { numberSeries } from './schema.js';

/**
 * Number series for new customers, items, contacts and opportunities, as BC's No. Series: a prefix and a counter that
 * grows by a step (C00010, C00020, …). Drawing a number updates the series row, so two writers of one
 * company queue on it (they hold the company write lock anyway) and never get the same number.
 */

export const DEFAULT_SERIES = [
  { code: 'CUST', prefix: 'C', width: 5, step: 10 },
  { code: 'ITEM', prefix: 'I', width: 5, step: 10 },
  { code: 'CONT', prefix: 'CT', width: 6, step: 1 },
  { code: 'OPP', prefix: 'OP', width: 6, step: 1 },
] as const;

export async function createDefaultSeries(q: Queryable, companyId: string): Promise<void> {
  await q
    .insert(numberSeries)
    .values(DEFAULT_SERIES.map((s) => ({ ...s, companyId })))
    .onConflictDoNothing();
}

export function formatNumber(prefix: string, width: number, n: number): string {
  return `${prefix}${String(n).padStart(width, '0')}`;
}

/** The next number of a series; numbers already taken by hand are skipped by the caller's check. */
export async function nextNumber(tx: Transaction, companyId: string, code: string): Promise<string> {
  const [row] = await tx
    .update(numberSeries)
    .set({ lastNo: sql`${numberSeries.lastNo} + ${numberSeries.step}` })
    .where(and(eq(numberSeries.companyId, companyId), eq(numberSeries.code, code)))
    .returning({ prefix: numberSeries.prefix, width: numberSeries.width, lastNo: numberSeries.lastNo });
  if (!row)
    throw erpError(
      'Conflict',
      'Application_DialogException',
      `Number series ${code} does not exist in this company.`,
    );
  return formatNumber(row.prefix, row.width, row.lastNo);
}

/**
 * The next `count` numbers of a series, drawn with one statement (a $batch's creates): the same
 * numbers, in the same order, as `count` calls of nextNumber.
 */
export async function nextNumbers(
  tx: Transaction,
  companyId: string,
  code: string,
  count: number,
): Promise<string[]> {
  if (count === 0) return [];
  const [row] = await tx
    .update(numberSeries)
    .set({ lastNo: sql`${numberSeries.lastNo} + ${numberSeries.step} * ${count}::int` })
    .where(and(eq(numberSeries.companyId, companyId), eq(numberSeries.code, code)))
    .returning({
      prefix: numberSeries.prefix,
      width: numberSeries.width,
      lastNo: numberSeries.lastNo,
      step: numberSeries.step,
    });
  if (!row)
    throw erpError(
      'Conflict',
      'Application_DialogException',
      `Number series ${code} does not exist in this company.`,
    );
  const first = row.lastNo - row.step * (count - 1);
  return Array.from({ length: count }, (_, i) => formatNumber(row.prefix, row.width, first + row.step * i));
}

/**
 * Gives back the last `count` numbers drawn by nextNumbers and not used. Only right while the
 * transaction still holds the company write lock it drew them under (no one drew after it).
 */
export async function returnNumbers(
  tx: Transaction,
  companyId: string,
  code: string,
  count: number,
): Promise<void> {
  await tx
    .update(numberSeries)
    .set({ lastNo: sql`${numberSeries.lastNo} - ${numberSeries.step} * ${count}::int` })
    .where(and(eq(numberSeries.companyId, companyId), eq(numberSeries.code, code)));
}
