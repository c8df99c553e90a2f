import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Queryable, Transaction } from '../platform/db/database.js';
import { AppError } from '../platform/http/app-error.js';
import { recordSalesAudit } from './audit.js';
import type { SalesContext } from './context.js';
import { businessunits, roleprivileges, roles, systemuserroles, systemusers } from './schema.js';
import type { SalesCaller } from './security/caller.js';
import { isDepth, isRight, isSecuredTable, privilegeName, SPECIAL_PRIVILEGES } from './security/depth.js';
import { assertPrivilege, invalidateSecurityCache } from './security/privileges.js';
import type { PrivilegeGrant, RoleDefinition } from './security/role-definitions.js';
import { lockSalesWrites } from './write-lock.js';

export type RoleRow = typeof roles.$inferSelect;

/** The root business unit (there is exactly one; created on first start). */
export async function rootBusinessUnitId(q: Queryable): Promise<string> {
  const [root] = await q
    .select({ id: businessunits.businessunitid })
    .from(businessunits)
    .where(isNull(businessunits.parentbusinessunitid));
  if (!root)
    throw new AppError('Internal', 'Sales has no root business unit yet; it is created on first start.');
  return root.id;
}

/** Roles, optionally of one business unit, by name. */
export async function listRoles(
  ctx: SalesContext,
  options: { businessUnitId?: string } = {},
): Promise<RoleRow[]> {
  const query = ctx.db.select().from(roles);
  return (
    options.businessUnitId ? query.where(eq(roles.businessunitid, options.businessUnitId)) : query
  ).orderBy(asc(roles.name), asc(roles.roleid));
}

/** The roles a user holds. */
export async function rolesOfUser(q: SalesContext | Queryable, systemUserId: string): Promise<RoleRow[]> {
  const db = 'db' in q ? q.db : q;
  const rows = await db
    .select({ role: roles })
    .from(systemuserroles)
    .innerJoin(roles, eq(roles.roleid, systemuserroles.roleid))
    .where(eq(systemuserroles.systemuserid, systemUserId))
    .orderBy(asc(roles.name));
  return rows.map((r) => r.role);
}

/** Privileges of a role (its root role's, for a child business unit's copy). */
export async function privilegesOfRole(q: Queryable, role: Pick<RoleRow, 'roleid' | 'parentrootroleid'>) {
  return q
    .select({
      privilegename: roleprivileges.privilegename,
      tablename: roleprivileges.tablename,
      accessright: roleprivileges.accessright,
      depth: roleprivileges.depth,
    })
    .from(roleprivileges)
    .where(eq(roleprivileges.roleid, role.parentrootroleid ?? role.roleid))
    .orderBy(asc(roleprivileges.privilegename));
}

/** Checks a grant list and turns it into rows; one row per privilege (the deepest wins). */
export function privilegeRows(roleId: string, grants: readonly PrivilegeGrant[]) {
  const rows = new Map<string, typeof roleprivileges.$inferInsert>();
  for (const g of grants) {
    if (!isDepth(g.depth)) {
      throw new AppError(
        'ValidationFailed',
        `"${String(g.depth)}" is not a depth: use None, User, BusinessUnit, ParentChildBusinessUnit or Organization.`,
      );
    }
    let row: typeof roleprivileges.$inferInsert;
    if ('table' in g) {
      if (!isSecuredTable(g.table)) {
        throw new AppError(
          'ValidationFailed',
          `Roles cannot grant privileges on the table "${String(g.table)}".`,
        );
      }
      if (!isRight(g.right)) {
        throw new AppError(
          'ValidationFailed',
          `"${String(g.right)}" is not a right: use Create, Read, Write, Delete, Append, AppendTo, Assign or Share.`,
        );
      }
      row = {
        roleid: roleId,
        privilegename: privilegeName(g.table, g.right),
        tablename: g.table,
        accessright: g.right,
        depth: g.depth,
      };
    } else {
      if (!(SPECIAL_PRIVILEGES as readonly string[]).includes(g.privilege)) {
        throw new AppError(
          'ValidationFailed',
          `"${g.privilege}" is not a known privilege (known: ${SPECIAL_PRIVILEGES.join(', ')}); record privileges are given as {table, right, depth}.`,
        );
      }
      row = {
        roleid: roleId,
        privilegename: g.privilege,
        tablename: null,
        accessright: null,
        depth: g.depth,
      };
    }
    if (row.depth === 'None') continue;
    const existing = rows.get(row.privilegename);
    const order = ['None', 'User', 'BusinessUnit', 'ParentChildBusinessUnit', 'Organization'];
    if (!existing || order.indexOf(row.depth) > order.indexOf(existing.depth))
      rows.set(row.privilegename, row);
  }
  return [...rows.values()];
}

