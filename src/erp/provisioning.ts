import { and, eq, sql } from 'drizzle-orm';
import type { DeletedUser, DirectoryFeed, UserSnapshot } from '../directory/index.js';
import type { Database, Transaction } from '../platform/db/database.js';
import { idIn } from '../platform/db/id-list.js';
import { NO_GATE, type ForegroundGate } from '../platform/jobs/foreground-gate.js';
import { feedCursors, nextRowVersion, SYSTEM_ACTOR, userPermissionSets, users } from './schema.js';

/**
 * ERP users from the directory's user feed. A directory user with a Business Central licence (part
 * number DYN365_BUSCENTRAL…) who may sign in becomes an enabled ERP user (with BASIC, as BC gives a
 * new user the licence's default permissions); losing the licence, being blocked or being deleted
 * disables the ERP user, never deletes it. Global administrators are ERP users with SUPER even
 * without a licence. The consumer keeps its own cursor in erp.feed_cursors and works one batch per
 * transaction, holding that row's lock, so several processes on one PostgreSQL never apply a batch
 * twice at once.
 */

export const CONSUMER = 'erp.users';
export const BC_LICENCE_PREFIX = 'DYN365_BUSCENTRAL';
const BATCH = 500;
const POLL_MS = 3_000;

export function hasBusinessCentralLicence(snapshot: UserSnapshot): boolean {
  return snapshot.licences.some((l) => l.startsWith(BC_LICENCE_PREFIX));
}

/** What the ERP user should look like for a directory user (or why it is disabled). */
export function desiredState(snapshot: UserSnapshot | DeletedUser): {
  eligible: boolean;
  admin: boolean;
  licensed: boolean;
  reason: string | null;
} {
  if (snapshot.deleted)
    return {
      eligible: false,
      admin: false,
      licensed: false,
      reason: 'the user was deleted from the directory',
    };
  const admin = snapshot.directoryRole === 'global_administrator';
  const licensed = hasBusinessCentralLicence(snapshot);
  if (!snapshot.signInAllowed)
    return {
      eligible: false,
      admin,
      licensed,
      reason: 'sign-in is blocked in the directory; allow sign-in there',
    };
  if (!licensed && !admin)
    return {
      eligible: false,
      admin,
      licensed,
      reason: 'the user has no Business Central licence; assign one in the directory',
    };
  return { eligible: true, admin, licensed, reason: null };
}

async function applySnapshots(tx: Transaction, snapshots: Array<UserSnapshot | DeletedUser>): Promise<void> {
  if (snapshots.length === 0) return;
  const ids = snapshots.map((s) => s.id);
  const existing = new Map((await tx.select().from(users).where(idIn(users.id, ids))).map((u) => [u.id, u]));
  for (const snapshot of snapshots) {
    const want = desiredState(snapshot);
    const current = existing.get(snapshot.id);
    if (!current && !want.eligible) continue;
    if (!snapshot.deleted && current && current.directoryVersion > snapshot.rowVersion) continue;
    if (snapshot.deleted) {
      if (current!.state === 'disabled' && current!.disabledReason === want.reason) continue;
      await tx
        .update(users)
        .set({
          state: 'disabled',
          disabledReason: want.reason,
          licensed: false,
          modifiedAt: sql`now()`,
          modifiedBy: SYSTEM_ACTOR,
          rowVersion: nextRowVersion,
        })
        .where(eq(users.id, snapshot.id));
      continue;
    }
    const fields = {
      userName: snapshot.userPrincipalName,
      displayName: snapshot.displayName,
      email: snapshot.userPrincipalName,
      state: want.eligible ? ('enabled' as const) : ('disabled' as const),
      disabledReason: want.reason,
      licensed: want.licensed,
      globalAdministrator: want.admin,
      directoryVersion: snapshot.rowVersion,
    };
    if (!current) {
      await tx.insert(users).values({ id: snapshot.id, kind: 'user', ...fields, modifiedBy: SYSTEM_ACTOR });
      await tx.insert(userPermissionSets).values({
        userId: snapshot.id,
        permissionSet: want.admin ? 'SUPER' : 'BASIC',
        origin: 'provisioning',
        assignedBy: SYSTEM_ACTOR,
      });
      continue;
    }
    await tx
      .update(users)
      .set({ ...fields, modifiedAt: sql`now()`, modifiedBy: SYSTEM_ACTOR, rowVersion: nextRowVersion })
      .where(eq(users.id, snapshot.id));
    if (want.admin) {
      await tx
        .insert(userPermissionSets)
        .values({
          userId: snapshot.id,
          permissionSet: 'SUPER',
          origin: 'provisioning',
          assignedBy: SYSTEM_ACTOR,
        })
        .onConflictDoNothing();
    } else {
      // SUPER that came from being a Global administrator goes with that role; SUPER a person assigned stays.
      await tx
        .delete(userPermissionSets)
        .where(
          and(
            eq(userPermissionSets.userId, snapshot.id),
            eq(userPermissionSets.permissionSet, 'SUPER'),
            eq(userPermissionSets.origin, 'provisioning'),
          ),
        );
    }
  }
}

