import type { SQL } from 'drizzle-orm';
import { bigint, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The actor id of writes made by Tandem itself (first run, provisioning, housekeeping). */
export const SYSTEM_ACTOR = '00000000-0000-0000-0000-000000000000';

/**
 * The columns every versioned row carries: when it was created and last changed, by whom (a
 * directory object id, or SYSTEM_ACTOR), and a row version drawn from the app's own sequence
 * (`nextVersion`, e.g. sql`nextval('erp.row_version')`) — set on insert here, and to the next value
 * by every update. Change feeds and ETags stand on the row version, never on timestamps.
 */
export function versionedColumns(nextVersion: SQL) {
  return {
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    modifiedAt: timestamp('modified_at', { withTimezone: true }).notNull().defaultNow(),
    modifiedBy: uuid('modified_by').notNull(),
    rowVersion: bigint('row_version', { mode: 'number' }).notNull().default(nextVersion),
  };
}