/** Replaces a root role's privileges. */
async function writePrivileges(tx: Transaction, roleId: string, grants: readonly PrivilegeGrant[]) {
  const rows = privilegeRows(roleId, grants);
  await tx.delete(roleprivileges).where(eq(roleprivileges.roleid, roleId));
  if (rows.length > 0) await tx.insert(roleprivileges).values(rows);
}

/** Gives a business unit its copy of every root role it lacks (Dataverse's inherited roles). */
export async function ensureRoleCopies(
  tx: Transaction,
  businessUnitId: string,
  actorId: string,
): Promise<void> {
  const root = await rootBusinessUnitId(tx);
  if (root === businessUnitId) return;
  const rootRoles = await tx.select().from(roles).where(eq(roles.businessunitid, root));
  const existing = await tx
    .select({ parent: roles.parentrootroleid })
    .from(roles)
    .where(eq(roles.businessunitid, businessUnitId));
  const have = new Set(existing.map((r) => r.parent));
  const missing = rootRoles.filter((r) => !have.has(r.roleid));
  if (missing.length === 0) return;
  await tx.insert(roles).values(
    missing.map((r) => ({
      name: r.name,
      businessunitid: businessUnitId,
      parentrootroleid: r.roleid,
      roletemplatekey: r.roletemplatekey,
      solutionid: r.solutionid,
      iscustomizable: r.iscustomizable,
      ismanaged: r.ismanaged,
      createdby: actorId,
      modifiedby: actorId,
    })),
  );
}

/**
 * Creates or updates a role from its definition (built-in roles at first start, solution roles on
 * import), found by its template key in the root business unit, and copies it to every child BU.
 * No privilege check here: callers check (first start is Tandem itself; import checks
 * prvImportCustomization). Returns the root role id.
 */
export async function installRole(
  tx: Transaction,
  definition: RoleDefinition,
  options: { solutionId: string | null; ismanaged: boolean; actorId: string },
): Promise<string> {
  await lockSalesWrites(tx);
  const root = await rootBusinessUnitId(tx);
  const [existing] = await tx
    .select()
    .from(roles)
    .where(and(eq(roles.businessunitid, root), eq(roles.roletemplatekey, definition.key)));
  let roleId: string;
  if (existing) {
    roleId = existing.roleid;
    await tx
      .update(roles)
      .set({
        name: definition.name,
        solutionid: options.solutionId,
        iscustomizable: definition.iscustomizable,
        ismanaged: options.ismanaged,
        modifiedby: options.actorId,
      })
      .where(eq(roles.roleid, roleId));
    // The copies in child business units follow the root role's name.
    await tx
      .update(roles)
      .set({ name: definition.name, modifiedby: options.actorId })
      .where(eq(roles.parentrootroleid, roleId));
  } else {
    const [clash] = await tx
      .select({ id: roles.roleid })
      .from(roles)
      .where(and(eq(roles.businessunitid, root), eq(roles.name, definition.name)));
    if (clash) {
      throw new AppError(
        'AlreadyExists',
        `A security role named "${definition.name}" already exists and was not created by this solution. Rename or delete that role first, then import again.`,
      );
    }
    const [created] = await tx
      .insert(roles)
      .values({
        name: definition.name,
        businessunitid: root,
        roletemplatekey: definition.key,
        solutionid: options.solutionId,
        iscustomizable: definition.iscustomizable,
        ismanaged: options.ismanaged,
        createdby: options.actorId,
        modifiedby: options.actorId,
      })
      .returning({ id: roles.roleid });
    roleId = created!.id;
  }
  await writePrivileges(tx, roleId, definition.privileges);
  const children = await tx
    .select({ id: businessunits.businessunitid })
    .from(businessunits)
    .where(eq(businessunits.isdisabled, false));
  for (const bu of children) await ensureRoleCopies(tx, bu.id, options.actorId);
  return roleId;
}

