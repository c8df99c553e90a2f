import { desc } from 'drizzle-orm';
import type { Database, Queryable } from '../platform/db/database.js';
import type { BridgeActor } from './context.js';
import { auditLog } from './schema.js';

/** Records a setup or connection action (never a credential in `details`). */
export async function recordBridgeAudit(
  q: Queryable,
  actor: BridgeActor,
  action: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await q.insert(auditLog).values({ actorId: actor.id, actorName: actor.name, action, details });
}

/** The latest audit entries, newest first. */
export async function listBridgeAudit(db: Database, limit = 200) {
  const rows = await db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: { id: r.actorId, name: r.actorName },
    action: r.action,
    details: r.details,
  }));
}