export interface Provisioner {
  /** Applies everything the feed has now; resolves when caught up. */
  runNow(): Promise<void>;
  close(): void;
}

/**
 * One pass: the first ever pass loads every directory user (readAllUsers) and continues from the
 * cursor taken before it; later passes read changes after the stored cursor. The feed is read outside
 * any ERP transaction (the embedded database has one connection, and a feed read inside an open
 * transaction would wait for it forever); each batch is then applied in a transaction that locks the
 * cursor row and applies only if the cursor is still where the batch started, so two processes on
 * one PostgreSQL never apply a batch twice.
 */
async function catchUp(db: Database, feed: DirectoryFeed, pause: () => Promise<void>): Promise<void> {
  await db.insert(feedCursors).values({ consumer: CONSUMER, cursor: -1 }).onConflictDoNothing();
  for (;;) {
    const [row] = await db.select().from(feedCursors).where(eq(feedCursors.consumer, CONSUMER));
    const cursor = row!.cursor;
    if (cursor < 0) {
      const start = await feed.latestCursor();
      let after: string | undefined;
      for (;;) {
        const page = await feed.readAllUsers(after, BATCH);
        await db.transaction((tx) => applySnapshots(tx, page));
        if (page.length < BATCH) break;
        await pause();
        after = page[page.length - 1]!.id;
      }
      await advance(db, cursor, start, async () => undefined);
      continue;
    }
    const changes = await feed.readChanges(cursor, BATCH);
    if (changes.length === 0) return;
    const snapshots = await feed.snapshots(changes.map((c) => c.userId));
    await advance(db, cursor, changes[changes.length - 1]!.cursor, (tx) => applySnapshots(tx, snapshots));
    if (changes.length < BATCH) return;
    // The embedded database runs SQL on this thread: give way to requests between batches of a long
    // catch-up (e.g. after a 100,000-user import) instead of holding the thread for all of it.
    await pause();
  }
}

/** Applies `work` and moves the cursor from `from` to `to`, unless another process moved it first. */
async function advance(
  db: Database,
  from: number,
  to: number,
  work: (tx: Transaction) => Promise<void>,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(feedCursors).where(eq(feedCursors.consumer, CONSUMER)).for('update');
    if (row!.cursor !== from) return;
    await work(tx);
    await tx
      .update(feedCursors)
      .set({ cursor: to, updatedAt: sql`now()` })
      .where(eq(feedCursors.consumer, CONSUMER));
  });
}

/** Starts the consumer: woken by the feed in this process, polling for changes made by others. */
export function startProvisioning(
  db: Database,
  feed: DirectoryFeed,
  log: (error: unknown) => void,
  gate: ForegroundGate = NO_GATE,
): Provisioner {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const run = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await catchUp(db, feed, () => gate.idle());
        } while (again && !closed);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const safeRun = () => void run().catch((error: unknown) => !closed && log(error));
  const unsubscribe = feed.onChange(safeRun);
  const timer = setInterval(safeRun, POLL_MS);
  timer.unref();
  return {
    async runNow() {
      if (running) await running.catch(() => undefined);
      await run();
    },
    close() {
      closed = true;
      unsubscribe();
      clearInterval(timer);
    },
  };
}
