/**
 * Changing directory users: create, update, delete, reset password, directory role, block sign-in.
 * Every change is one transaction that also writes the audit entry. Reading lives in user-query.ts,
 * licence assignment in licences.ts.
 */
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Queryable, Transaction } from '../platform/db/database.js';
import { AppError, type FieldProblem } from '../platform/http/app-error.js';
import {
  generateTemporaryPassword,
  hashGeneratedSecret,
  hashPassword,
  passwordPolicyProblem,
} from '../platform/security/passwords.js';
import { lockDirectoryWrites } from './write-lock.js';
import { recordAudit } from './audit.js';
import { managementProblem, ROLE_LABEL, type AdminActor } from './authorisation.js';
import type { DirectoryContext } from './context.js';
import { assignSkuInTx, lockAllSkus, lockUsers, MAX_BULK_USERS } from './licences.js';
import { domains, nextRowVersion, sessions, userLicences, users, type DirectoryRole } from './schema.js';
import { findSku, releaseSeats, type SkuRow } from './seats.js';
import { cleanCell, PROFILE_FIELDS, profileProblems, type ProfileFieldKey } from './user-fields.js';
import {
  findUserRow,
  getUser,
  licencesOfUsers,
  toUserView,
  userNotFound,
  type UserRow,
  type UserView,
} from './user-query.js';

export { managementProblem, type AdminActor } from './authorisation.js';

export type ProfileInput = Partial<Record<ProfileFieldKey, string | null>>;

export interface CreateUserInput extends ProfileInput {
  userPrincipalName: string;
  displayName: string;
  usageLocation?: string | null;
  signInAllowed?: boolean;
  /** A password the administrator chose; omitted → a generated temporary one. */
  password?: string;
  mustChangePassword?: boolean;
  /** Part numbers (or skuIds) to assign in the same transaction. */
  licences?: readonly string[];
}

export interface UpdateUserInput extends ProfileInput {
  usageLocation?: string | null;
  signInAllowed?: boolean;
}

export interface CreatedUser {
  user: UserView;
  /** Only when Tandem generated it: shown once, never stored in clear. */
  temporaryPassword?: string;
}

export async function verifiedDomains(q: Queryable): Promise<string[]> {
  const rows = await q.select({ name: domains.name }).from(domains).orderBy(asc(domains.name));
  return rows.map((r) => r.name);
}

export async function listDomains(q: Queryable): Promise<Array<{ name: string; isDefault: boolean }>> {
  return q
    .select({ name: domains.name, isDefault: domains.isDefault })
    .from(domains)
    .orderBy(asc(domains.name));
}

// ---- rules (pure, unit-tested) -------------------------------------------------------------------

/**
 * Trims every given field, turns empty into null, upper-cases the usage location. Fields not given
 * stay undefined, so an update touches only what was sent.
 */
export function cleanProfile<T extends ProfileInput & { usageLocation?: string | null }>(input: T): T {
  const out: Record<string, unknown> = { ...input };
  for (const key of [...PROFILE_FIELDS.map((f) => f.key), 'usageLocation'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    const cleaned = value === null ? '' : cleanCell(value);
    out[key] = cleaned === '' ? null : key === 'usageLocation' ? cleaned.toUpperCase() : cleaned;
  }
  return out as T;
}

/** Why `actor` may not give `target` the directory role `role`, or undefined. */
export function roleChangeProblem(
  actor: AdminActor,
  target: Pick<UserRow, 'userPrincipalName' | 'directoryRole'>,
  role: DirectoryRole,
): string | undefined {
  if (actor.role === 'global_administrator' || (target.directoryRole === 'user' && role === 'user')) {
    return undefined;
  }
  return `Only a Global administrator can grant or remove administrator roles; ${actor.name} is a ${ROLE_LABEL[actor.role]}, so ${target.userPrincipalName} stays ${ROLE_LABEL[target.directoryRole]}.`;
}

/**
 * The tenant must keep at least one Global administrator who can sign in, or nobody could ever
 * administer it again. Given the active Global administrators and the ones a change would take away,
 * says why the change is refused.
 */
export function lastGlobalAdminProblem(
  activeGlobalAdmins: ReadonlyArray<{ id: string; userPrincipalName: string }>,
  losing: ReadonlySet<string>,
  verb: 'deleted' | 'blocked from signing in' | 'given another role',
): string | undefined {
  const remaining = activeGlobalAdmins.filter((a) => !losing.has(a.id));
  const lost = activeGlobalAdmins.filter((a) => losing.has(a.id));
  if (remaining.length > 0 || lost.length === 0) return undefined;
  const names = lost.map((a) => a.userPrincipalName).join(', ');
  return `${names} ${lost.length === 1 ? 'is the last Global administrator' : 'are the last Global administrators'} who can sign in and cannot be ${verb}. Make another user a Global administrator first, then try again.`;
}

/** `If-Match` value → the row version it names, '*' for any, undefined when absent. */
export function parseIfMatch(header: string | undefined): number | '*' | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  if (!match) {
    throw new AppError(
      'BadRequest',
      `If-Match "${value}" is not a row version. Send the user's rowVersion (or its ETag) as returned by GET.`,
    );
  }
  return Number(match[1]);
}

