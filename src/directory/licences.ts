/**
 * Licence assignment (Graph's subscribedSkus and assignLicense). Seats are taken with reserveSeats,
 * which locks the SKU row, so a request either gets every seat it needs or none: running out is a
 * CountViolation and the whole request changes nothing, also under concurrent requests.
 *
 * Lock order, everywhere in the directory: SKU rows (by id) before user rows (by id). Taking them in
 * one order is what keeps concurrent assignments, removals and deletions from deadlocking.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable, Transaction } from '../platform/db/database.js';
import { AppError } from '../platform/http/app-error.js';
import { lockDirectoryWrites } from './write-lock.js';
import { recordAudit } from './audit.js';
import { managementProblem, type AdminActor } from './authorisation.js';
import type { Actor, DirectoryContext } from './context.js';
import { nextRowVersion, skus, userLicences, users } from './schema.js';
import { findSku, releaseSeats, reserveSeats, type SkuRow } from './seats.js';
import { getUser, findUserRow, userNotFound, type UserView } from './user-query.js';

/** One SKU as Graph's subscribedSkus shows it, flattened. */
export interface LicenceView {
  skuId: string;
  partNumber: string;
  name: string;
  seats: number;
  consumed: number;
  available: number;
}

export function toLicenceView(sku: SkuRow): LicenceView {
  return {
    skuId: sku.id,
    partNumber: sku.partNumber,
    name: sku.name,
    seats: sku.seats,
    consumed: sku.consumed,
    available: Math.max(sku.seats - sku.consumed, 0),
  };
}

export async function listLicences(q: Queryable): Promise<LicenceView[]> {
  const rows = await q.select().from(skus).orderBy(asc(skus.partNumber));
  return rows.map(toLicenceView);
}

/** At most this many users per bulk request: keeps every statement's parameter list bounded. */
export const MAX_BULK_USERS = 1000;

