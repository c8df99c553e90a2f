import { eq } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import {
  dummyPasswordHash,
  hashPassword,
  passwordPolicyProblem,
  verifyPassword,
} from '../platform/security/passwords.js';
import { recordAudit } from './audit.js';
import type { DirectoryContext } from './context.js';
import { nextRowVersion, users } from './schema.js';
import { deleteSessionsOfUser } from './sessions.js';
import type { SignInThrottle } from './sign-in-throttle.js';

export type UserRow = typeof users.$inferSelect;

/** What a person (or a script acting as one) presents. */
export interface Credentials {
  userName: string;
  password: string;
  /** The caller's IP, for the throttle. */
  ip: string;
}

/**
 * Extra checks for signing in to the console (interactive sign-in), run after the password is
 * verified. An app adds one to refuse users it knows are API-only, e.g. Sales refuses users whose
 * access mode is Non-interactive (rule A4). A check returns a message saying why and how to fix it,
 * or undefined to allow. Tokens (the password grant) do not run these: API-only users need tokens.
 */
export type InteractiveSignInCheck = (
  ctx: DirectoryContext,
  user: UserRow,
) => Promise<string | undefined> | string | undefined;

export const interactiveSignInChecks: InteractiveSignInCheck[] = [];

/** One message for unknown users and wrong passwords alike, so sign-in does not reveal who exists. */
export const INVALID_CREDENTIALS_MESSAGE =
  'The user name or password is incorrect. Check both (the user name is the full sign-in name, e.g. name@contoso.com) and try again.';

export type SignInPurpose = 'console' | 'token' | 'change-password';

/**
 * Verifies a user name and password and returns the user, or throws:
 * TooManyRequests (throttled, password not even checked), InvalidCredentials (generic), or — only
 * once the password is proven right — SignInBlocked, PasswordChangeRequired or Forbidden (an
 * interactive check). An unknown user is checked against a dummy hash so timing does not tell.
 */
export async function verifyCredentials(
  ctx: DirectoryContext,
  throttle: SignInThrottle,
  credentials: Credentials,
  purpose: SignInPurpose,
): Promise<UserRow> {
  const userName = credentials.userName.trim().toLowerCase();
  await throttle.check(userName, credentials.ip);

  const [user] = await ctx.db.select().from(users).where(eq(users.userPrincipalName, userName));
  const stored = user?.passwordHash ?? (await dummyPasswordHash());
  const matches = await verifyPassword(credentials.password, stored, ctx.generatedSecretKey);
  if (stored.startsWith('hmac$')) {
    // A temporary password checks in microseconds, an unknown user costs a scrypt: spend the same
    // time so response times do not reveal which user names were imported.
    await verifyPassword(credentials.password, await dummyPasswordHash(), ctx.generatedSecretKey);
  }

  if (!user || !matches || !user.passwordHash) {
    await throttle.recordFailure(userName, credentials.ip);
    if (user && !user.passwordHash) {
      throw new AppError(
        'InvalidCredentials',
        `${user.userPrincipalName} has no password yet. A User administrator can set or reset it in the console (Active users → Reset password).`,
      );
    }
    throw new AppError('InvalidCredentials', INVALID_CREDENTIALS_MESSAGE);
  }
  await throttle.recordSuccess(userName, credentials.ip);

  if (!user.signInAllowed) {
    throw new AppError(
      'SignInBlocked',
      `Sign-in is blocked for ${user.userPrincipalName}. A User administrator can allow it again in the console (Active users → Unblock sign-in).`,
    );
  }
  if (user.mustChangePassword && purpose !== 'change-password') {
    throw new AppError(
      'PasswordChangeRequired',
      `${user.userPrincipalName} must change the password before signing in: change it at /auth/change-password or in the console first.`,
    );
  }
  if (purpose === 'console') {
    for (const check of interactiveSignInChecks) {
      const refusal = await check(ctx, user);
      if (refusal) throw new AppError('Forbidden', refusal);
    }
  }
  return user;
}

/** The signed-in user's row, for "who am I" answers. */
export async function getSignedInUser(ctx: DirectoryContext, id: string): Promise<UserRow> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, id));
  if (!user) throw new AppError('Unauthorized', 'The signed-in user no longer exists. Sign in again.');
  return user;
}

export interface PasswordChange extends Credentials {
  newPassword: string;
  /** The session to keep (the caller's own), by id hash; every other session of the user ends. */
  keepSessionHash?: string;
}

/**
 * Changes a user's password knowing the current one (possibly a temporary one that must be changed):
 * the new one must meet the policy and differ from the current one; it is stored with scrypt, the
 * must-change flag is cleared and the user's other sessions end.
 */
export async function changePassword(
  ctx: DirectoryContext,
  throttle: SignInThrottle,
  change: PasswordChange,
): Promise<{ user: UserRow }> {
  const user = await verifyCredentials(ctx, throttle, change, 'change-password');
  const problem = passwordPolicyProblem(change.newPassword);
  if (problem) {
    throw new AppError('ValidationFailed', `The new password ${problem}.`, {
      problems: [{ field: 'newPassword', message: problem }],
    });
  }
  if (change.newPassword === change.password) {
    throw new AppError('ValidationFailed', 'The new password must be different from the current one.', {
      problems: [{ field: 'newPassword', message: 'must be different from the current password' }],
    });
  }
  const passwordHash = await hashPassword(change.newPassword);
  const actor = { id: user.id, name: user.userPrincipalName };
  const now = new Date();
  const updated = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({
        passwordHash,
        mustChangePassword: false,
        passwordChangedAt: now,
        modifiedAt: now,
        modifiedBy: actor.id,
        rowVersion: nextRowVersion,
      })
      .where(eq(users.id, user.id))
      .returning();
    if (!row) throw new AppError('NotFound', `${user.userPrincipalName} was deleted meanwhile.`);
    await deleteSessionsOfUser(tx, user.id, change.keepSessionHash);
    await recordAudit(tx, actor, {
      action: 'user.password_changed',
      targetType: 'user',
      targetId: user.id,
      details: { userPrincipalName: user.userPrincipalName, wasTemporary: user.mustChangePassword },
    });
    return row;
  });
  return { user: updated };
}
