import { desc, lt } from 'drizzle-orm';
import type { Queryable } from '../platform/db/database.js';
import { auditLog } from './schema.js';
import type { SalesCaller } from './security/caller.js';

export interface SalesAuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Never a secret: names, counts and ids only. */
  details?: Record<string, unknown>;
}

/** Records an administrative action in the same transaction as the change it describes. */
export async function recordSalesAudit(
  q: Queryable,
  actor: Pick<SalesCaller, 'systemUserId' | 'domainName'>,
  entry: SalesAuditEntry,
): Promise<void> {
  await q.insert(auditLog).values({
    actorid: actor.systemUserId,
    actorname: actor.domainName,
    action: entry.action,
    targettype: entry.targetType,
    targetid: entry.targetId ?? null,
    details: entry.details ?? {},
  });
}

/** Newest first, keyset-paged by id. */
export async function listSalesAudit(q: Queryable, options: { before?: number; limit: number }) {
  const query = q.select().from(auditLog);
  return (options.before ? query.where(lt(auditLog.id, options.before)) : query)
    .orderBy(desc(auditLog.id))
    .limit(options.limit);
}
