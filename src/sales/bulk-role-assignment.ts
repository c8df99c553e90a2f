import { and, eq, inArray, or } from 'drizzle-orm';
import { AppError, type FieldProblem } from '../platform/http/app-error.js';
import { recordSalesAudit } from './audit.js';
import type { SalesContext } from './context.js';
import { assignmentProblem, type RoleRow } from './roles.js';
import { roles, systemuserroles, systemusers } from './schema.js';
import type { SalesCaller } from './security/caller.js';
import { assertPrivilege, invalidateSecurityCache } from './security/privileges.js';
import { lockSalesWrites } from './write-lock.js';

export const MAX_BULK_USERS = 10_000;

export interface BulkRoleRequest {
  systemUserIds: string[];
  /** Roles by id (each must be of every user's business unit)… */
  roleIds?: string[];
  /** …or by name (each user gets the role of that name in their own business unit). */
  roleNames?: string[];
  action: 'assign' | 'remove';
}

export interface BulkRoleResult {
  action: 'assign' | 'remove';
  users: number;
  roles: string[];
  /** Assignments made (assign) or taken away (remove). */
  changed: number;
  /** Assignments that were already as asked (held already, or not held). */
  unchanged: number;
}

/**
 * Gives or takes roles for many users in one call (rule A5: the imported salespeople get
 * Salesperson at once). All or nothing: every problem (unknown or disabled user, role missing in a
 * user's business unit) is listed and nothing changes. Only prvAssignRole holders may.
 */
export async function bulkAssignRoles(
  ctx: SalesContext,
  caller: SalesCaller,
  request: BulkRoleRequest,
): Promise<BulkRoleResult> {
  await assertPrivilege(ctx, caller, 'prvAssignRole');
  const userIds = [...new Set(request.systemUserIds.map((id) => id.toLowerCase()))];
  const roleIds = [...new Set(request.roleIds ?? [])];
  const roleNames = [...new Set(request.roleNames ?? [])];
  if (userIds.length === 0)
    throw new AppError('ValidationFailed', 'List at least one user in systemUserIds.');
  if (userIds.length > MAX_BULK_USERS) {
    throw new AppError('ValidationFailed', `At most ${MAX_BULK_USERS} users per call; split the list.`);
  }
  if (roleIds.length + roleNames.length === 0) {
    throw new AppError('ValidationFailed', 'Name the roles to assign or remove in roleIds or roleNames.');
  }
  const result = await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const problems: FieldProblem[] = [];
    const users = await tx.select().from(systemusers).where(inArray(systemusers.systemuserid, userIds));
    const byId = new Map(users.map((u) => [u.systemuserid, u]));
    userIds.forEach((id, i) => {
      if (!byId.has(id))
        problems.push({
          field: `systemUserIds[${i}]`,
          message: `No Sales user has the id ${id}.`,
          value: id,
        });
    });
    const candidates: RoleRow[] = await tx
      .select()
      .from(roles)
      .where(
        or(
          roleIds.length > 0 ? inArray(roles.roleid, roleIds) : undefined,
          roleNames.length > 0 ? inArray(roles.name, roleNames) : undefined,
        ),
      );
    roleIds.forEach((id, i) => {
      if (!candidates.some((r) => r.roleid === id)) {
        problems.push({ field: `roleIds[${i}]`, message: `No security role has the id ${id}.`, value: id });
      }
    });
    const pairs: Array<{ systemuserid: string; role: RoleRow }> = [];
    for (const user of users) {
      const wanted: RoleRow[] = candidates.filter((r) => roleIds.includes(r.roleid));
      for (const name of roleNames) {
        const role = candidates.find((r) => r.name === name && r.businessunitid === user.businessunitid);
        if (role) wanted.push(role);
        else {
          problems.push({
            field: 'roleNames',
            message: `There is no role "${name}" in the business unit of ${user.domainname}. Check the name (e.g. Salesperson) or import the solution that adds it.`,
            value: name,
          });
        }
      }
      for (const role of wanted) {
        if (request.action === 'assign') {
          const problem = await assignmentProblem(tx, user, role);
          if (problem) {
            problems.push({ field: 'systemUserIds', message: problem, value: user.systemuserid });
            continue;
          }
        }
        pairs.push({ systemuserid: user.systemuserid, role });
      }
    }
    if (problems.length > 0) {
      throw new AppError(
        'ValidationFailed',
        `No roles were ${request.action === 'assign' ? 'assigned' : 'removed'}: ${problems.length} problem${problems.length === 1 ? '' : 's'} found (listed in problems). Fix them and send the request again.`,
        { problems },
      );
    }
    let changed = 0;
    const CHUNK = 1000;
    for (let i = 0; i < pairs.length; i += CHUNK) {
      const chunk = pairs.slice(i, i + CHUNK);
      if (request.action === 'assign') {
        const inserted = await tx
          .insert(systemuserroles)
          .values(
            chunk.map((p) => ({
              systemuserid: p.systemuserid,
              roleid: p.role.roleid,
              createdby: caller.systemUserId,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: systemuserroles.roleid });
        changed += inserted.length;
      } else {
        const deleted = await tx
          .delete(systemuserroles)
          .where(
            or(
              ...chunk.map((p) =>
                and(
                  eq(systemuserroles.systemuserid, p.systemuserid),
                  eq(systemuserroles.roleid, p.role.roleid),
                ),
              ),
            ),
          )
          .returning({ id: systemuserroles.roleid });
        changed += deleted.length;
      }
    }
    const roleLabels = [...new Set(pairs.map((p) => p.role.name))].sort();
    await recordSalesAudit(tx, caller, {
      action: request.action === 'assign' ? 'role.bulk-assign' : 'role.bulk-remove',
      targetType: 'systemuser',
      details: { users: users.length, roles: roleLabels, changed, unchanged: pairs.length - changed },
    });
    return {
      action: request.action,
      users: users.length,
      roles: roleLabels,
      changed,
      unchanged: pairs.length - changed,
    };
  });
  invalidateSecurityCache(ctx);
  return result;
}