function validationError(subject: string, issues: Array<{ field: string; message: string }>): AppError {
  const problems: FieldProblem[] = issues.map((i) => ({ field: i.field, message: i.message }));
  return new AppError('ValidationFailed', `${subject}: ${issues.map((i) => i.message).join('; ')}.`, {
    problems,
  });
}

function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; i++) {
    if (e.code === '23505') return true;
    e = e.cause as typeof e;
  }
  return false;
}

function duplicateUpn(upn: string): AppError {
  return new AppError(
    'AlreadyExists',
    `A user with the user name ${upn} already exists. Choose another user name, or update the existing user.`,
  );
}

// ---- locking helpers -------------------------------------------------------------------------------

/**
 * Serialises the changes that can take away a Global administrator (delete, block, demote), so two
 * of them running at once on PostgreSQL cannot each leave the other as "the last one" and end with none.
 */
async function lockAdminChanges(tx: Transaction): Promise<void> {
  await lockDirectoryWrites(tx);
  await tx.execute(sql`select pg_advisory_xact_lock(7246002)`);
}

async function activeGlobalAdmins(tx: Transaction) {
  return tx
    .select({ id: users.id, userPrincipalName: users.userPrincipalName })
    .from(users)
    .where(and(eq(users.directoryRole, 'global_administrator'), eq(users.signInAllowed, true)));
}

async function lockUserRow(tx: Transaction, idOrUpn: string): Promise<UserRow> {
  const found = await findUserRow(tx, idOrUpn);
  if (!found) throw userNotFound(idOrUpn);
  const [row] = await tx.select().from(users).where(eq(users.id, found.id)).for('update');
  if (!row) throw userNotFound(idOrUpn);
  return row;
}

function assertMayManage(actor: AdminActor, target: UserRow): void {
  const problem = managementProblem(actor, target);
  if (problem) throw new AppError('Forbidden', problem);
}

async function revokeSessions(tx: Transaction, userIds: readonly string[]): Promise<void> {
  if (userIds.length > 0) await tx.delete(sessions).where(inArray(sessions.userId, [...userIds]));
}

// ---- operations --------------------------------------------------------------------------------------

