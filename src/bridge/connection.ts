/**
 * The connection row: its state (not configured, setting up, disabled, enabled, suspended), the
 * reasons for it, and the transitions people trigger (enable, disable). Every transition is audited.
 */
import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../platform/db/database.js';
import { AppError } from '../platform/http/app-error.js';
import { recordBridgeAudit } from './audit.js';
import type { BridgeActor } from './context.js';
import type { ConnectionRow } from './remote.js';
import { connections, type CheckResult } from './schema.js';

export type { ConnectionRow } from './remote.js';

const NAME = 'default';

export type ConnectionState = 'not-configured' | 'setting-up' | 'disabled' | 'enabled' | 'suspended';

/** The connection, created (disabled, empty) the first time it is asked for. */
export async function loadConnection(q: Queryable): Promise<ConnectionRow> {
  const [row] = await q.select().from(connections).where(eq(connections.name, NAME));
  if (row) return row;
  await q.insert(connections).values({ name: NAME }).onConflictDoNothing();
  const [created] = await q.select().from(connections).where(eq(connections.name, NAME));
  return created!;
}

/** The connection locked for the rest of the transaction (setup steps and actions run one at a time). */
export async function lockConnection(q: Queryable): Promise<ConnectionRow> {
  await loadConnection(q);
  const [row] = await q.select().from(connections).where(eq(connections.name, NAME)).for('update');
  return row!;
}

export async function updateConnection(
  q: Queryable,
  changes: Partial<Omit<ConnectionRow, 'name' | 'createdAt'>>,
): Promise<ConnectionRow> {
  const [row] = await q
    .update(connections)
    .set({ ...changes, modifiedAt: sql`now()` })
    .where(eq(connections.name, NAME))
    .returning();
  return row!;
}

export function connectionState(row: ConnectionRow): ConnectionState {
  if (row.enabled) return row.suspended ? 'suspended' : 'enabled';
  if (row.setup) return 'setting-up';
  return row.setupCompletedAt ? 'disabled' : 'not-configured';
}

/** Whether the bridge may write to Sales or the ERP now (enabled and its account checks pass). */
export function canWrite(row: ConnectionRow): boolean {
  return row.enabled && !row.suspended;
}

/** Why the connection is in its state, in sentences a person can act on. */
export function connectionReasons(row: ConnectionRow): string[] {
  const state = connectionState(row);
  const reasons: string[] = [];
  if (state === 'not-configured') {
    reasons.push('The connection has not been set up. Run the assisted setup (POST /bridge/setup/start).');
  }
  if (state === 'setting-up' && row.setup) {
    reasons.push(
      `Setup is in progress (step "${row.setup.current}", started by ${row.setup.startedBy}); the connection stays disabled until setup finishes. Continue it, or start it again.`,
    );
  }
  // A setup left before its end records why on a connection that was never set up, too.
  if ((state === 'disabled' || state === 'not-configured') && row.disabledReason)
    reasons.push(row.disabledReason);
  const failing = (row.lastChecks ?? []).filter((c) => c.status === 'fail');
  if (state === 'suspended') {
    reasons.push(
      'The bridge has stopped writing to Sales and the ERP because an account check fails; it resumes by itself once the checks pass.',
    );
  }
  if (row.enabled) for (const check of failing) reasons.push(`${check.message} ${check.fix ?? ''}`.trim());
  return reasons;
}

/** Refuses a write while the integration identity fails its account checks (rules A3/A4). */
export function assertNotSuspended(row: ConnectionRow): void {
  if (!row.enabled || !row.suspended) return;
  throw new AppError(
    'Conflict',
    `The bridge has stopped writing because an account check fails: ${describeFailures(row.lastChecks ?? [])}`,
  );
}

/** The connection as the API shows it: never a secret. */
export function connectionView(row: ConnectionRow) {
  const checks = row.lastChecks ?? [];
  return {
    state: connectionState(row),
    enabled: row.enabled,
    writing: canWrite(row),
    reasons: connectionReasons(row),
    warnings: checks.filter((c) => c.status === 'warn'),
    salesUrl: row.salesUrl,
    erpUrl: row.erpUrl,
    directoryUrl: row.directoryUrl,
    erpCompanyId: row.erpCompanyId,
    erpCompanyName: row.erpCompanyName,
    integrationIdentity: row.identityKind
      ? {
          kind: row.identityKind,
          name: row.identityName,
          salesUserId: row.salesUserId,
          erpUserId: row.erpUserId,
        }
      : null,
    setupAdministrator: row.setupAdminUpn,
    solutionVersion: row.solutionVersion,
    localCurrency: row.lcy,
    setupCompletedAt: row.setupCompletedAt?.toISOString() ?? null,
    lastCheck: row.lastCheckAt ? { at: row.lastCheckAt.toISOString(), checks } : null,
    modifiedAt: row.modifiedAt.toISOString(),
  };
}

/** Disables the connection with a reason a person can read (audited). */
export async function disableConnection(
  q: Queryable,
  actor: BridgeActor,
  reason: string,
): Promise<ConnectionRow> {
  const row = await lockConnection(q);
  if (!row.enabled && row.disabledReason === reason) return row;
  const updated = await updateConnection(q, { enabled: false, suspended: false, disabledReason: reason });
  await recordBridgeAudit(q, actor, 'connection.disable', { reason, wasEnabled: row.enabled });
  return updated;
}

/** Failing checks as one sentence list, for errors. */
export function describeFailures(checks: CheckResult[]): string {
  return checks
    .filter((c) => c.status === 'fail')
    .map((c) => `${c.message}${c.fix ? ` Fix: ${c.fix}` : ''}`)
    .join(' ');
}
