import crypto from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import { hashGeneratedSecret, verifyPassword } from '../platform/security/passwords.js';
import { recordAudit } from './audit.js';
import type { Actor, DirectoryContext } from './context.js';
import { applications, nextRowVersion } from './schema.js';
import type { SignInThrottle } from './sign-in-throttle.js';

export type ApplicationRow = typeof applications.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A client secret: 32 random bytes (256 bits), base64url. Being random and long, it is stored with
 * the fast keyed hash, like generated passwords; it is shown once and can only be replaced.
 */
function generateClientSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

function cleanDisplayName(displayName: string): string {
  const name = displayName.trim();
  if (!name || name.length > 256) {
    throw new AppError('ValidationFailed', 'The display name must be 1 to 256 characters.', {
      problems: [{ field: 'displayName', message: 'must be 1 to 256 characters' }],
    });
  }
  return name;
}

export async function listApplications(ctx: DirectoryContext): Promise<ApplicationRow[]> {
  return ctx.db.select().from(applications).orderBy(asc(applications.displayName), asc(applications.id));
}

/** By object id or by appId (client id), as Graph allows both to find an application. */
export async function getApplication(ctx: DirectoryContext, idOrAppId: string): Promise<ApplicationRow> {
  if (UUID.test(idOrAppId)) {
    const [byId] = await ctx.db.select().from(applications).where(eq(applications.id, idOrAppId));
    if (byId) return byId;
    const [byAppId] = await ctx.db.select().from(applications).where(eq(applications.appId, idOrAppId));
    if (byAppId) return byAppId;
  }
  throw new AppError(
    'NotFound',
    `There is no application "${idOrAppId}". List the registered applications at GET /directory/applications.`,
  );
}

export async function createApplication(
  ctx: DirectoryContext,
  actor: Actor,
  input: { displayName: string },
): Promise<{ application: ApplicationRow; clientSecret: string }> {
  const displayName = cleanDisplayName(input.displayName);
  const clientSecret = generateClientSecret();
  const application = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(applications)
      .values({
        displayName,
        secretHash: hashGeneratedSecret(clientSecret, ctx.generatedSecretKey),
        modifiedBy: actor.id,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'application.created',
      targetType: 'application',
      targetId: row!.id,
      details: { displayName, appId: row!.appId },
    });
    return row!;
  });
  return { application, clientSecret };
}

/** Replaces the client secret; the old one stops working at once. */
export async function rotateApplicationSecret(
  ctx: DirectoryContext,
  actor: Actor,
  idOrAppId: string,
): Promise<{ application: ApplicationRow; clientSecret: string }> {
  const current = await getApplication(ctx, idOrAppId);
  const clientSecret = generateClientSecret();
  const application = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(applications)
      .set({
        secretHash: hashGeneratedSecret(clientSecret, ctx.generatedSecretKey),
        modifiedAt: new Date(),
        modifiedBy: actor.id,
        rowVersion: nextRowVersion,
      })
      .where(eq(applications.id, current.id))
      .returning();
    if (!row)
      throw new AppError('NotFound', `The application "${current.displayName}" was deleted meanwhile.`);
    await recordAudit(tx, actor, {
      action: 'application.secret_rotated',
      targetType: 'application',
      targetId: row.id,
      details: { displayName: row.displayName, appId: row.appId },
    });
    return row;
  });
  return { application, clientSecret };
}

export async function updateApplication(
  ctx: DirectoryContext,
  actor: Actor,
  idOrAppId: string,
  changes: { displayName?: string; enabled?: boolean },
): Promise<ApplicationRow> {
  const current = await getApplication(ctx, idOrAppId);
  const set: Partial<typeof applications.$inferInsert> = {};
  if (changes.displayName !== undefined) set.displayName = cleanDisplayName(changes.displayName);
  if (changes.enabled !== undefined) set.enabled = changes.enabled;
  const changed = Object.entries(set)
    .filter(([key, value]) => current[key as keyof ApplicationRow] !== value)
    .map(([key]) => key);
  if (changed.length === 0) return current;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(applications)
      .set({ ...set, modifiedAt: new Date(), modifiedBy: actor.id, rowVersion: nextRowVersion })
      .where(eq(applications.id, current.id))
      .returning();
    if (!row)
      throw new AppError('NotFound', `The application "${current.displayName}" was deleted meanwhile.`);
    await recordAudit(tx, actor, {
      action: 'application.updated',
      targetType: 'application',
      targetId: row.id,
      details: { appId: row.appId, changed, displayName: row.displayName, enabled: row.enabled },
    });
    return row;
  });
}

export async function deleteApplication(
  ctx: DirectoryContext,
  actor: Actor,
  idOrAppId: string,
): Promise<void> {
  const current = await getApplication(ctx, idOrAppId);
  await ctx.db.transaction(async (tx) => {
    await tx.delete(applications).where(eq(applications.id, current.id));
    await recordAudit(tx, actor, {
      action: 'application.deleted',
      targetType: 'application',
      targetId: current.id,
      details: { displayName: current.displayName, appId: current.appId },
    });
  });
}

/** One message for an unknown client id and a wrong secret, so the endpoint does not reveal which. */
export const INVALID_CLIENT_MESSAGE =
  'Client authentication failed: the client_id is not a registered application or the client_secret is wrong. Check both, or rotate the secret in the console (Applications).';

/**
 * Authenticates a client-credentials caller (client_id = the application's appId). Throttled like
 * passwords; a disabled application is told so only once its secret is proven right.
 */
export async function authenticateClient(
  ctx: DirectoryContext,
  throttle: SignInThrottle,
  input: { clientId: string; clientSecret: string; ip: string },
): Promise<ApplicationRow> {
  const clientKey = `client:${input.clientId.trim().toLowerCase()}`;
  await throttle.check(clientKey, input.ip);
  const [app] = UUID.test(input.clientId)
    ? await ctx.db.select().from(applications).where(eq(applications.appId, input.clientId))
    : [];
  const matches = await verifyPassword(
    input.clientSecret,
    // Unknown client: compare against a random keyed hash, which costs what a real one does.
    app?.secretHash ?? hashGeneratedSecret(crypto.randomBytes(16).toString('hex'), ctx.generatedSecretKey),
    ctx.generatedSecretKey,
  );
  if (!app || !matches) {
    await throttle.recordFailure(clientKey, input.ip);
    throw new AppError('InvalidCredentials', INVALID_CLIENT_MESSAGE);
  }
  await throttle.recordSuccess(clientKey, input.ip);
  if (!app.enabled) {
    throw new AppError(
      'Forbidden',
      `The application "${app.displayName}" is disabled. A Global administrator can enable it again (PATCH /directory/applications/${app.id} with enabled: true).`,
    );
  }
  return app;
}
