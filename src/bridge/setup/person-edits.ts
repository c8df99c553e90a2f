/**
 * Rule A3's blind spot made visible: the bridge never synchronises changes made by the integration
 * user, so when a *person* signs in as the integration user and edits Sales, those edits are lost to
 * sync. Tandem watches Sales change tracking on the synchronised tables and reports every change by
 * the integration user that the bridge did not write itself (its own writes are in the coupling
 * table with the version they produced).
 */
import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { BridgeContext } from '../context.js';
import type { ConnectionRow, RemoteClients } from '../remote.js';
import { couplings, personEdits, salesWatch, type CheckResult } from '../schema.js';

/** Sales tables the bridge synchronises: entity set → key, display name and the mapping that couples it. */
export const WATCHED = [
  { entitySet: 'accounts', key: 'accountid', name: 'name', mapping: 'CUSTOMER' },
  { entitySet: 'contacts', key: 'contactid', name: 'fullname', mapping: 'CONTACT' },
  { entitySet: 'products', key: 'productid', name: 'name', mapping: 'ITEM-PRODUCT' },
  { entitySet: 'opportunities', key: 'opportunityid', name: 'name', mapping: 'OPPORTUNITY' },
  {
    entitySet: 'transactioncurrencies',
    key: 'transactioncurrencyid',
    name: 'currencyname',
    mapping: 'CURRENCY',
  },
] as const;

/**
 * Reads what changed in Sales since the last scan and records edits by the integration user that the
 * bridge did not make. The first scan for an identity only sets the starting point.
 */
export async function scanPersonEdits(
  ctx: BridgeContext,
  row: ConnectionRow,
  clients: RemoteClients,
): Promise<number> {
  const integrationUser = row.salesUserId!;
  let found = 0;
  for (const watched of WATCHED) {
    const [cursor] = await ctx.db
      .select()
      .from(salesWatch)
      .where(eq(salesWatch.entitySet, watched.entitySet));
    const fresh = !cursor || cursor.salesUserId !== integrationUser;
    const changes = await clients.sales.readChanges(watched.entitySet, fresh ? undefined : cursor.deltaLink, {
      select: [watched.name, 'versionnumber', 'modifiedon', '_modifiedby_value'],
    });
    if (!fresh) {
      const byIntegrationUser = changes.rows.filter((r) => r._modifiedby_value === integrationUser);
      if (byIntegrationUser.length > 0) {
        const ids = byIntegrationUser.map((r) => String(r[watched.key]));
        const own = await ctx.db
          .select({ salesId: couplings.salesId, salesVersion: couplings.salesVersion })
          .from(couplings)
          .where(and(eq(couplings.mapping, watched.mapping), inArray(couplings.salesId, ids)));
        const written = new Map(own.map((c) => [c.salesId, c.salesVersion]));
        const edits = byIntegrationUser.filter(
          (r) => written.get(String(r[watched.key])) !== Number(r.versionnumber),
        );
        if (edits.length > 0) {
          const inserted = await ctx.db
            .insert(personEdits)
            .values(
              edits.map((r) => ({
                entitySet: watched.entitySet,
                recordId: String(r[watched.key]),
                recordName: typeof r[watched.name] === 'string' ? (r[watched.name] as string) : null,
                versionNumber: Number(r.versionnumber),
                modifiedOn: typeof r.modifiedon === 'string' ? new Date(r.modifiedon) : null,
              })),
            )
            .onConflictDoNothing()
            .returning({ id: personEdits.id });
          found += inserted.length;
        }
      }
    }
    await ctx.db
      .insert(salesWatch)
      .values({ entitySet: watched.entitySet, deltaLink: changes.deltaLink, salesUserId: integrationUser })
      .onConflictDoUpdate({
        target: salesWatch.entitySet,
        set: { deltaLink: changes.deltaLink, salesUserId: integrationUser, modifiedAt: new Date() },
      });
  }
  return found;
}

/** Unacknowledged person edits, newest first. */
export async function listPersonEdits(ctx: BridgeContext, limit = 100) {
  const rows = await ctx.db
    .select()
    .from(personEdits)
    .where(eq(personEdits.acknowledged, false))
    .orderBy(desc(personEdits.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    entitySet: r.entitySet,
    recordId: r.recordId,
    recordName: r.recordName,
    versionNumber: r.versionNumber,
    modifiedOn: r.modifiedOn?.toISOString() ?? null,
    detectedAt: r.detectedAt.toISOString(),
  }));
}

/** Marks every reported person edit as seen; returns how many. */
export async function acknowledgePersonEdits(ctx: BridgeContext): Promise<number> {
  const rows = await ctx.db
    .update(personEdits)
    .set({ acknowledged: true })
    .where(eq(personEdits.acknowledged, false))
    .returning({ id: personEdits.id });
  return rows.length;
}

/** Scans, then reports unacknowledged person edits as a warning (they never stop the bridge). */
export async function personEditsCheck(
  ctx: BridgeContext,
  row: ConnectionRow,
  clients: RemoteClients,
): Promise<CheckResult> {
  const who = row.identityName!;
  try {
    await scanPersonEdits(ctx, row, clients);
  } catch (error) {
    return {
      rule: 'A3',
      id: 'a3.person-edits',
      status: 'warn',
      message: `Could not look for edits made as ${who}: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'Test the connection again; if it persists, check that the integration identity can read Sales change tracking.',
    };
  }
  const [{ n } = { n: 0 }] = await ctx.db
    .select({ n: count() })
    .from(personEdits)
    .where(eq(personEdits.acknowledged, false));
  if (n === 0) {
    return {
      rule: 'A3',
      id: 'a3.person-edits',
      status: 'pass',
      message: `No one has edited Sales while signed in as the integration identity ${who}.`,
    };
  }
  const latest = await listPersonEdits(ctx, 3);
  const names = latest
    .map((e) => `${e.entitySet.replace(/s$/, '')} "${e.recordName ?? e.recordId}"`)
    .join(', ');
  return {
    rule: 'A3',
    id: 'a3.person-edits',
    status: 'warn',
    message: `${n} change${n === 1 ? ' was' : 's were'} made in Sales by a person signed in as the integration user ${who} (latest: ${names}). The bridge never synchronises the integration user's own changes, so these stay in Sales and will not reach the ERP.`,
    fix: `Make those changes again as yourself so they synchronise, keep the credentials of ${who} for the bridge only (make it Non-interactive), then acknowledge the report (POST /bridge/connection/person-edits/acknowledge).`,
  };
}
