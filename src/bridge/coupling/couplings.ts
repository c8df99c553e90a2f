/**
 * The general coupling table: one ERP record ↔ one Sales record per mapping. Couple refuses a record
 * already coupled on either side, naming the other record, so a mapping stays one-to-one.
 */
import { and, eq, or } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database.js';
import { couplings } from '../schema.js';

export type CouplingRow = typeof couplings.$inferSelect;

export async function couplingsOf(q: Queryable, mapping: string): Promise<CouplingRow[]> {
  return q.select().from(couplings).where(eq(couplings.mapping, mapping));
}

/** The couplings of either record in a mapping (to explain a refusal). */
export async function conflictingCouplings(
  q: Queryable,
  mapping: string,
  erpId: string,
  salesId: string,
): Promise<CouplingRow[]> {
  return q
    .select()
    .from(couplings)
    .where(
      and(eq(couplings.mapping, mapping), or(eq(couplings.erpId, erpId), eq(couplings.salesId, salesId))),
    );
}

export async function insertCoupling(
  q: Queryable,
  values: {
    mapping: string;
    erpId: string;
    salesId: string;
    salesVersion?: number | null;
    erpVersion?: number | null;
    createdBy: string;
  },
): Promise<CouplingRow | undefined> {
  const [row] = await q.insert(couplings).values(values).onConflictDoNothing().returning();
  return row;
}

export async function deleteCoupling(
  q: Queryable,
  mapping: string,
  side: { salesId?: string; erpId?: string },
) {
  const where = side.salesId
    ? and(eq(couplings.mapping, mapping), eq(couplings.salesId, side.salesId))
    : and(eq(couplings.mapping, mapping), eq(couplings.erpId, side.erpId!));
  return q.delete(couplings).where(where).returning();
}
