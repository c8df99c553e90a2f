import type { Queryable } from '../platform/db/database.js';
import { auditLog } from './schema.js';

/** Records an administrative action in the same transaction as the change itself. */
export async function audit(
  q: Queryable,
  entry: {
    actorId: string;
    actorName: string;
    action: string;
    targetType: string;
    targetId?: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await q.insert(auditLog).values({ ...entry, details: entry.details ?? {} });
}
