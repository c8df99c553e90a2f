import crypto from 'node:crypto';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Queryable, Transaction } from '../platform/db/database.js';
import { audit } from './audit.js';
import type { Caller } from './context.js';
import { erpError } from './errors.js';
import { findPermissionSet } from './permission-sets.js';
import { nextRowVersion, userPermissionSets, users } from './schema.js';

/**
 * ERP users and their permission sets. People arrive from the directory feed (provisioning.ts);
 * application identities are registered here by a SUPER user. Assigning and removing sets is
 * audited in the same transaction.
 */

export type ErpUserRow = typeof users.$inferSelect;

export interface ErpUserView {
  id: string;
  kind: 'user' | 'application';
  userName: string;
  displayName: string;
  email: string | null;
  applicationId: string | null;
  state: 'Enabled' | 'Disabled';
  disabledReason: string | null;
  licensed: boolean;
  permissionSets: string[];
  lastModifiedDateTime: string;
}

async function setsOf(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q
    .select({ code: userPermissionSets.permissionSet })
    .from(userPermissionSets)
    .where(eq(userPermissionSets.userId, userId))
    .orderBy(asc(userPermissionSets.permissionSet));
  return rows.map((r) => r.code);
}

function view(row: ErpUserRow, sets: string[]): ErpUserView {
  return {
    id: row.id,
    kind: row.kind,
    userName: row.userName,
    displayName: row.displayName,
    email: row.email,
    applicationId: row.appId,
    state: row.state === 'enabled' ? 'Enabled' : 'Disabled',
    disabledReason: row.disabledReason,
    licensed: row.licensed,
    permissionSets: sets,
    lastModifiedDateTime: row.modifiedAt.toISOString(),
  };
}

export async function listUsers(q: Queryable): Promise<ErpUserView[]> {
  const rows = await q.select().from(users).orderBy(asc(users.userName));
  const sets = await q.select().from(userPermissionSets);
  return rows.map((r) =>
    view(
      r,
      sets
        .filter((s) => s.userId === r.id)
        .map((s) => s.permissionSet)
        .sort(),
    ),
  );
}

export async function getUser(q: Queryable, id: string): Promise<ErpUserView> {
  const [row] = await q.select().from(users).where(eq(users.id, id));
  if (!row)
    throw erpError(
      'NotFound',
      'Internal_RecordNotFound',
      `The User does not exist. Identification fields and values: User Security ID='${id}'`,
    );
  return view(row, await setsOf(q, id));
}

function prepareCallerLookups(q: Queryable) {
  // The user and their permission sets in one statement (one snapshot, one round trip per request),
  // built once per database rather than by the query builder on every request.
  const lookup = (where: SQL, name: string) =>
    q
      .select({
        user: users,
        permissionSets: sql<
          string[] | null
        >`(select array_agg(${userPermissionSets.permissionSet} order by ${userPermissionSets.permissionSet})
          from ${userPermissionSets} where ${userPermissionSets.userId} = ${users.id})`,
      })
      .from(users)
      .where(where)
      .prepare(name);
  return {
    byId: lookup(eq(users.id, sql.placeholder('id')), 'erp_caller_by_id'),
    byApplicationId: lookup(eq(users.appId, sql.placeholder('id')), 'erp_caller_by_application_id'),
  };
}

const callerLookups = new WeakMap<Queryable, ReturnType<typeof prepareCallerLookups>>();

