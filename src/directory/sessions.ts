import crypto from 'node:crypto';
import { and, eq, lt, ne } from 'drizzle-orm';
import type { Queryable } from '../platform/db/database.js';
import type { DirectoryContext } from './context.js';
import { sessions, users } from './schema.js';
import type { UserRow } from './sign-in.js';

export const SESSION_COOKIE = 'tandem_session';

/** The table stores only this hash: a leaked database does not hand out live sessions. */
export function hashSessionId(id: string): string {
  return crypto.createHash('sha256').update(id, 'utf8').digest('base64url');
}

/** A random 32-byte session id; the caller puts it in the cookie, the table keeps its hash. */
export async function createSession(
  ctx: DirectoryContext,
  userId: string,
): Promise<{ id: string; expiresAt: Date }> {
  const id = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ctx.config.sessionTtlSeconds * 1000);
  await ctx.db.insert(sessions).values({ idHash: hashSessionId(id), userId, expiresAt });
  // Housekeeping on the way: expired sessions of this user go (cheap, indexed by user).
  await ctx.db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, new Date())));
  return { id, expiresAt };
}

/**
 * The user behind a session cookie, or null when the session is unknown, expired, or its user can no
 * longer sign in (blocked, or told to change the password since).
 */
export async function findSessionUser(ctx: DirectoryContext, id: string): Promise<UserRow | null> {
  if (!id || id.length > 128) return null;
  const [row] = await ctx.db
    .select({ user: users, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, hashSessionId(id)));
  if (!row) return null;
  if (row.expiresAt.getTime() <= Date.now()) {
    await ctx.db.delete(sessions).where(eq(sessions.idHash, hashSessionId(id)));
    return null;
  }
  if (!row.user.signInAllowed || row.user.mustChangePassword || !row.user.passwordHash) return null;
  return row.user;
}

export async function deleteSession(ctx: DirectoryContext, id: string): Promise<void> {
  await ctx.db.delete(sessions).where(eq(sessions.idHash, hashSessionId(id)));
}

/** Ends every session of a user but the one to keep (password changed, sign-in blocked). */
export async function deleteSessionsOfUser(q: Queryable, userId: string, keepHash?: string): Promise<void> {
  await q
    .delete(sessions)
    .where(
      keepHash
        ? and(eq(sessions.userId, userId), ne(sessions.idHash, keepHash))
        : eq(sessions.userId, userId),
    );
}
