import { eq, sql } from 'drizzle-orm';
import type { SalesContext } from './context.js';
import { currencyInfo } from './currencies.js';
import type { Transaction } from '../platform/db/database.js';
import { installRole, privilegeRows } from './roles.js';
import {
  businessunits,
  organization,
  roles,
  roleprivileges,
  systemusers,
  SYSTEM_USER_ID,
  transactioncurrency,
} from './schema.js';
import { BUILT_IN_ROLES, type RoleDefinition } from './security/role-definitions.js';
import { lockSalesWrites } from './write-lock.js';

/** Whether a stored role already holds exactly the definition's privileges. */
async function sameGrants(tx: Transaction, roleId: string, definition: RoleDefinition): Promise<boolean> {
  const stored = await tx
    .select({ name: roleprivileges.privilegename, depth: roleprivileges.depth })
    .from(roleprivileges)
    .where(eq(roleprivileges.roleid, roleId));
  const wanted = privilegeRows(roleId, definition.privileges);
  const key = (rows: Array<{ name?: string; privilegename?: string; depth: string }>) =>
    rows
      .map((r) => `${r.name ?? r.privilegename}:${r.depth}`)
      .sort()
      .join(',');
  return key(stored) === key(wanted);
}

/**
 * First start of Sales: the root business unit (named after the tenant), the SYSTEM user, the base
 * currency (TANDEM_LCY), the organisation row and the built-in security roles. Each step runs only
 * when its row is missing, so restarts and several processes starting together are harmless (an
 * advisory lock serialises them); roles an administrator customised are never overwritten.
 */
export async function bootstrapSales(ctx: SalesContext): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7246021)`);
    await lockSalesWrites(tx);
    const actor = { createdby: SYSTEM_USER_ID, modifiedby: SYSTEM_USER_ID };

    let [root] = await tx
      .select({ id: businessunits.businessunitid })
      .from(businessunits)
      .where(sql`${businessunits.parentbusinessunitid} is null`);
    if (!root) {
      [root] = await tx
        .insert(businessunits)
        .values({ name: ctx.config.tenantName.slice(0, 160), ...actor })
        .returning({ id: businessunits.businessunitid });
    }
    const rootId = root!.id;

    await tx
      .insert(systemusers)
      .values({
        systemuserid: SYSTEM_USER_ID,
        domainname: 'SYSTEM',
        fullname: 'SYSTEM',
        lastname: 'SYSTEM',
        accessmode: 1,
        caltype: 1,
        businessunitid: rootId,
        ...actor,
      })
      .onConflictDoNothing();

    const iso = ctx.config.lcy;
    let [currency] = await tx
      .select({ id: transactioncurrency.transactioncurrencyid })
      .from(transactioncurrency)
      .where(eq(transactioncurrency.isocurrencycode, iso));
    const [org] = await tx.select().from(organization);
    if (!currency && !org) {
      const info = currencyInfo(iso);
      [currency] = await tx
        .insert(transactioncurrency)
        .values({
          isocurrencycode: iso,
          currencyname: info.name,
          currencysymbol: info.symbol,
          currencyprecision: info.precision,
          exchangerate: 1,
          ...actor,
        })
        .returning({ id: transactioncurrency.transactioncurrencyid });
    }
    if (!org) {
      await tx.insert(organization).values({
        name: ctx.config.tenantName.slice(0, 160),
        basecurrencyid: currency?.id ?? null,
        settings: { allowRoleAssignmentOnDisabledUsers: false },
        ...actor,
      });
    }

    const existing = await tx
      .select({ roleid: roles.roleid, key: roles.roletemplatekey })
      .from(roles)
      .where(eq(roles.businessunitid, rootId));
    for (const definition of BUILT_IN_ROLES) {
      const found = existing.find((r) => r.key === definition.key);
      // Customisable roles are the administrator's once created; a role nobody may change (System
      // Administrator) follows the code, so a new privilege reaches existing installations too.
      if (found && (definition.iscustomizable || (await sameGrants(tx, found.roleid, definition)))) continue;
      await installRole(tx, definition, { solutionId: null, ismanaged: true, actorId: SYSTEM_USER_ID });
    }
  });
}
