import { eq, inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { AppError } from '../../platform/http/app-error.js';
import type { SalesContext } from '../context.js';
import { businessunits, roleprivileges, roles, systemuserroles } from '../schema.js';
import type { SalesCaller } from './caller.js';
import {
  DEPTH_LABEL,
  depthNeeded,
  depthRank,
  depthReaches,
  effectiveDepth,
  isDepth,
  isSecuredTable,
  maxDepth,
  privilegeName,
  SECURED_TABLES,
  type Depth,
  type Right,
  type SecuredTable,
} from './depth.js';

export type { Depth, Right } from './depth.js';

/**
 * The caller's privileges (privilege name → deepest depth over all their roles) and business-unit
 * subtrees are cached briefly: they change rarely, and every Web API request needs them. Changes made
 * in this process (role assignment, role edits, new business units) clear the cache at once; other
 * processes see them within CACHE_TTL_MS.
 */
const CACHE_TTL_MS = 1_000;

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

interface Caches {
  privileges: Map<string, Cached<Map<string, Depth>>>;
  subtrees: Map<string, Cached<string[]>>;
}

const caches = new WeakMap<SalesContext, Caches>();

function cachesOf(ctx: SalesContext): Caches {
  let c = caches.get(ctx);
  if (!c) {
    c = { privileges: new Map(), subtrees: new Map() };
    caches.set(ctx, c);
  }
  return c;
}

function cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const hit = map.get(key);
  const now = Date.now();
  if (hit && now - hit.at < CACHE_TTL_MS) return hit.value;
  const value = load();
  map.set(key, { at: now, value });
  value.catch(() => map.delete(key));
  return value;
}

/** Forgets cached privileges and subtrees: call after changing roles, assignments or business units. */
export function invalidateSecurityCache(ctx: SalesContext): void {
  caches.delete(ctx);
}

/** Every privilege the user holds through their roles, at the deepest depth any role gives. */
export async function privilegesOf(ctx: SalesContext, systemUserId: string): Promise<Map<string, Depth>> {
  return cached(cachesOf(ctx).privileges, systemUserId, async () => {
    const rows = await ctx.db
      .select({ name: roleprivileges.privilegename, depth: roleprivileges.depth })
      .from(systemuserroles)
      .innerJoin(roles, eq(roles.roleid, systemuserroles.roleid))
      // A child business unit's copy of a role holds no privileges of its own: its root role does.
      .innerJoin(
        roleprivileges,
        eq(roleprivileges.roleid, sql`coalesce(${roles.parentrootroleid}, ${roles.roleid})`),
      )
      .where(eq(systemuserroles.systemuserid, systemUserId));
    const result = new Map<string, Depth>();
    for (const row of rows) {
      if (!isDepth(row.depth)) continue;
      result.set(row.name, maxDepth(result.get(row.name) ?? 'None', row.depth));
    }
    return result;
  });
}

/** The business unit and all its descendants. */
export async function businessUnitSubtree(ctx: SalesContext, businessUnitId: string): Promise<string[]> {
  return cached(cachesOf(ctx).subtrees, businessUnitId, async () => {
    const all = await ctx.db
      .select({ id: businessunits.businessunitid, parent: businessunits.parentbusinessunitid })
      .from(businessunits);
    const children = new Map<string, string[]>();
    for (const bu of all) {
      if (!bu.parent) continue;
      children.set(bu.parent, [...(children.get(bu.parent) ?? []), bu.id]);
    }
    const result: string[] = [];
    const queue = [businessUnitId];
    while (queue.length > 0) {
      const id = queue.shift()!;
      result.push(id);
      queue.push(...(children.get(id) ?? []));
    }
    return result;
  });
}

function securedTable(table: string): SecuredTable {
  if (!isSecuredTable(table)) {
    throw new AppError('Internal', `No privileges are defined for the table "${table}".`);
  }
  return table;
}

/**
 * How far the caller's right on a table reaches. Disabled callers reach nothing; a caller in Read
 * access mode (accessmode 2) gets only Read; organisation-owned tables know only None or
 * Organization.
 */
export async function depthFor(
  ctx: SalesContext,
  caller: SalesCaller,
  table: string,
  right: Right,
): Promise<Depth> {
  const secured = securedTable(table);
  if (caller.isDisabled) return 'None';
  if (caller.accessMode === 2 && right !== 'Read') return 'None';
  const privileges = await privilegesOf(ctx, caller.systemUserId);
  return effectiveDepth(secured, privileges.get(privilegeName(secured, right)) ?? 'None');
}

/**
 * A WHERE condition selecting the rows of `table` the caller may exercise `right` on: true
 * (Organization), owner = caller (User), owning BU = caller's BU (Business Unit), owning BU in the
 * caller's BU subtree (Parent: Child BU), false (None).
 */
export async function accessPredicate(
  ctx: SalesContext,
  caller: SalesCaller,
  table: string,
  right: Right,
  columns: { owner: AnyColumn | SQL; owningBusinessUnit: AnyColumn | SQL },
): Promise<SQL> {
  const depth = await depthFor(ctx, caller, table, right);
  switch (depth) {
    case 'Organization':
      return sql`true`;
    case 'None':
      return sql`false`;
    case 'User':
      return sql`${columns.owner} = ${caller.systemUserId}`;
    case 'BusinessUnit':
      return sql`${columns.owningBusinessUnit} = ${caller.businessUnitId}`;
    case 'ParentChildBusinessUnit': {
      const subtree = await businessUnitSubtree(ctx, caller.businessUnitId);
      return inArray(columns.owningBusinessUnit as AnyColumn, subtree);
    }
  }
}