async function loadUserAndRole(q: Queryable, systemUserId: string, roleId: string) {
  const [user] = await q.select().from(systemusers).where(eq(systemusers.systemuserid, systemUserId));
  if (!user) throw new AppError('NotFound', `No Sales user has the id ${systemUserId}.`);
  const [role] = await q.select().from(roles).where(eq(roles.roleid, roleId));
  if (!role) throw new AppError('NotFound', `No security role has the id ${roleId}.`);
  return { user, role };
}

/** Why a role cannot go to a user, or undefined when it can (shared by single and bulk assignment). */
export async function assignmentProblem(
  q: Queryable,
  user: typeof systemusers.$inferSelect,
  role: RoleRow,
): Promise<string | undefined> {
  if (user.isdisabled) {
    return `${user.domainname} is disabled in Sales, and roles can only be given to enabled users. Enable the user first (licence it and allow sign-in in the directory).`;
  }
  if (role.businessunitid !== user.businessunitid) {
    const [bu] = await q
      .select({ name: businessunits.name })
      .from(businessunits)
      .where(eq(businessunits.businessunitid, user.businessunitid));
    const rootId = role.parentrootroleid ?? role.roleid;
    const [copy] = await q
      .select({ id: roles.roleid })
      .from(roles)
      .where(and(eq(roles.businessunitid, user.businessunitid), inArray(roles.parentrootroleid, [rootId])));
    const hint = copy ? ` Use the copy of the role in that business unit (role id ${copy.id}).` : '';
    return `The role "${role.name}" belongs to another business unit than ${user.domainname} (business unit "${bu?.name ?? user.businessunitid}"); a user can only get roles of their own business unit.${hint}`;
  }
  return undefined;
}

/**
 * Gives a user a role (`systemuserroles_association`). Only a holder of prvAssignRole (System
 * Administrator) may; disabled users get none; the role must be of the user's business unit.
 * Idempotent: assigning a role the user holds changes nothing.
 */
export async function associateRole(
  ctx: SalesContext,
  caller: SalesCaller,
  systemUserId: string,
  roleId: string,
): Promise<void> {
  await assertPrivilege(ctx, caller, 'prvAssignRole');
  await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const { user, role } = await loadUserAndRole(tx, systemUserId, roleId);
    const problem = await assignmentProblem(tx, user, role);
    if (problem) throw new AppError('BadRequest', problem);
    const inserted = await tx
      .insert(systemuserroles)
      .values({ systemuserid: systemUserId, roleid: roleId, createdby: caller.systemUserId })
      .onConflictDoNothing()
      .returning({ id: systemuserroles.roleid });
    if (inserted.length > 0) {
      await recordSalesAudit(tx, caller, {
        action: 'role.assign',
        targetType: 'systemuser',
        targetId: systemUserId,
        details: { user: user.domainname, role: role.name, roleId },
      });
    }
  });
  invalidateSecurityCache(ctx);
}

/** Takes a role from a user; idempotent. Only a holder of prvAssignRole (System Administrator) may. */
export async function disassociateRole(
  ctx: SalesContext,
  caller: SalesCaller,
  systemUserId: string,
  roleId: string,
): Promise<void> {
  await assertPrivilege(ctx, caller, 'prvAssignRole');
  await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const { user, role } = await loadUserAndRole(tx, systemUserId, roleId);
    const deleted = await tx
      .delete(systemuserroles)
      .where(and(eq(systemuserroles.systemuserid, systemUserId), eq(systemuserroles.roleid, roleId)))
      .returning({ id: systemuserroles.roleid });
    if (deleted.length > 0) {
      await recordSalesAudit(tx, caller, {
        action: 'role.remove',
        targetType: 'systemuser',
        targetId: systemUserId,
        details: { user: user.domainname, role: role.name, roleId },
      });
    }
  });
  invalidateSecurityCache(ctx);
}
