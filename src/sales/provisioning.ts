import { eq, sql } from 'drizzle-orm';
import type { DeletedUser, UserSnapshot } from '../directory/index.js';
import { queryRows, type Transaction } from '../platform/db/database.js';
import { idIn } from '../platform/db/id-list.js';
import type { SalesContext } from './context.js';
import { isSalesLicence } from './licences.js';
import { rootBusinessUnitId } from './roles.js';
import { ACCESS_MODE, provisioningState, systemusers, SYSTEM_USER_ID } from './schema.js';
import { invalidateSecurityCache } from './security/privileges.js';
import { SYSTEM_ADMINISTRATOR } from './security/role-definitions.js';
import { lockSalesWrites } from './write-lock.js';

/**
 * User provisioning: Sales learns about directory users only from the directory's feed, keeping its
 * own cursor. With no cursor yet it first loads every user (readAllUsers, resumable by user id) and
 * then continues from the feed position taken before the load began, so nothing in between is lost.
 *
 * The rules (SPEC §3; Dataverse's "How users get in"):
 * - an enabled directory user with a Sales licence becomes an enabled systemuser (islicensed) in the
 *   root business unit;
 * - a Global administrator comes in without a licence, in Administrative access mode, and is given
 *   System Administrator (as Dataverse does for tenant admins) — otherwise nobody could assign roles;
 * - losing the licence, being blocked or being deleted disables the systemuser (never deletes it);
 * - a Non-interactive user (accessmode 4) stays enabled without a licence: that is how Dataverse
 *   non-interactive users work (created licensed, set non-interactive, licence removed).
 */

const CONSUMER = 'sales-users';
const PAGE = 500;
/** Provisioning lock: one consumer applies a batch at a time across processes. */
const PROVISIONING_LOCK = 7246022;

type SystemUserRow = typeof systemusers.$inferSelect;
type SystemUserInsert = typeof systemusers.$inferInsert;

const clip = (value: string | null | undefined, max: number): string | null =>
  value == null || value.trim() === '' ? null : value.slice(0, max);

interface Desired {
  enabled: boolean;
  licensed: boolean;
  reason: string | null;
}

/** What the directory says this systemuser should be; undefined when it should not exist at all. */
export function desiredState(
  snapshot: UserSnapshot | DeletedUser,
  existing: Pick<SystemUserRow, 'accessmode'> | undefined,
): Desired | undefined {
  if (snapshot.deleted) {
    return existing ? { enabled: false, licensed: false, reason: 'deleted in the directory' } : undefined;
  }
  const licensed = snapshot.licences.some(isSalesLicence);
  const admin = snapshot.directoryRole === 'global_administrator';
  const nonInteractive = existing?.accessmode === ACCESS_MODE.NonInteractive;
  if (!existing && !licensed && !admin) return undefined;
  if (!snapshot.signInAllowed)
    return { enabled: false, licensed, reason: 'sign-in is blocked in the directory' };
  if (licensed || admin || nonInteractive) return { enabled: true, licensed, reason: null };
  return {
    enabled: false,
    licensed: false,
    reason: 'the Dynamics 365 Sales licence was removed in the directory',
  };
}

/** The access mode after a licence change: unlicensed admins are Administrative, licensed ones Read-Write. */
function nextAccessMode(current: number | undefined, licensed: boolean, admin: boolean): number {
  if (current === undefined) return !licensed && admin ? ACCESS_MODE.Administrative : ACCESS_MODE.ReadWrite;
  if (current === ACCESS_MODE.Administrative && licensed) return ACCESS_MODE.ReadWrite;
  if (current === ACCESS_MODE.ReadWrite && !licensed && admin) return ACCESS_MODE.Administrative;
  return current;
}

/** Columns provisioning writes; an upsert updates exactly these (never the business unit). */
const PROVISIONED = [
  'domainname',
  'internalemailaddress',
  'fullname',
  'firstname',
  'lastname',
  'title',
  'mobilephone',
  'address1_telephone1',
  'accessmode',
  'caltype',
  'isdisabled',
  'islicensed',
  'disabledreason',
] as const;
/** Columns of a provisioned row as inserted: the provisioned ones, its directory id, business unit and stamps. */
const INSERTED = [
  ...PROVISIONED,
  'azureactivedirectoryobjectid',
  'businessunitid',
  'createdby',
  'modifiedby',
];

/**
 * Applies a page of snapshots set-based: one read of the existing rows, one upsert of the rows that
 * change (unchanged users are not rewritten, so their versionnumber moves only on real changes) and
 * one statement giving System Administrator to enabled Global administrators holding no role.
 * Returns whether any role was given.
 */
