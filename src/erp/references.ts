import { and, eq } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Transaction } from '../platform/db/database.js';
import { erpError } from './errors.js';
import { companies, salespeople } from './schema.js';

/**
 * Table relations, checked as BC checks them: a code that names a record which does not exist is
 * refused (Internal_InvalidTableRelation) with the field, the value and the table named, and a record
 * still referred to cannot be deleted (Application_DialogException).
 */

export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

export function invalidRelation(field: string, table: string, value: string, fix: string) {
  return erpError(
    'BadRequest',
    'Internal_InvalidTableRelation',
    `The field ${field} of table ${table.split('|')[0]} contains a value (${value}) that cannot be found in the related table (${table.split('|')[1]}). ${fix}`,
    { problems: [{ field, message: 'unknown code', value }] },
  );
}

/** The row of `table` in the company whose `keyColumn` is `value`, or undefined. */
export async function findByKey<T extends Record<string, unknown>>(
  tx: Transaction,
  table: PgTable & { companyId: PgColumn },
  keyColumn: PgColumn,
  companyId: string,
  value: string,
  select: Record<keyof T, PgColumn>,
): Promise<T | undefined> {
  const [row] = await tx
    .select(select as Record<string, PgColumn>)
    .from(table)
    .where(and(eq(table.companyId, companyId), eq(keyColumn, value)))
    .limit(1);
  return row as T | undefined;
}

/** Refuses to delete a record that others still refer to, naming one of them. */
export async function refuseIfReferenced(
  tx: Transaction,
  table: PgTable & { companyId: PgColumn },
  column: PgColumn,
  nameColumn: PgColumn,
  companyId: string,
  value: string,
  message: (referrer: string) => string,
): Promise<void> {
  if (value === '') return;
  const [row] = await tx
    .select({ name: nameColumn })
    .from(table)
    .where(and(eq(table.companyId, companyId), eq(column, value)))
    .limit(1);
  if (row) throw erpError('Conflict', 'Application_DialogException', message(String(row.name)));
}

/** The company's local currency code. */
export async function localCurrency(tx: Transaction, companyId: string): Promise<string> {
  const [row] = await tx
    .select({ lcy: companies.lcyCode })
    .from(companies)
    .where(eq(companies.id, companyId));
  return row?.lcy ?? '';
}

/**
 * A salesperson code put on a record (`Customer`, `Opportunity`): it must name a salesperson of the
 * company that is neither blocked nor privacy blocked (BC's table relation filters Blocked = false).
 */
export async function checkSalespersonCode(
  tx: Transaction,
  companyId: string,
  code: string,
  caption: string,
  noun: string,
): Promise<void> {
  const person = await findByKey<{ blocked: boolean; privacyBlocked: boolean }>(
    tx,
    salespeople,
    salespeople.code,
    companyId,
    code,
    { blocked: salespeople.blocked, privacyBlocked: salespeople.privacyBlocked },
  );
  if (!person)
    throw invalidRelation(
      'Salesperson Code',
      `${caption}|Salesperson/Purchaser`,
      code,
      `Create salesperson ${code} first (POST …/salespeoplePurchasers), or choose an existing one.`,
    );
  if (person.blocked || person.privacyBlocked)
    throw erpError(
      'BadRequest',
      'Application_FieldValidationException',
      `Salesperson/Purchaser ${code} is ${person.privacyBlocked ? 'privacy blocked' : 'blocked'}, so it cannot be assigned to ${noun}. Unblock it or choose another salesperson.`,
    );
}
