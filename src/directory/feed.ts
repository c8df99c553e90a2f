import type { EventEmitter } from 'node:events';
import { and, asc, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import { idIn } from '../platform/db/id-list.js';
import type { DirectoryContext } from './context.js';
import { outbox, users, type DirectoryRole } from './schema.js';

/**
 * The directory's user feed: how Sales and the ERP learn about users without reading directory
 * tables. They keep their own cursor over the outbox (written by triggers in the same transaction
 * as each change, committed in id order), read the changed users' snapshots, and provision their
 * own users from them. In-process consumers are woken at once; others poll.
 */

/** A directory user as other apps may see it. Never holds a password or its hash. */
export interface UserSnapshot {
  id: string;
  deleted: false;
  userPrincipalName: string;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  department: string | null;
  officePhone: string | null;
  mobilePhone: string | null;
  alternateEmail: string | null;
  signInAllowed: boolean;
  directoryRole: DirectoryRole;
  /** Part numbers of the licences the user holds. */
  licences: string[];
  mustChangePassword: boolean;
  passwordChangedAt: string | null;
  rowVersion: number;
}

/** A user that no longer exists in the directory. */
export interface DeletedUser {
  id: string;
  deleted: true;
}

export interface FeedChange {
  /** Outbox id: pass the last one seen as `after` to continue. */
  cursor: number;
  userId: string;
}

export interface DirectoryFeed {
  /** Changed users after `after` (0 for the beginning), oldest first; the same user may repeat. */
  readChanges(after: number, limit: number): Promise<FeedChange[]>;
  /** Current state of the given users; ids not found come back as deleted. */
  snapshots(userIds: readonly string[]): Promise<Array<UserSnapshot | DeletedUser>>;
  /** Every user, by id, for a consumer's first full load: ids after `afterId`. */
  readAllUsers(afterId: string | undefined, limit: number): Promise<UserSnapshot[]>;
  /** The newest outbox id: a consumer doing a full load continues from here afterwards. */
  latestCursor(): Promise<number>;
  /** Called after the directory commits a change in this process; returns the unsubscriber. */
  onChange(listener: () => void): () => void;
}

async function loadSnapshots(ctx: DirectoryContext, where: SQL | undefined, limit?: number) {
  const base = ctx.db
    .select({
      id: users.id,
      userPrincipalName: users.userPrincipalName,
      displayName: users.displayName,
      firstName: users.firstName,
      lastName: users.lastName,
      jobTitle: users.jobTitle,
      department: users.department,
      officePhone: users.officePhone,
      mobilePhone: users.mobilePhone,
      alternateEmail: users.alternateEmail,
      signInAllowed: users.signInAllowed,
      directoryRole: users.directoryRole,
      mustChangePassword: users.mustChangePassword,
      passwordChangedAt: users.passwordChangedAt,
      rowVersion: users.rowVersion,
      // Written out with aliases: drizzle leaves columns unqualified inside a single-table select.
      licences: sql<string[]>`coalesce((select array_agg(s.part_number order by s.part_number)
        from directory.user_licences ul join directory.skus s on s.id = ul.sku_id
        where ul.user_id = "users"."id"), '{}')`,
    })
    .from(users)
    .where(where)
    .orderBy(asc(users.id));
  const rows = await (limit === undefined ? base : base.limit(limit));
  return rows.map((r): UserSnapshot => ({
    ...r,
    deleted: false,
    licences: r.licences ?? [],
    passwordChangedAt: r.passwordChangedAt ? r.passwordChangedAt.toISOString() : null,
  }));
}

export function createDirectoryFeed(ctx: DirectoryContext, events: EventEmitter): DirectoryFeed {
  return {
    async readChanges(after, limit) {
      const rows = await ctx.db
        .select({ cursor: outbox.id, userId: outbox.subjectId })
        .from(outbox)
        .where(and(gt(outbox.id, after), eq(outbox.topic, 'user')))
        .orderBy(asc(outbox.id))
        .limit(limit);
      return rows;
    },
    async snapshots(userIds) {
      const ids = [...new Set(userIds)];
      if (ids.length === 0) return [];
      const found = await loadSnapshots(ctx, idIn(users.id, ids));
      const byId = new Map(found.map((s) => [s.id, s]));
      return ids.map((id) => byId.get(id) ?? { id, deleted: true as const });
    },
    async readAllUsers(afterId, limit) {
      return loadSnapshots(ctx, afterId ? gt(users.id, afterId) : undefined, limit);
    },
    async latestCursor() {
      const [row] = await ctx.db.select({ max: sql<number | null>`max(${outbox.id})` }).from(outbox);
      return Number(row?.max ?? 0);
    },
    onChange(listener) {
      events.on('changed', listener);
      return () => events.off('changed', listener);
    },
  };
}

/** Outbox rows older than this are pruned; a consumer further behind does a full load. */
export const OUTBOX_RETENTION_DAYS = 7;

export async function pruneOutbox(ctx: DirectoryContext, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - OUTBOX_RETENTION_DAYS * 86_400_000);
  const deleted = await ctx.db.delete(outbox).where(lt(outbox.at, cutoff)).returning({ id: outbox.id });
  return deleted.length;
}
