import { eq } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import { recordSalesAudit } from './audit.js';
import type { SalesContext } from './context.js';
import { ensureRoleCopies } from './roles.js';
import { businessunits, systemuserroles, systemusers } from './schema.js';
import type { SalesCaller } from './security/caller.js';
import { assertPrivilege, invalidateSecurityCache } from './security/privileges.js';
import { lockSalesWrites } from './write-lock.js';

export type BusinessUnitRow = typeof businessunits.$inferSelect;

/** Every business unit, by name. */
export async function listBusinessUnits(ctx: SalesContext): Promise<BusinessUnitRow[]> {
  return ctx.db.select().from(businessunits).orderBy(businessunits.name);
}

/**
 * Creates a child business unit (prvCreateBusinessUnit) and gives it its copy of every role, as
 * Dataverse does, so its users can be given roles.
 */
export async function createBusinessUnit(
  ctx: SalesContext,
  caller: SalesCaller,
  input: { name: string; parentbusinessunitid: string },
): Promise<BusinessUnitRow> {
  await assertPrivilege(ctx, caller, 'prvCreateBusinessUnit');
  const name = input.name.trim();
  if (!name || name.length > 160) {
    throw new AppError('ValidationFailed', 'A business unit needs a name of 1 to 160 characters.');
  }
  const created = await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const [parent] = await tx
      .select()
      .from(businessunits)
      .where(eq(businessunits.businessunitid, input.parentbusinessunitid));
    if (!parent) throw new AppError('NotFound', `No business unit has the id ${input.parentbusinessunitid}.`);
    const [clash] = await tx.select().from(businessunits).where(eq(businessunits.name, name));
    if (clash)
      throw new AppError(
        'AlreadyExists',
        `A business unit named "${name}" already exists; choose another name.`,
      );
    const [row] = await tx
      .insert(businessunits)
      .values({
        name,
        parentbusinessunitid: parent.businessunitid,
        createdby: caller.systemUserId,
        modifiedby: caller.systemUserId,
      })
      .returning();
    await ensureRoleCopies(tx, row!.businessunitid, caller.systemUserId);
    await recordSalesAudit(tx, caller, {
      action: 'businessunit.create',
      targetType: 'businessunit',
      targetId: row!.businessunitid,
      details: { name, parent: parent.name },
    });
    return row!;
  });
  invalidateSecurityCache(ctx);
  return created;
}

/**
 * Moves a user to another business unit (prvWriteUser at Organization depth). As in Dataverse the
 * user's roles are removed (roles belong to a business unit): assign the new unit's roles after.
 * Records the user owns stay theirs; their owning business unit is not changed here.
 */
export async function moveUserToBusinessUnit(
  ctx: SalesContext,
  caller: SalesCaller,
  systemUserId: string,
  businessUnitId: string,
): Promise<void> {
  await assertPrivilege(ctx, caller, 'prvWriteUser');
  await assertPrivilege(ctx, caller, 'prvAssignRole');
  await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const [user] = await tx.select().from(systemusers).where(eq(systemusers.systemuserid, systemUserId));
    if (!user) throw new AppError('NotFound', `No Sales user has the id ${systemUserId}.`);
    const [bu] = await tx
      .select()
      .from(businessunits)
      .where(eq(businessunits.businessunitid, businessUnitId));
    if (!bu) throw new AppError('NotFound', `No business unit has the id ${businessUnitId}.`);
    if (user.businessunitid === businessUnitId) return;
    await tx.delete(systemuserroles).where(eq(systemuserroles.systemuserid, systemUserId));
    await tx
      .update(systemusers)
      .set({ businessunitid: businessUnitId, modifiedby: caller.systemUserId })
      .where(eq(systemusers.systemuserid, systemUserId));
    await recordSalesAudit(tx, caller, {
      action: 'systemuser.move',
      targetType: 'systemuser',
      targetId: systemUserId,
      details: { user: user.domainname, businessUnit: bu.name },
    });
  });
  invalidateSecurityCache(ctx);
}
