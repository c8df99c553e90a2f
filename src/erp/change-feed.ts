import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type Queryable } from '../platform/db/database.js';
import type { RecordEntity } from './record-entity.js';
import { selectList, toWire } from './records.js';

/**
 * The change feed the bridge synchronises from: a company's records of one type changed after a row
 * version, deletions included (from the tombstones), oldest first, each with who changed it.
 *
 * Why no change is ever skipped: a row version is drawn before its transaction commits, so versions
 * could commit out of order (10 after 11), and a reader that had already moved past 11 would never
 * see 10. Every record write holds its company's write lock from before it draws a version until it
 * commits (write-lock.ts, enforced by the trigger of migration 0001), so within a company versions
 * become visible in order. Records and tombstones are read in one statement (one snapshot), so a
 * commit landing between two reads cannot slip in either.
 */

export interface Change {
  rowVersion: number;
  changeType: 'upserted' | 'deleted';
  id: string;
  /** The record's number or code. */
  key: string;
  /** Directory object id of who made the change. */
  lastModifiedBy: string;
  lastModifiedDateTime: string;
  /** The record as the v2.0 API shows it (upserts only). */
  record?: Record<string, unknown>;
}

export const MAX_CHANGES_PAGE = 20_000;

export async function readChanges(
  q: Queryable,
  entity: RecordEntity,
  companyId: string,
  after: number,
  top: number,
): Promise<{ changes: Change[]; more: boolean }> {
  const keyField = entity.fields.find((f) => f.name === entity.keyField)!;
  const rows = await queryRows<{
    kind: 'u' | 'd';
    rv: number;
    id: string;
    key: string;
    by: string;
    at: string;
    record: Record<string, unknown> | null;
  }>(
    q,
    sql`(select 'u' as kind, r."__rv" as rv, r.id::text as id, r."__key" as key, r."__by" as by, r."__at" as at,
          to_jsonb(r) - '__rv' - '__key' - '__by' - '__at' as record
        from (select ${selectList(entity, entity.fields, [
          sql`${keyField.column!} as "__key"`,
          sql`${entity.table.modifiedBy}::text as "__by"`,
          sql`to_char(${entity.table.modifiedAt} at time zone 'UTC', ${'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'}) as "__at"`,
        ])}
          from ${entity.table as PgTable}
          where ${entity.table.companyId} = ${companyId}::uuid and ${entity.table.rowVersion} > ${after}
          order by ${entity.table.rowVersion} limit ${top + 1}) r)
      union all
      (select 'd', t.row_version, t.record_id::text, t.record_key, t.deleted_by::text,
          to_char(t.deleted_at at time zone 'UTC', ${'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'}), null
        from erp.tombstones t
        where t.company_id = ${companyId}::uuid and t.entity_set = ${entity.entitySet} and t.row_version > ${after}
        order by t.row_version limit ${top + 1})
      order by rv limit ${top + 1}`,
  );
  const more = rows.length > top;
  const changes = rows.slice(0, top).map((r): Change => {
    const base = {
      rowVersion: Number(r.rv),
      id: r.id,
      key: r.key,
      lastModifiedBy: r.by,
      lastModifiedDateTime: r.at,
    };
    if (r.kind === 'd') return { ...base, changeType: 'deleted' };
    const wire = toWire({ ...r.record, __rv: r.rv }, entity.fields);
    return { ...base, changeType: 'upserted', record: wire.values };
  });
  return { changes, more };
}
