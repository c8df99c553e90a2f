import { inArray } from 'drizzle-orm';
import type { SalesContext } from './context.js';
import { listRoles, rootBusinessUnitId } from './roles.js';
import { roleprivileges } from './schema.js';
import { isDepth, RIGHTS, SECURED_TABLES, type Depth, type Right } from './security/depth.js';

export interface RoleWithMatrix {
  roleid: string;
  name: string;
  businessunitid: string;
  parentrootroleid: string | null;
  roletemplatekey: string | null;
  solutionid: string | null;
  iscustomizable: boolean;
  ismanaged: boolean;
  /** table → right → depth, every table and right present (None when not granted). */
  privileges: Record<string, Record<Right, Depth>>;
  /** Special privileges granted (prvImportCustomization → Organization). */
  specialPrivileges: Record<string, Depth>;
}

/** Roles of a business unit (the root by default) with their privileges laid out as a matrix. */
export async function roleMatrix(ctx: SalesContext, businessUnitId?: string): Promise<RoleWithMatrix[]> {
  const roleRows = await listRoles(ctx, {
    businessUnitId: businessUnitId ?? (await rootBusinessUnitId(ctx.db)),
  });
  const sources = [...new Set(roleRows.map((r) => r.parentrootroleid ?? r.roleid))];
  const grants =
    sources.length === 0
      ? []
      : await ctx.db.select().from(roleprivileges).where(inArray(roleprivileges.roleid, sources));
  return roleRows.map((role) => {
    const source = role.parentrootroleid ?? role.roleid;
    const privileges: Record<string, Record<Right, Depth>> = {};
    for (const table of Object.keys(SECURED_TABLES)) {
      privileges[table] = Object.fromEntries(RIGHTS.map((right) => [right, 'None'])) as Record<Right, Depth>;
    }
    const specialPrivileges: Record<string, Depth> = {};
    for (const g of grants) {
      if (g.roleid !== source || !isDepth(g.depth)) continue;
      if (g.tablename && g.accessright && privileges[g.tablename]) {
        privileges[g.tablename]![g.accessright as Right] = g.depth;
      } else {
        specialPrivileges[g.privilegename] = g.depth;
      }
    }
    return {
      roleid: role.roleid,
      name: role.name,
      businessunitid: role.businessunitid,
      parentrootroleid: role.parentrootroleid,
      roletemplatekey: role.roletemplatekey,
      solutionid: role.solutionid,
      iscustomizable: role.iscustomizable,
      ismanaged: role.ismanaged,
      privileges,
      specialPrivileges,
    };
  });
}