/** The caller behind a verified token: by directory object id (people) or appId (applications). */
export async function resolveCaller(
  q: Queryable,
  token: {
    objectId: string;
    kind: 'user' | 'application';
    appId?: string;
    name?: string;
    userPrincipalName?: string;
  },
): Promise<Caller> {
  let prepared = callerLookups.get(q);
  if (!prepared) {
    prepared = prepareCallerLookups(q);
    callerLookups.set(q, prepared);
  }
  const [found] =
    token.kind === 'application'
      ? await prepared.byApplicationId.execute({ id: token.appId ?? '' })
      : await prepared.byId.execute({ id: token.objectId });
  const row = found?.user;
  const who = token.userPrincipalName ?? token.name ?? token.appId ?? token.objectId;
  if (!row) {
    throw erpError(
      'Unauthorized',
      'Authentication_InvalidCredentials',
      token.kind === 'application'
        ? `The server has rejected the client credentials: application ${who} is not registered in Business Central. A SUPER user must register its application id (POST /api/tandem/admin/v1.0/applications) and give it permission sets.`
        : `The server has rejected the client credentials: ${who} is not a Business Central user because they have no Business Central licence; assign one in the directory.`,
      { headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  if (row.state !== 'enabled') {
    throw erpError(
      'Forbidden',
      'Authorization_UserDisabled',
      `Business Central user ${row.userName} is disabled: ${row.disabledReason ?? 'disabled by an administrator'}.`,
    );
  }
  return {
    userId: row.id,
    actorId: token.objectId,
    kind: row.kind,
    name: row.userName,
    permissionSets: found.permissionSets ?? [],
  };
}

function unknownSet(code: string) {
  return erpError(
    'BadRequest',
    'Internal_RecordNotFound',
    `The Permission Set does not exist. Identification fields and values: Role ID='${code}'. Use one of SUPER, BASIC, SALES, INTEGRATION.`,
  );
}

async function touchUser(tx: Transaction, userId: string, actorId: string): Promise<void> {
  await tx
    .update(users)
    .set({ modifiedAt: sql`now()`, modifiedBy: actorId, rowVersion: nextRowVersion })
    .where(eq(users.id, userId));
}

/** Gives a user a permission set (idempotent), audited. */
export async function assignPermissionSet(
  tx: Transaction,
  caller: Caller,
  userId: string,
  code: string,
): Promise<ErpUserView> {
  const set = findPermissionSet(code);
  if (!set) throw unknownSet(code);
  await getUser(tx, userId);
  const inserted = await tx
    .insert(userPermissionSets)
    .values({ userId, permissionSet: set.code, origin: 'assigned', assignedBy: caller.actorId })
    .onConflictDoUpdate({
      target: [userPermissionSets.userId, userPermissionSets.permissionSet],
      set: { origin: 'assigned' },
    })
    .returning({ userId: userPermissionSets.userId });
  if (inserted.length) {
    await touchUser(tx, userId, caller.actorId);
    await audit(tx, {
      actorId: caller.actorId,
      actorName: caller.name,
      action: 'permissionSet.assign',
      targetType: 'user',
      targetId: userId,
      details: { permissionSet: set.code },
    });
  }
  return getUser(tx, userId);
}

/** Takes a permission set from a user, audited; a SUPER user cannot take SUPER from themselves. */
export async function removePermissionSet(
  tx: Transaction,
  caller: Caller,
  userId: string,
  code: string,
): Promise<void> {
  const set = findPermissionSet(code);
  if (!set) throw unknownSet(code);
  await getUser(tx, userId);
  if (set.code === 'SUPER' && userId === caller.userId)
    throw erpError(
      'Conflict',
      'Application_DialogException',
      'You cannot remove SUPER from yourself: another SUPER user must do it, so the company is never left without one.',
    );
  const removed = await tx
    .delete(userPermissionSets)
    .where(and(eq(userPermissionSets.userId, userId), eq(userPermissionSets.permissionSet, set.code)))
    .returning({ userId: userPermissionSets.userId });
  if (!removed.length)
    throw erpError(
      'NotFound',
      'Internal_RecordNotFound',
      `User ${userId} does not have permission set ${set.code}.`,
    );
  await touchUser(tx, userId, caller.actorId);
  await audit(tx, {
    actorId: caller.actorId,
    actorName: caller.name,
    action: 'permissionSet.remove',
    targetType: 'user',
    targetId: userId,
    details: { permissionSet: set.code },
  });
}

const APP_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Registers an application identity (client-credentials tokens) as an ERP user, as BC's "Microsoft
 * Entra Applications" page does; it holds the permission sets given (none by default), audited.
 */
export async function registerApplication(
  tx: Transaction,
  caller: Caller,
  input: { applicationId: string; displayName: string; permissionSets?: string[] },
): Promise<ErpUserView> {
  if (!APP_ID.test(input.applicationId))
    throw erpError(
      'BadRequest',
      'Application_InvalidGUID',
      `applicationId '${input.applicationId}' is not a GUID: use the application's client id from the directory.`,
    );
  const appId = input.applicationId.toLowerCase();
  const [clash] = await tx.select({ id: users.id }).from(users).where(eq(users.appId, appId));
  if (clash)
    throw erpError(
      'AlreadyExists',
      'Internal_EntityWithSameKeyExists',
      `Application ${appId} is already registered as user ${clash.id}.`,
    );
  const sets = (input.permissionSets ?? []).map((code) => {
    const set = findPermissionSet(code);
    if (!set) throw unknownSet(code);
    return set.code;
  });
  const displayName = input.displayName.trim() || appId;
  const [row] = await tx
    .insert(users)
    .values({
      id: crypto.randomUUID(),
      kind: 'application',
      appId,
      userName: displayName.toUpperCase().slice(0, 50),
      displayName,
      state: 'enabled',
      modifiedBy: caller.actorId,
    })
    .returning();
  for (const code of sets)
    await tx
      .insert(userPermissionSets)
      .values({ userId: row!.id, permissionSet: code, origin: 'assigned', assignedBy: caller.actorId });
  await audit(tx, {
    actorId: caller.actorId,
    actorName: caller.name,
    action: 'application.register',
    targetType: 'user',
    targetId: row!.id,
    details: { applicationId: appId, permissionSets: sets },
  });
  return getUser(tx, row!.id);
}