/** Names of the caller's roles, for messages. */
export async function roleNamesOf(ctx: SalesContext, systemUserId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ name: roles.name })
    .from(systemuserroles)
    .innerJoin(roles, eq(roles.roleid, systemuserroles.roleid))
    .where(eq(systemuserroles.systemuserid, systemUserId))
    .orderBy(roles.name);
  return rows.map((r) => r.name);
}

const RIGHT_VERB: Record<Right, string> = {
  Create: 'create',
  Read: 'read',
  Write: 'change',
  Delete: 'delete',
  Append: 'attach other records to',
  AppendTo: 'attach records to',
  Assign: 'assign',
  Share: 'share',
};

function heldRoles(names: string[]): string {
  return names.length === 0 ? 'holds no security role' : `holds ${names.join(', ')}`;
}

/**
 * Throws Forbidden unless the caller's right on the table reaches this record (by its owner and
 * owning business unit). The message follows Dataverse ("is missing prvWriteAccount privilege") and
 * adds the depth needed and the fix.
 */
export async function assertRecordAccess(
  ctx: SalesContext,
  caller: SalesCaller,
  table: string,
  right: Right,
  record: { ownerid: string | null; owningbusinessunit: string | null },
): Promise<void> {
  const secured = securedTable(table);
  const depth = await depthFor(ctx, caller, secured, right);
  if (depth === 'Organization') return;
  const subtree =
    depth === 'ParentChildBusinessUnit' ? await businessUnitSubtree(ctx, caller.businessUnitId) : [];
  const reach = {
    ownsRecord: record.ownerid !== null && record.ownerid === caller.systemUserId,
    sameBusinessUnit:
      record.owningbusinessunit !== null && record.owningbusinessunit === caller.businessUnitId,
    inBusinessUnitSubtree: record.owningbusinessunit !== null && subtree.includes(record.owningbusinessunit),
  };
  if (depthReaches(depth, reach)) return;
  const privilege = privilegeName(secured, right);
  const needed = depthNeeded(reach);
  const label = SECURED_TABLES[secured].label;
  const roleNames = await roleNamesOf(ctx, caller.systemUserId);
  let message = `Principal user ${caller.domainName} (Id=${caller.systemUserId}) is missing ${privilege} privilege`;
  if (caller.isDisabled) {
    message += `: the user is disabled in Sales.`;
  } else if (caller.accessMode === 2 && right !== 'Read') {
    message += `: the user is in Read access mode, which can only read. A System Administrator can change the access mode to Read-Write.`;
  } else if (depth === 'None') {
    message += ` to ${RIGHT_VERB[right]} this ${label}: ${caller.domainName} ${heldRoles(roleNames)}, none of which grants it. A System Administrator can assign a role that does (Sales → Users → Manage roles).`;
  } else {
    message += ` at ${DEPTH_LABEL[needed]} depth to ${RIGHT_VERB[right]} this ${label}: ${caller.domainName} ${heldRoles(roleNames)}, which grant it only at ${DEPTH_LABEL[depth]} depth (${depthScope(depth)}). Ask a System Administrator for a role with ${DEPTH_LABEL[needed]} depth, or ask the record's owner to assign or share it.`;
  }
  throw new AppError('Forbidden', message);
}

function depthScope(depth: Depth): string {
  switch (depth) {
    case 'User':
      return 'own records only';
    case 'BusinessUnit':
      return "records of the user's business unit";
    case 'ParentChildBusinessUnit':
      return "records of the user's business unit and those below it";
    default:
      return 'all records';
  }
}

/**
 * Throws Forbidden unless the caller holds a non-record privilege (prvImportCustomization,
 * prvCreateRole, prvAssignRole…) at any depth.
 */
export async function assertPrivilege(
  ctx: SalesContext,
  caller: SalesCaller,
  privilege: string,
): Promise<void> {
  if (!caller.isDisabled) {
    const privileges = await privilegesOf(ctx, caller.systemUserId);
    if (depthRank(privileges.get(privilege) ?? 'None') > 0) return;
  }
  const roleNames = await roleNamesOf(ctx, caller.systemUserId);
  throw new AppError(
    'Forbidden',
    `Principal user ${caller.domainName} (Id=${caller.systemUserId}) is missing ${privilege} privilege: ${caller.domainName} ${heldRoles(roleNames)}${describePrivilegeFix(privilege)}`,
  );
}

function describePrivilegeFix(privilege: string): string {
  if (/^prv(Create|Write|Delete|Assign)Role$/.test(privilege)) {
    return '. Only a System Administrator may create, change or assign security roles.';
  }
  if (privilege === 'prvImportCustomization') {
    return '. Importing a solution needs the System Customizer or System Administrator role; a System Administrator can assign one.';
  }
  return '. A System Administrator can assign a role that grants it.';
}
