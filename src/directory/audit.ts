import { desc, lt } from 'drizzle-orm';
import type { Queryable } from '../platform/db/database.js';
import type { Actor } from './context.js';
import { auditLog } from './schema.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Never a secret: callers pass names, counts and ids only. */
  details?: Record<string, unknown>;
}

/** Records an administrative action in the same transaction as the change it describes. */
export async function recordAudit(q: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
  await q.insert(auditLog).values({
    actorId: actor.id,
    actorName: actor.name,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
  });
}

/** Newest first, keyset-paged by id. */
export async function listAudit(q: Queryable, options: { before?: number; limit: number }) {
  const query = q.select().from(auditLog);
  const rows = await (options.before ? query.where(lt(auditLog.id, options.before)) : query)
    .orderBy(desc(auditLog.id))
    .limit(options.limit);
  return rows;
}
