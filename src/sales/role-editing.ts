import crypto from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import { recordSalesAudit } from './audit.js';
import type { SalesContext } from './context.js';
import { installRole, privilegeRows } from './roles.js';
import { roleprivileges, roles } from './schema.js';
import type { SalesCaller } from './security/caller.js';
import { assertPrivilege, invalidateSecurityCache } from './security/privileges.js';
import type { PrivilegeGrant } from './security/role-definitions.js';
import { lockSalesWrites } from './write-lock.js';

/**
 * Creates a custom security role in the root business unit (copied to every child unit). Needs
 * prvCreateRole: System Administrator only (System Customizer cannot create or change roles).
 */
export async function createRole(
  ctx: SalesContext,
  caller: SalesCaller,
  input: { name: string; description?: string; privileges: PrivilegeGrant[] },
): Promise<{ roleid: string; name: string }> {
  await assertPrivilege(ctx, caller, 'prvCreateRole');
  const name = input.name.trim();
  if (!name || name.length > 100)
    throw new AppError('ValidationFailed', 'A role needs a name of 1 to 100 characters.');
  privilegeRows(crypto.randomUUID(), input.privileges);
  const roleid = await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const [clash] = await tx
      .select({ id: roles.roleid })
      .from(roles)
      .where(and(eq(roles.name, name), isNull(roles.parentrootroleid)));
    if (clash)
      throw new AppError(
        'AlreadyExists',
        `A security role named "${name}" already exists; choose another name.`,
      );
    const id = await installRole(
      tx,
      {
        key: `custom:${crypto.randomUUID()}`,
        name,
        description: input.description ?? '',
        iscustomizable: true,
        privileges: input.privileges,
      },
      { solutionId: null, ismanaged: false, actorId: caller.systemUserId },
    );
    await recordSalesAudit(tx, caller, {
      action: 'role.create',
      targetType: 'role',
      targetId: id,
      details: { name, privileges: input.privileges.length },
    });
    return id;
  });
  invalidateSecurityCache(ctx);
  return { roleid, name };
}

/**
 * Replaces a role's privileges (a child business unit's copy edits its root role, which all copies
 * share). Needs prvWriteRole: System Administrator only. System Administrator itself cannot change.
 */
export async function setRolePrivileges(
  ctx: SalesContext,
  caller: SalesCaller,
  roleId: string,
  privileges: PrivilegeGrant[],
): Promise<void> {
  await assertPrivilege(ctx, caller, 'prvWriteRole');
  await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const [role] = await tx.select().from(roles).where(eq(roles.roleid, roleId));
    if (!role) throw new AppError('NotFound', `No security role has the id ${roleId}.`);
    if (!role.iscustomizable) {
      throw new AppError(
        'BadRequest',
        `The role "${role.name}" cannot be changed: it always has every privilege. Create a custom role instead.`,
      );
    }
    const rootId = role.parentrootroleid ?? role.roleid;
    const rows = privilegeRows(rootId, privileges);
    await tx.delete(roleprivileges).where(eq(roleprivileges.roleid, rootId));
    if (rows.length > 0) await tx.insert(roleprivileges).values(rows);
    // The role row's versionnumber records that its privileges changed.
    await tx.update(roles).set({ modifiedby: caller.systemUserId }).where(eq(roles.roleid, rootId));
    await recordSalesAudit(tx, caller, {
      action: 'role.privileges',
      targetType: 'role',
      targetId: rootId,
      details: { name: role.name, privileges: rows.length },
    });
  });
  invalidateSecurityCache(ctx);
}