export async function createUser(
  ctx: DirectoryContext,
  actor: AdminActor,
  raw: CreateUserInput,
): Promise<CreatedUser> {
  const input = cleanProfile(raw);
  const verified = await verifiedDomains(ctx.db);
  const issues: Array<{ field: string; message: string }> = profileProblems(input, verified, {
    requireAll: true,
  });
  if (input.password !== undefined) {
    const problem = passwordPolicyProblem(input.password);
    if (problem) issues.push({ field: 'password', message: `The password ${problem}` });
  }
  const upn = (input.userPrincipalName ?? '').toLowerCase();
  if (issues.length > 0) throw validationError(`User ${upn || '(no user name)'} cannot be created`, issues);

  // Hash before the transaction: scrypt is deliberately slow and must not hold locks.
  const temporaryPassword = input.password === undefined ? generateTemporaryPassword() : undefined;
  const passwordHash =
    temporaryPassword !== undefined
      ? hashGeneratedSecret(temporaryPassword, ctx.generatedSecretKey)
      : await hashPassword(input.password!);
  const mustChangePassword = temporaryPassword !== undefined ? true : (input.mustChangePassword ?? false);

  try {
    const user = await ctx.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: users.id })
        .from(users)
        .where(eq(users.userPrincipalName, upn));
      if (existing) throw duplicateUpn(upn);
      const skusToAssign: SkuRow[] = [];
      for (const key of input.licences ?? []) {
        const sku = await findSku(tx, key);
        if (!skusToAssign.some((s) => s.id === sku.id)) skusToAssign.push(sku);
      }
      const now = new Date();
      const profile: Partial<Record<ProfileFieldKey, string | null>> = {};
      for (const spec of PROFILE_FIELDS) profile[spec.key] = input[spec.key] ?? null;
      const [created] = await tx
        .insert(users)
        .values({
          ...profile,
          userPrincipalName: upn,
          displayName: input.displayName!,
          usageLocation: input.usageLocation ?? null,
          signInAllowed: input.signInAllowed ?? true,
          directoryRole: 'user',
          passwordHash,
          mustChangePassword,
          passwordChangedAt: now,
          createdAt: now,
          modifiedAt: now,
          modifiedBy: actor.id,
        })
        .returning({ id: users.id });
      await recordAudit(tx, actor, {
        action: 'user.created',
        targetType: 'user',
        targetId: created!.id,
        details: {
          userPrincipalName: upn,
          passwordGenerated: temporaryPassword !== undefined,
          signInAllowed: input.signInAllowed ?? true,
        },
      });
      // The new row is invisible to other transactions, so taking SKU locks after it cannot deadlock.
      for (const sku of skusToAssign) await assignSkuInTx(tx, actor, sku, [created!.id]);
      return getUser(tx, created!.id);
    });
    return temporaryPassword !== undefined ? { user, temporaryPassword } : { user };
  } catch (error) {
    // Two requests creating the same UPN at once: the unique index decides, the loser gets a 409.
    if (isUniqueViolation(error)) throw duplicateUpn(upn);
    throw error;
  }
}

export async function updateUser(
  ctx: DirectoryContext,
  actor: AdminActor,
  idOrUpn: string,
  raw: UpdateUserInput,
  options: { ifMatch?: number | '*' } = {},
): Promise<UserView> {
  const input = cleanProfile(raw);
  const verified = await verifiedDomains(ctx.db);
  const issues = profileProblems(input, verified, { requireAll: false });
  if (issues.length > 0) throw validationError(`User ${idOrUpn} cannot be updated`, issues);
  const upn = input.userPrincipalName?.toLowerCase();

  try {
    return await ctx.db.transaction(async (tx) => {
      const blocking = input.signInAllowed === false;
      if (blocking) await lockAdminChanges(tx);
      const current = await lockUserRow(tx, idOrUpn);
      assertMayManage(actor, current);
      if (typeof options.ifMatch === 'number' && options.ifMatch !== current.rowVersion) {
        throw new AppError(
          'PreconditionFailed',
          `${current.userPrincipalName} was changed by someone else since you read it (row version ${options.ifMatch}, now ${current.rowVersion}). Read the user again and reapply your change.`,
        );
      }
      if (upn && upn !== current.userPrincipalName) {
        const [taken] = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.userPrincipalName, upn), ne(users.id, current.id)));
        if (taken) throw duplicateUpn(upn);
      }
      if (input.usageLocation === null && current.usageLocation) {
        const [held] = await tx
          .select({ skuId: userLicences.skuId })
          .from(userLicences)
          .where(eq(userLicences.userId, current.id))
          .limit(1);
        if (held) {
          throw new AppError(
            'UsageLocationRequired',
            `${current.userPrincipalName} holds licences, which need a usage location. Remove the licences first, or set another usage location instead of clearing it.`,
          );
        }
      }
      if (blocking && current.signInAllowed && current.directoryRole === 'global_administrator') {
        const problem = lastGlobalAdminProblem(
          await activeGlobalAdmins(tx),
          new Set([current.id]),
          'blocked from signing in',
        );
        if (problem) throw new AppError('Conflict', problem);
      }

      const changes: Record<string, unknown> = {};
      for (const spec of PROFILE_FIELDS) {
        const value = input[spec.key];
        if (value === undefined) continue;
        const next = spec.key === 'userPrincipalName' ? value!.toLowerCase() : value;
        if (next !== current[spec.key]) changes[spec.key] = next;
      }
      if (input.usageLocation !== undefined && input.usageLocation !== current.usageLocation) {
        changes.usageLocation = input.usageLocation;
      }
      if (input.signInAllowed !== undefined && input.signInAllowed !== current.signInAllowed) {
        changes.signInAllowed = input.signInAllowed;
      }
      if (Object.keys(changes).length === 0) return getUser(tx, current.id);

      await tx
        .update(users)
        .set({ ...changes, modifiedAt: new Date(), modifiedBy: actor.id, rowVersion: nextRowVersion })
        .where(eq(users.id, current.id));
      if (changes.signInAllowed === false) await revokeSessions(tx, [current.id]);
      await recordAudit(tx, actor, {
        action: 'user.updated',
        targetType: 'user',
        targetId: current.id,
        // Field names only: the audit log says what changed, the user record says to what.
        details: { userPrincipalName: current.userPrincipalName, fields: Object.keys(changes) },
      });
      return getUser(tx, current.id);
    });
  } catch (error) {
    if (upn && isUniqueViolation(error)) throw duplicateUpn(upn);
    throw error;
  }
}