async function applySnapshots(
  tx: Transaction,
  snapshots: Array<UserSnapshot | DeletedUser>,
): Promise<boolean> {
  if (snapshots.length === 0) return false;
  const existingRows = await tx
    .select()
    .from(systemusers)
    .where(
      idIn(
        systemusers.azureactivedirectoryobjectid,
        snapshots.map((s) => s.id),
      ),
    );
  const existing = new Map(existingRows.map((r) => [r.azureactivedirectoryobjectid!, r]));
  const writes: SystemUserInsert[] = [];
  const admins: string[] = [];
  let rootId: string | undefined;
  for (const snapshot of snapshots) {
    const row = existing.get(snapshot.id);
    const desired = desiredState(snapshot, row);
    if (!desired) continue;
    const admin = !snapshot.deleted && snapshot.directoryRole === 'global_administrator';
    if (admin && desired.enabled) admins.push(snapshot.id);
    if (snapshot.deleted && !row) continue;
    const accessmode = nextAccessMode(row?.accessmode, desired.licensed, admin);
    const fields = {
      ...(snapshot.deleted
        ? pickProfile(row!)
        : {
            domainname: snapshot.userPrincipalName,
            internalemailaddress: clip(snapshot.userPrincipalName, 100),
            fullname: clip(snapshot.displayName, 200),
            firstname: clip(snapshot.firstName, 64),
            lastname: clip(snapshot.lastName, 64),
            title: clip(snapshot.jobTitle, 128),
            mobilephone: clip(snapshot.mobilePhone, 64),
            address1_telephone1: clip(snapshot.officePhone, 64),
          }),
      accessmode,
      caltype: accessmode === ACCESS_MODE.Administrative ? 1 : 0,
      isdisabled: !desired.enabled,
      islicensed: desired.licensed,
      disabledreason: desired.reason,
    };
    if (row && PROVISIONED.every((k) => (fields[k] ?? null) === (row[k] ?? null))) continue;
    rootId ??= await rootBusinessUnitId(tx);
    writes.push({
      ...fields,
      azureactivedirectoryobjectid: snapshot.id,
      businessunitid: row?.businessunitid ?? rootId,
      createdby: SYSTEM_USER_ID,
      modifiedby: SYSTEM_USER_ID,
    });
  }
  if (writes.length > 0) {
    // The page's rows as one JSON parameter: a multi-row VALUES list built by drizzle (a parameter
    // per cell, ~8,500 for a page) cost more than the statement on PGlite.
    await tx.execute(sql`
      insert into sales.systemusers (${sql.raw(INSERTED.join(', '))})
      select ${sql.raw(INSERTED.join(', '))}
      from json_populate_recordset(null::sales.systemusers, ${JSON.stringify(writes)}::json)
      on conflict (azureactivedirectoryobjectid) do update set
        ${sql.raw(PROVISIONED.map((k) => `${k} = excluded.${k}`).join(', '))},
        modifiedby = ${SYSTEM_USER_ID}::uuid`);
  }
  if (admins.length === 0) return false;
  // A Global administrator holding no role at all gets System Administrator (the tenant's way in).
  const given = await queryRows<{ systemuserid: string }>(
    tx,
    sql`insert into sales.systemuserroles (systemuserid, roleid, createdby)
        select u.systemuserid, r.roleid, ${SYSTEM_USER_ID}::uuid
        from sales.systemusers u
        join sales.roles r on r.businessunitid = u.businessunitid and r.roletemplatekey = ${SYSTEM_ADMINISTRATOR}
        where u.azureactivedirectoryobjectid in (${sql.join(
          admins.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
          and not u.isdisabled
          and not exists (select 1 from sales.systemuserroles x where x.systemuserid = u.systemuserid)
        on conflict do nothing
        returning systemuserid`,
  );
  return given.length > 0;
}

function pickProfile(row: SystemUserRow) {
  return {
    domainname: row.domainname,
    internalemailaddress: row.internalemailaddress,
    fullname: row.fullname,
    firstname: row.firstname,
    lastname: row.lastname,
    title: row.title,
    mobilephone: row.mobilephone,
    address1_telephone1: row.address1_telephone1,
  };
}

type ProvisioningState = typeof provisioningState.$inferSelect;

async function readState(q: SalesContext['db'] | Transaction): Promise<ProvisioningState> {
  const [row] = await q.select().from(provisioningState).where(eq(provisioningState.consumer, CONSUMER));
  return (
    row ?? {
      consumer: CONSUMER,
      cursor: null,
      fullLoadCursor: null,
      fullLoadAfterId: null,
      updatedAt: new Date(),
    }
  );
}

async function saveState(tx: Transaction, state: Omit<ProvisioningState, 'updatedAt' | 'consumer'>) {
  await tx
    .insert(provisioningState)
    .values({ consumer: CONSUMER, ...state })
    .onConflictDoUpdate({ target: provisioningState.consumer, set: { ...state, updatedAt: new Date() } });
}

