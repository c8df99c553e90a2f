import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../platform/db/database.js';
import { accessPredicate, assertRecordAccess, type Right } from '../security/privileges.js';
import { DataverseError, DATAVERSE_CODES, recordNotFound } from './dataverse-error.js';
import type { ExecutionScope } from './execution.js';
import type { ResolvedKey } from './record-key.js';
import type { SalesEntity } from './sales-entity.js';

/**
 * The two ways the Web API applies the caller's privileges: a WHERE condition for queries (rows the
 * caller may not read are simply not there), and a check on one record before changing it (which
 * names the missing privilege). Both use the record's owner and owning business unit.
 */

const NO_COLUMN = sql`null::uuid`;

export function ownerColumns(entity: SalesEntity): { owner: SQL; owningBusinessUnit: SQL } {
  return {
    owner: entity.ownerColumn ? sql`${entity.ownerColumn}` : NO_COLUMN,
    owningBusinessUnit: entity.businessUnitColumn ? sql`${entity.businessUnitColumn}` : NO_COLUMN,
  };
}

/** Rows of `entity` on which the caller holds `right`. */
export function accessCondition(
  scope: ExecutionScope,
  entity: SalesEntity,
  right: Right = 'Read',
): Promise<SQL> {
  return accessPredicate(scope.ctx, scope.caller, entity.securedTable, right, ownerColumns(entity));
}

/** What a write needs to know about the record it changes. */
export interface RecordHead {
  id: string;
  version: number;
  ownerid: string | null;
  owningbusinessunit: string | null;
}

/** The record a key addresses (id, version, owner), or undefined; several matches of an alternate key are an error. */
export async function findRecordHead(
  scope: ExecutionScope,
  entity: SalesEntity,
  key: ResolvedKey,
  options: { forUpdate?: boolean } = {},
): Promise<RecordHead | undefined> {
  const { owner, owningBusinessUnit } = ownerColumns(entity);
  const rows = await queryRows<{
    id: string;
    version: number | string;
    ownerid: string | null;
    owningbusinessunit: string | null;
  }>(
    scope.ctx.db,
    sql`select ${entity.keyColumn} as id, ${entity.versionColumn} as version, ${owner} as ownerid, ${owningBusinessUnit} as owningbusinessunit
        from ${entity.table} where ${key.condition} limit 2${options.forUpdate ? sql` for update` : sql``}`,
  );
  if (rows.length > 1)
    throw new DataverseError(
      'Conflict',
      DATAVERSE_CODES.duplicateRecord,
      `More than one ${entity.logicalName} has ${key.description}; address the record by its ${entity.definition.key} instead.`,
    );
  const row = rows[0];
  return row ? { ...row, version: Number(row.version) } : undefined;
}

/** 404 worded as Dataverse words it, for an id or an alternate key. */
export function notFound(entity: SalesEntity, key: ResolvedKey): DataverseError {
  if (key.id !== undefined) return recordNotFound(entity.logicalName, key.id);
  return new DataverseError(
    'NotFound',
    DATAVERSE_CODES.objectDoesNotExist,
    `A record with the specified key values does not exist in ${entity.logicalName} entity (${key.description}).`,
  );
}

/** Throws the Dataverse privilege error unless the caller holds `right` on this record. */
export function assertAccess(
  scope: ExecutionScope,
  entity: SalesEntity,
  right: Right,
  head: Pick<RecordHead, 'ownerid' | 'owningbusinessunit'>,
): Promise<void> {
  return assertRecordAccess(scope.ctx, scope.caller, entity.securedTable, right, {
    ownerid: head.ownerid,
    owningbusinessunit: head.owningbusinessunit,
  });
}