export async function deleteUser(ctx: DirectoryContext, actor: AdminActor, idOrUpn: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await lockAdminChanges(tx);
    // SKUs before the user: the lock order licences.ts keeps.
    await lockAllSkus(tx);
    const target = await lockUserRow(tx, idOrUpn);
    assertMayManage(actor, target);
    if (target.directoryRole === 'global_administrator') {
      const problem = lastGlobalAdminProblem(await activeGlobalAdmins(tx), new Set([target.id]), 'deleted');
      if (problem) throw new AppError('Conflict', problem);
    }
    const held = await tx
      .delete(userLicences)
      .where(eq(userLicences.userId, target.id))
      .returning({ skuId: userLicences.skuId });
    for (const { skuId } of held) await releaseSeats(tx, skuId, 1);
    await tx.delete(users).where(eq(users.id, target.id));
    await recordAudit(tx, actor, {
      action: 'user.deleted',
      targetType: 'user',
      targetId: target.id,
      details: { userPrincipalName: target.userPrincipalName, licencesReleased: held.length },
    });
  });
}

export async function resetPassword(
  ctx: DirectoryContext,
  actor: AdminActor,
  idOrUpn: string,
  options: { password?: string; mustChangePassword?: boolean } = {},
): Promise<CreatedUser> {
  if (options.password !== undefined) {
    const problem = passwordPolicyProblem(options.password);
    if (problem) {
      throw validationError('The new password cannot be used', [
        { field: 'password', message: `The password ${problem}` },
      ]);
    }
  }
  const temporaryPassword = options.password === undefined ? generateTemporaryPassword() : undefined;
  const passwordHash =
    temporaryPassword !== undefined
      ? hashGeneratedSecret(temporaryPassword, ctx.generatedSecretKey)
      : await hashPassword(options.password!);
  const user = await ctx.db.transaction(async (tx) => {
    const target = await lockUserRow(tx, idOrUpn);
    assertMayManage(actor, target);
    const now = new Date();
    await tx
      .update(users)
      .set({
        passwordHash,
        // An administrator-set password is still one the user did not choose: change it by default.
        mustChangePassword: options.mustChangePassword ?? true,
        passwordChangedAt: now,
        modifiedAt: now,
        modifiedBy: actor.id,
        rowVersion: nextRowVersion,
      })
      .where(eq(users.id, target.id));
    await revokeSessions(tx, [target.id]);
    await recordAudit(tx, actor, {
      action: 'user.password_reset',
      targetType: 'user',
      targetId: target.id,
      details: {
        userPrincipalName: target.userPrincipalName,
        passwordGenerated: temporaryPassword !== undefined,
      },
    });
    return getUser(tx, target.id);
  });
  return temporaryPassword !== undefined ? { user, temporaryPassword } : { user };
}

export async function setDirectoryRole(
  ctx: DirectoryContext,
  actor: AdminActor,
  idOrUpn: string,
  role: DirectoryRole,
): Promise<UserView> {
  return ctx.db.transaction(async (tx) => {
    await lockAdminChanges(tx);
    const target = await lockUserRow(tx, idOrUpn);
    const problem = roleChangeProblem(actor, target, role);
    if (problem) throw new AppError('Forbidden', problem);
    if (target.directoryRole === role) return getUser(tx, target.id);
    if (target.directoryRole === 'global_administrator') {
      const last = lastGlobalAdminProblem(
        await activeGlobalAdmins(tx),
        new Set([target.id]),
        'given another role',
      );
      if (last) throw new AppError('Conflict', last);
    }
    await tx
      .update(users)
      .set({ directoryRole: role, modifiedAt: new Date(), modifiedBy: actor.id, rowVersion: nextRowVersion })
      .where(eq(users.id, target.id));
    await recordAudit(tx, actor, {
      action: 'user.role_changed',
      targetType: 'user',
      targetId: target.id,
      details: { userPrincipalName: target.userPrincipalName, from: target.directoryRole, to: role },
    });
    return getUser(tx, target.id);
  });
}

