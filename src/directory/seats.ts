import { eq, sql } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import type { Queryable, Transaction } from '../platform/db/database.js';
import { nextRowVersion, skus } from './schema.js';
import { lockDirectoryWrites } from './write-lock.js';

export interface SkuRow {
  id: string;
  partNumber: string;
  name: string;
  seats: number;
  consumed: number;
}

/** Finds a SKU by part number (case-insensitive) or id; an unknown one is a clear 404 listing the known. */
export async function findSku(tx: Queryable, partNumberOrId: string): Promise<SkuRow> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(partNumberOrId);
  const [row] = await tx
    .select()
    .from(skus)
    .where(isUuid ? eq(skus.id, partNumberOrId) : eq(skus.partNumber, partNumberOrId.toUpperCase()));
  if (!row) {
    const known = (await tx.select({ p: skus.partNumber }).from(skus)).map((r) => r.p);
    throw new AppError(
      'NotFound',
      `There is no licence "${partNumberOrId}" in this tenant. Known licences: ${known.join(', ') || 'none'}.`,
    );
  }
  return row;
}

/**
 * Takes `count` seats of a SKU inside the caller's transaction, or throws CountViolation and takes
 * none. The SKU row is locked (FOR UPDATE) so concurrent assignments on PostgreSQL cannot both see
 * the same free seats; PGlite serialises transactions anyway. Never over-assigns.
 */
export async function reserveSeats(tx: Transaction, skuId: string, count: number): Promise<SkuRow> {
  await lockDirectoryWrites(tx);
  const locked = await tx.execute(sql`select id from directory.skus where id = ${skuId} for update`);
  if ((locked as unknown as { rows: unknown[] }).rows.length === 0)
    throw new AppError('NotFound', 'Licence not found.');
  const [sku] = await tx.select().from(skus).where(eq(skus.id, skuId));
  if (!sku) throw new AppError('NotFound', 'Licence not found.');
  if (count <= 0) return sku;
  const available = sku.seats - sku.consumed;
  if (count > available) {
    throw new AppError(
      'CountViolation',
      `Not enough ${sku.name} (${sku.partNumber}) licences: ${count} needed, ${available} of ${sku.seats} available. ` +
        `Buy ${count - available} more, free some seats, or assign fewer users.`,
    );
  }
  const [updated] = await tx
    .update(skus)
    .set({ consumed: sku.consumed + count, modifiedAt: new Date(), rowVersion: nextRowVersion })
    .where(eq(skus.id, skuId))
    .returning();
  return updated!;
}

/** Gives back seats freed by removed assignments (same transaction as the removal). */
export async function releaseSeats(tx: Transaction, skuId: string, count: number): Promise<void> {
  if (count <= 0) return;
  await lockDirectoryWrites(tx);
  await tx
    .update(skus)
    .set({
      consumed: sql`greatest(${skus.consumed} - ${count}, 0)`,
      modifiedAt: new Date(),
      rowVersion: nextRowVersion,
    })
    .where(eq(skus.id, skuId));
}
