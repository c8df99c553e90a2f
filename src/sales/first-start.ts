import { eq, sql } from 'drizzle-orm';
import type { SalesContext } from './context.js';
import { currencyInfo } from './currencies.js';
import { installRole } from './roles.js';
import {
  businessunits,
  organization,
  roles,
  systemusers,
  SYSTEM_USER_ID,
  transactioncurrency,
} from './schema.js';
import { BUILT_IN_ROLES } from './security/role-definitions.js';
import { lockSalesWrites } from './write-lock.js';

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
      .select({ key: roles.roletemplatekey })
      .from(roles)
      .where(eq(roles.businessunitid, rootId));
    const have = new Set(existing.map((r) => r.key));
    for (const definition of BUILT_IN_ROLES) {
      if (have.has(definition.key)) continue;
      await installRole(tx, definition, { solutionId: null, ismanaged: true, actorId: SYSTEM_USER_ID });
    }
  });
}