/**
 * Protects an account like an administrator, or lifts the protection (`protectedFor` null): only a
 * Global administrator may then change it, its password or its licences. The bridge protects the
 * connection's integration identity this way. Global administrators only.
 */
export async function setProtection(
  ctx: DirectoryContext,
  actor: AdminActor,
  idOrUpn: string,
  protectedFor: string | null,
): Promise<UserView> {
  if (actor.role !== 'global_administrator') {
    throw new AppError(
      'Forbidden',
      `Only a Global administrator can protect an account or lift its protection; ${actor.name} is a ${ROLE_LABEL[actor.role]}.`,
    );
  }
  const reason = protectedFor === null ? null : cleanCell(protectedFor);
  return ctx.db.transaction(async (tx) => {
    const target = await lockUserRow(tx, idOrUpn);
    if ((target.protectedFor ?? null) === (reason || null)) return getUser(tx, target.id);
    await tx
      .update(users)
      .set({
        protectedFor: reason || null,
        modifiedAt: new Date(),
        modifiedBy: actor.id,
        rowVersion: nextRowVersion,
      })
      .where(eq(users.id, target.id));
    await recordAudit(tx, actor, {
      action: reason ? 'user.protected' : 'user.protection_lifted',
      targetType: 'user',
      targetId: target.id,
      details: { userPrincipalName: target.userPrincipalName, protectedFor: reason || null },
    });
    return getUser(tx, target.id);
  });
}

/** Bulk block / unblock sign-in: all users or none (one refused user refuses the request). */
export async function setSignInAllowed(
  ctx: DirectoryContext,
  actor: AdminActor,
  userIds: readonly string[],
  signInAllowed: boolean,
): Promise<{ changed: number; users: UserView[] }> {
  if (userIds.length > MAX_BULK_USERS) {
    throw new AppError(
      'ValidationFailed',
      `${userIds.length} users in one request; the limit is ${MAX_BULK_USERS}. Split the list into several requests.`,
    );
  }
  return ctx.db.transaction(async (tx) => {
    await lockAdminChanges(tx);
    const locked = await lockUsers(tx, userIds);
    const ids = locked.map((l) => l.id);
    const targets = ids.length
      ? await tx.select().from(users).where(inArray(users.id, ids)).orderBy(asc(users.id))
      : [];
    const refused = targets.map((t) => managementProblem(actor, t)).filter((p): p is string => !!p);
    if (refused.length > 0) throw new AppError('Forbidden', refused.join(' '));
    const toChange = targets.filter((t) => t.signInAllowed !== signInAllowed);
    if (!signInAllowed) {
      const losing = new Set(
        toChange.filter((t) => t.directoryRole === 'global_administrator').map((t) => t.id),
      );
      const problem = lastGlobalAdminProblem(await activeGlobalAdmins(tx), losing, 'blocked from signing in');
      if (problem) throw new AppError('Conflict', problem);
    }
    const changeIds = toChange.map((t) => t.id);
    if (changeIds.length > 0) {
      await tx
        .update(users)
        .set({ signInAllowed, modifiedAt: new Date(), modifiedBy: actor.id, rowVersion: nextRowVersion })
        .where(inArray(users.id, changeIds));
      if (!signInAllowed) await revokeSessions(tx, changeIds);
      await recordAudit(tx, actor, {
        action: signInAllowed ? 'user.sign_in_allowed' : 'user.sign_in_blocked',
        targetType: 'user',
        targetId: changeIds.length === 1 ? changeIds[0]! : null,
        details: { users: toChange.map((t) => t.userPrincipalName), count: changeIds.length },
      });
    }
    const after = ids.length
      ? await tx.select().from(users).where(inArray(users.id, ids)).orderBy(asc(users.id))
      : [];
    const licences = await licencesOfUsers(tx, ids);
    return {
      changed: changeIds.length,
      users: after.map((row) => toUserView(row, licences.get(row.id) ?? [])),
    };
  });
}