function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** Locks the given users' rows in id order; unknown ids are a 404 naming them. */
export async function lockUsers(tx: Transaction, userIds: readonly string[]) {
  const ids = distinct(userIds).sort();
  if (ids.length === 0) return [];
  await lockDirectoryWrites(tx);
  const bad = ids.filter((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (bad.length > 0) {
    throw new AppError(
      'ValidationFailed',
      `These are not user ids (object ids are GUIDs): ${bad.join(', ')}.`,
      {
        problems: bad.map((value) => ({ field: 'userIds', message: 'is not a GUID', value })),
      },
    );
  }
  const rows = await tx
    .select({
      id: users.id,
      userPrincipalName: users.userPrincipalName,
      usageLocation: users.usageLocation,
      directoryRole: users.directoryRole,
      protectedFor: users.protectedFor,
    })
    .from(users)
    .where(inArray(users.id, ids))
    .orderBy(asc(users.id))
    .for('update');
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    throw new AppError(
      'NotFound',
      `No user with id ${missing.join(', ')} in this directory. Remove ${missing.length === 1 ? 'it' : 'them'} from the request and try again.`,
    );
  }
  return rows;
}

/** Refuses the whole request when `actor` may not manage one of `targets` (administrators, protected accounts). */
function assertMayManageAll(actor: AdminActor, targets: Parameters<typeof managementProblem>[1][]): void {
  const refused = targets.map((t) => managementProblem(actor, t)).filter((p): p is string => !!p);
  if (refused.length > 0) throw new AppError('Forbidden', refused.join(' '));
}

/** Marks users as changed (licences are part of the user), so change feeds see the assignment. */
async function touchUsers(tx: Transaction, actor: Actor, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx
    .update(users)
    .set({ modifiedAt: new Date(), modifiedBy: actor.id, rowVersion: nextRowVersion })
    .where(inArray(users.id, [...userIds]));
}

function listNames(names: readonly string[], max = 10): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export interface AssignmentResult {
  licence: LicenceView;
  /** Users who got the licence now. */
  assigned: string[];
  /** Users who already held it (adding again is a no-op, as in Graph). */
  unchanged: string[];
}

/**
 * Gives `sku` to every user in `userIds` inside the caller's transaction, or to none: a user without
 * usage location is UsageLocationRequired, too few free seats is CountViolation.
 */
export async function assignSkuInTx(
  tx: Transaction,
  actor: AdminActor,
  sku: SkuRow,
  userIds: readonly string[],
): Promise<AssignmentResult> {
  // Lock the SKU first (count 0 takes the lock and reads the current seats), then the users.
  await reserveSeats(tx, sku.id, 0);
  const targets = await lockUsers(tx, userIds);
  assertMayManageAll(actor, targets);
  const ids = targets.map((t) => t.id);
  const noLocation = targets.filter((t) => !t.usageLocation).map((t) => t.userPrincipalName);
  if (noLocation.length > 0) {
    throw new AppError(
      'UsageLocationRequired',
      `A licence can only be assigned to users with a usage location. Set the usage location (e.g. US, GB, DK) of ${listNames(noLocation)} first, then assign ${sku.partNumber} again.`,
      {
        problems: noLocation.map((upn) => ({
          field: 'usageLocation',
          message: `${upn} has no usage location`,
        })),
      },
    );
  }
  const held =
    ids.length === 0
      ? []
      : await tx
          .select({ userId: userLicences.userId })
          .from(userLicences)
          .where(and(eq(userLicences.skuId, sku.id), inArray(userLicences.userId, ids)));
  const heldSet = new Set(held.map((h) => h.userId));
  const toAssign = ids.filter((id) => !heldSet.has(id));
  const after = await reserveSeats(tx, sku.id, toAssign.length);
  if (toAssign.length > 0) {
    await tx
      .insert(userLicences)
      .values(toAssign.map((userId) => ({ userId, skuId: sku.id, assignedBy: actor.id })));
    await touchUsers(tx, actor, toAssign);
    await recordAudit(tx, actor, {
      action: 'licence.assigned',
      targetType: 'sku',
      targetId: sku.partNumber,
      details: {
        users: targets.filter((t) => !heldSet.has(t.id)).map((t) => t.userPrincipalName),
        count: toAssign.length,
      },
    });
  }
  return { licence: toLicenceView(after), assigned: toAssign, unchanged: [...heldSet] };
}

export interface RemovalResult {
  licence: LicenceView;
  removed: string[];
  /** Users who did not hold the licence (removing it is a no-op). */
  unchanged: string[];
}

/** Takes `sku` away from the users in `userIds` and gives the seats back (caller's transaction). */
export async function removeSkuInTx(
  tx: Transaction,
  actor: AdminActor,
  sku: SkuRow,
  userIds: readonly string[],
): Promise<RemovalResult> {
  await reserveSeats(tx, sku.id, 0);
  const targets = await lockUsers(tx, userIds);
  assertMayManageAll(actor, targets);
  const ids = targets.map((t) => t.id);
  const deleted =
    ids.length === 0
      ? []
      : await tx
          .delete(userLicences)
          .where(and(eq(userLicences.skuId, sku.id), inArray(userLicences.userId, ids)))
          .returning({ userId: userLicences.userId });
  const removed = deleted.map((d) => d.userId);
  await releaseSeats(tx, sku.id, removed.length);
  if (removed.length > 0) {
    await touchUsers(tx, actor, removed);
    const removedSet = new Set(removed);
    await recordAudit(tx, actor, {
      action: 'licence.removed',
      targetType: 'sku',
      targetId: sku.partNumber,
      details: {
        users: targets.filter((t) => removedSet.has(t.id)).map((t) => t.userPrincipalName),
        count: removed.length,
      },
    });
  }
  const [after] = await tx.select().from(skus).where(eq(skus.id, sku.id));
  const removedSet = new Set(removed);
  return { licence: toLicenceView(after!), removed, unchanged: ids.filter((id) => !removedSet.has(id)) };
}

function checkBulkSize(userIds: readonly string[]): void {
  if (userIds.length > MAX_BULK_USERS) {
    throw new AppError(
      'ValidationFailed',
      `${userIds.length} users in one request; the limit is ${MAX_BULK_USERS}. Split the list into several requests.`,
    );
  }
}

/** Bulk: assign one licence to many users, all or nothing. */
export async function assignLicence(
  ctx: DirectoryContext,
  actor: AdminActor,
  partNumberOrId: string,
  userIds: readonly string[],
): Promise<AssignmentResult> {
  checkBulkSize(userIds);
  return ctx.db.transaction(async (tx) =>
    assignSkuInTx(tx, actor, await findSku(tx, partNumberOrId), userIds),
  );
}

/** Bulk: remove one licence from many users. */
export async function removeLicence(
  ctx: DirectoryContext,
  actor: AdminActor,
  partNumberOrId: string,
  userIds: readonly string[],
): Promise<RemovalResult> {
  checkBulkSize(userIds);
  return ctx.db.transaction(async (tx) =>
    removeSkuInTx(tx, actor, await findSku(tx, partNumberOrId), userIds),
  );
}

/**
 * Graph's assignLicense for one user: removals then additions, in one transaction. Adding a licence
 * the user holds, or removing one he does not, changes nothing; naming a SKU in both lists is a 400.
 */
export async function changeUserLicences(
  ctx: DirectoryContext,
  actor: AdminActor,
  idOrUpn: string,
  change: { addLicences: readonly string[]; removeLicences: readonly string[] },
): Promise<UserView> {
  return ctx.db.transaction(async (tx) => {
    const user = await findUserRow(tx, idOrUpn);
    if (!user) throw userNotFound(idOrUpn);
    const add = await resolveSkus(tx, change.addLicences);
    const remove = await resolveSkus(tx, change.removeLicences);
    const both = add.filter((a) => remove.some((r) => r.id === a.id)).map((s) => s.partNumber);
    if (both.length > 0) {
      throw new AppError(
        'ValidationFailed',
        `${both.join(', ')} is in both addLicences and removeLicences. Name each licence in one list only.`,
      );
    }
    // All SKU locks first, in id order, before any user lock (see the lock order above).
    for (const sku of [...add, ...remove].sort((a, b) => a.id.localeCompare(b.id))) {
      await reserveSeats(tx, sku.id, 0);
    }
    for (const sku of remove) await removeSkuInTx(tx, actor, sku, [user.id]);
    for (const sku of add) await assignSkuInTx(tx, actor, sku, [user.id]);
    return getUser(tx, user.id);
  });
}

async function resolveSkus(tx: Transaction, partNumbersOrIds: readonly string[]): Promise<SkuRow[]> {
  const found: SkuRow[] = [];
  for (const key of partNumbersOrIds) {
    const sku = await findSku(tx, key);
    if (!found.some((s) => s.id === sku.id)) found.push(sku);
  }
  return found;
}

/** Locks every SKU row in id order: for operations (user deletion) that may release any of them. */
export async function lockAllSkus(tx: Transaction): Promise<void> {
  await lockDirectoryWrites(tx);
  await tx.execute(sql`select id from directory.skus order by id for update`);
}
