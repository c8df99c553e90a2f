/**
 * What a person can do with a set-up connection (Business Central's connection page): test it,
 * enable and disable it, redeploy the integration solution, reset the default mappings and update
 * the integration identity's credentials. Every action is audited with actor and time.
 */
import { AppError } from '../../platform/http/app-error.js';
import { recordBridgeAudit } from '../audit.js';
import {
  connectionView,
  describeFailures,
  disableConnection,
  loadConnection,
  lockConnection,
  updateConnection,
  type ConnectionRow,
} from '../connection.js';
import type { BridgeActor, BridgeContext } from '../context.js';
import { resetDefaultMappings } from '../mappings/mappings.js';
import { clientsForUser, directoryUrlOf, tokenSourceFor } from '../remote.js';
import type { CheckResult } from '../schema.js';
import { runAccountChecks } from './account-checks.js';
import { evaluateSetupAdministrator } from './account-rules.js';
import { describeRemoteError } from './remote-errors.js';
import { salesUserFacts } from './sales-user-facts.js';
import { serialised } from './setup-service.js';
import { deployIntegrationSolution } from './step-solution.js';

function requireSetUp(row: ConnectionRow): ConnectionRow {
  if (!row.setupCompletedAt || !row.identityKind) {
    throw new AppError(
      'Conflict',
      'The connection has not been set up yet. Run the assisted setup (POST /bridge/setup/start).',
    );
  }
  return row;
}

/** Stores the outcome of account checks; suspends or resumes writing when it changes (audited). */
export async function recordChecks(
  ctx: BridgeContext,
  actor: BridgeActor,
  checks: CheckResult[],
): Promise<ConnectionRow> {
  return ctx.db.transaction(async (tx) => {
    const row = await lockConnection(tx);
    const failing = checks.some((c) => c.status === 'fail');
    const suspend = row.enabled && failing;
    if (row.enabled && suspend !== row.suspended) {
      await recordBridgeAudit(tx, actor, suspend ? 'connection.suspend' : 'connection.resume', {
        failed: checks.filter((c) => c.status === 'fail').map((c) => ({ id: c.id, message: c.message })),
      });
    }
    return updateConnection(tx, { lastChecks: checks, lastCheckAt: new Date(), suspended: suspend });
  });
}

/** "Test connection": runs every account check now and records the result. */
export async function testConnection(ctx: BridgeContext, actor: BridgeActor) {
  return serialised(ctx, async () => {
    const row = requireSetUp(await loadConnection(ctx.db));
    const checks = await runAccountChecks(ctx, row);
    await recordBridgeAudit(ctx.db, actor, 'connection.test', {
      ok: !checks.some((c) => c.status === 'fail'),
    });
    const saved = await recordChecks(ctx, actor, checks);
    return { ok: !checks.some((c) => c.status === 'fail'), checks, connection: connectionView(saved) };
  });
}

/** Enables a set-up connection after its account checks pass; refuses with the failures otherwise. */
export async function enableConnection(ctx: BridgeContext, actor: BridgeActor) {
  return serialised(ctx, async () => {
    const row = requireSetUp(await loadConnection(ctx.db));
    if (row.setup) {
      throw new AppError(
        'Conflict',
        'A setup is running: finish it (it enables the connection) or leave it first.',
      );
    }
    const checks = await runAccountChecks(ctx, row, { personEdits: false });
    if (checks.some((c) => c.status === 'fail')) {
      throw new AppError('Conflict', `The connection cannot be enabled: ${describeFailures(checks)}`);
    }
    const saved = await ctx.db.transaction(async (tx) => {
      const locked = await lockConnection(tx);
      if (!locked.enabled)
        await recordBridgeAudit(tx, actor, 'connection.enable', { via: 'connection page' });
      return updateConnection(tx, {
        enabled: true,
        suspended: false,
        disabledReason: null,
        lastChecks: checks,
        lastCheckAt: new Date(),
      });
    });
    return connectionView(saved);
  });
}

export async function disable(ctx: BridgeContext, actor: BridgeActor, reason: string | undefined) {
  return serialised(ctx, async () => {
    const row = await ctx.db.transaction((tx) =>
      disableConnection(
        tx,
        actor,
        reason?.trim() || `Disabled by ${actor.name}. Enable it again on the connection page.`,
      ),
    );
    return connectionView(row);
  });
}

/**
 * Redeploys the integration solution and its roles with an administrator's credentials (used for
 * this call only, never stored): after an upgrade, or when someone removed the integration roles.
 */
export async function redeploySolution(
  ctx: BridgeContext,
  actor: BridgeActor,
  credentials: { userName: string; password: string },
) {
  return serialised(ctx, async () => {
    const row = requireSetUp(await loadConnection(ctx.db));
    const upn = credentials.userName.trim().toLowerCase();
    const admin = clientsForUser(ctx, row, { userName: upn, password: credentials.password });
    let adminChecks: CheckResult[];
    try {
      const me = await admin.sales.whoAmI();
      adminChecks = evaluateSetupAdministrator(await salesUserFacts(admin.sales, me.UserId));
    } catch (error) {
      throw new AppError(
        'InvalidCredentials',
        `${upn} could not sign in to Sales: ${describeRemoteError(error)}`,
      );
    }
    if (adminChecks.some((c) => c.status === 'fail')) {
      throw new AppError('Forbidden', describeFailures(adminChecks));
    }
    const outcome = await deployIntegrationSolution(admin, upn, {
      salesUserId: row.salesUserId!,
      kind: row.identityKind!,
    });
    await recordBridgeAudit(
      ctx.db,
      actor,
      outcome.ok ? 'connection.redeploy' : 'connection.redeploy-failed',
      {
        administrator: upn,
        changes: outcome.changes,
      },
    );
    if (!outcome.ok) throw new AppError('Conflict', describeFailures(outcome.checks));
    const saved = await updateConnection(ctx.db, { ...outcome.update });
    return { changes: outcome.changes, checks: outcome.checks, connection: connectionView(saved) };
  });
}

export async function resetMappings(ctx: BridgeContext, actor: BridgeActor) {
  return serialised(ctx, async () =>
    ctx.db.transaction(async (tx) => {
      const result = await resetDefaultMappings(tx);
      await recordBridgeAudit(tx, actor, 'connection.reset-mappings', result);
      return result;
    }),
  );
}

/**
 * New credentials for the integration identity (after its password was changed): tested before they
 * are stored, sealed.
 */
export async function updateCredentials(ctx: BridgeContext, actor: BridgeActor, secret: string) {
  return serialised(ctx, async () => {
    const row = requireSetUp(await loadConnection(ctx.db));
    const identity =
      row.identityKind === 'user'
        ? { kind: 'user' as const, userName: row.identityName!, password: secret }
        : { kind: 'application' as const, clientId: row.identityName!, clientSecret: secret };
    try {
      await tokenSourceFor(ctx, directoryUrlOf(ctx, row), identity).getToken();
    } catch (error) {
      throw new AppError(
        'InvalidCredentials',
        `The new credentials of ${row.identityName} do not work: ${describeRemoteError(error)}`,
      );
    }
    const saved = await ctx.db.transaction(async (tx) => {
      await recordBridgeAudit(tx, actor, 'connection.update-credentials', { identity: row.identityName });
      return updateConnection(tx, { identitySecretSealed: ctx.secrets.seal(secret) });
    });
    const checks = await runAccountChecks(ctx, saved);
    return connectionView(await recordChecks(ctx, actor, checks));
  });
}