const sameState = (a: ProvisioningState, b: ProvisioningState) =>
  a.cursor === b.cursor && a.fullLoadCursor === b.fullLoadCursor && a.fullLoadAfterId === b.fullLoadAfterId;

/**
 * One step: reads a batch from the feed (outside any transaction: on PGlite a query waiting behind
 * an open transaction would never run), then applies it in a transaction that re-reads the state
 * under the provisioning lock and gives up if another process moved it meanwhile.
 * Returns false when caught up.
 */
async function step(ctx: SalesContext): Promise<boolean> {
  const before = await readState(ctx.db);
  let next: Omit<ProvisioningState, 'updatedAt' | 'consumer'>;
  let batch: Array<UserSnapshot | DeletedUser>;
  let more: boolean;
  if (before.cursor === null) {
    const fullLoadCursor = before.fullLoadCursor ?? (await ctx.feed.latestCursor());
    const users = await ctx.feed.readAllUsers(before.fullLoadAfterId ?? undefined, PAGE);
    batch = users;
    more = true;
    next =
      users.length < PAGE
        ? { cursor: fullLoadCursor, fullLoadCursor: null, fullLoadAfterId: null }
        : { cursor: null, fullLoadCursor, fullLoadAfterId: users[users.length - 1]!.id };
  } else {
    const changes = await ctx.feed.readChanges(before.cursor, PAGE);
    if (changes.length === 0) return false;
    batch = await ctx.feed.snapshots(changes.map((c) => c.userId));
    more = changes.length === PAGE;
    next = { cursor: changes[changes.length - 1]!.cursor, fullLoadCursor: null, fullLoadAfterId: null };
  }
  let rolesChanged = false;
  const applied = await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PROVISIONING_LOCK})`);
    await lockSalesWrites(tx);
    if (!sameState(await readState(tx), before)) return false;
    rolesChanged = await applySnapshots(tx, batch);
    await saveState(tx, next);
    return true;
  });
  if (rolesChanged) invalidateSecurityCache(ctx);
  return applied ? more || next.cursor !== before.cursor : true;
}

const runs = new WeakMap<SalesContext, Promise<void>>();

/**
 * Provisions the given directory users now, from their current snapshots, whatever the feed cursor:
 * a request from a user licensed a moment ago need not wait for the whole feed to be caught up
 * (which, after a big import, the background loop does at its own pace). Idempotent: the feed will
 * apply the same or a newer snapshot later.
 */
export async function provisionUsers(ctx: SalesContext, directoryIds: readonly string[]): Promise<void> {
  const batch = await ctx.feed.snapshots(directoryIds);
  let rolesChanged = false;
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PROVISIONING_LOCK})`);
    await lockSalesWrites(tx);
    rolesChanged = await applySnapshots(tx, batch);
  });
  if (rolesChanged) invalidateSecurityCache(ctx);
}

/**
 * Applies the directory feed until Sales is caught up. Calls in one process queue behind each other
 * (each runs a full pass after the previous one, so a caller always sees changes made before it called).
 */
export function provisionNow(
  ctx: SalesContext,
  pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
): Promise<void> {
  const previous = runs.get(ctx) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      // Pause between pages: PGlite runs SQL on the main thread, and a long catch-up (100,000
      // imported users) must not starve the HTTP server.
      for (let i = 0; i < 100_000 && (await step(ctx)); i++) await pause();
    });
  runs.set(ctx, run);
  return run;
}

/**
 * Keeps provisioning running in the background: woken at once by in-process directory changes,
 * and polling every `intervalMs` for changes made by other processes. Failures are reported and
 * retried on the next wake-up; they never stop the loop or the process.
 */
export function startProvisioning(
  ctx: SalesContext,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  let pending: Promise<void> | undefined;
  let again = false;
  const report =
    options.onError ??
    ((error: unknown) =>
      process.stderr.write(
        `Sales user provisioning failed (will retry): ${error instanceof Error ? error.message : String(error)}\n`,
      ));
  const wake = () => {
    if (stopped) return;
    if (pending) {
      again = true;
      return;
    }
    // In the background, wait for requests in flight to finish between pages (the foreground gate).
    pending = provisionNow(ctx, () => (ctx.gate ? ctx.gate.idle() : Promise.resolve()))
      .catch((error: unknown) => {
        if (!stopped) report(error);
      })
      .finally(() => {
        pending = undefined;
        if (again && !stopped) {
          again = false;
          wake();
        }
      });
  };
  const unsubscribe = ctx.feed.onChange(wake);
  const timer = setInterval(wake, options.intervalMs ?? 2_000);
  timer.unref();
  wake();
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await pending;
    },
  };
}
