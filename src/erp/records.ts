import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type Queryable, type Transaction } from '../platform/db/database.js';
import {
  afterRowSql,
  completeSortOrder,
  cursorSql,
  decodeSkipToken,
  encodeSkipToken,
  expandPredicate,
  filterToSql,
  orderByToSql,
  type CursorValue,
  type QueryOptions,
  type SqlOptions,
} from '../platform/odata/index.js';
import { erpError } from './errors.js';
import { nextNumber } from './number-series.js';
import { columnKey, parseInput } from './record-input.js';
import type { FieldSpec, RecordEntity, StoredRecord } from './record-entity.js';
import { nextRowVersion, tombstones } from './schema.js';

/**
 * Reading and writing ERP records of any type described by a RecordEntity: OData queries with keyset
 * paging, single records, and inserts, updates and deletes that record their actor, time and a new
 * row version, check ETags, and leave a tombstone for the change feed. Writes run inside a
 * transaction that already holds the company write lock (write-lock.ts).
 */

export const SQL_OPTIONS: SqlOptions = { caseInsensitive: true };
const DATETIME_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

/** A record on the wire: BC's fields plus its row version (for the ETag). */
export interface WireRecord {
  rowVersion: number;
  values: Record<string, unknown>;
}

export function fieldSql(field: FieldSpec): SQL {
  return field.read ?? sql`${field.column!}`;
}

function outputSql(field: FieldSpec): SQL {
  const value = fieldSql(field);
  switch (field.type) {
    case 'decimal':
      return sql`(${value})::float8`;
    case 'date':
      // BC shows an empty date as 0001-01-01.
      return sql`coalesce(to_char(${value}, 'YYYY-MM-DD'), '0001-01-01')`;
    case 'datetime':
      return sql`to_char((${value}) at time zone 'UTC', ${DATETIME_FORMAT})`;
    default:
      return value;
  }
}

export function selectList(entity: RecordEntity, fields: readonly FieldSpec[], extra: SQL[] = []): SQL {
  const items = [
    sql`${entity.table.rowVersion} as "__rv"`,
    ...fields.map((f) => sql`${outputSql(f)} as ${sql.identifier(f.name)}`),
    ...extra,
  ];
  return sql.join(items, sql`, `);
}

export function toWire(row: Record<string, unknown>, fields: readonly FieldSpec[]): WireRecord {
  const values: Record<string, unknown> = {};
  for (const f of fields) values[f.name] = row[f.name];
  return { rowVersion: Number(row.__rv), values };
}

/** The fields a $select names (always in BC's documented order), or all of them. */
export function selectedFields(entity: RecordEntity, options: Pick<QueryOptions, 'select'>): FieldSpec[] {
  if (!options.select) return [...entity.fields];
  const names = new Set(options.select.map((p) => p.name));
  return entity.fields.filter((f) => names.has(f.name) || f.name === 'id');
}

export interface ListResult {
  records: WireRecord[];
  /** Expanded records per navigation name, aligned with `records`. */
  expanded: Array<Record<string, WireRecord | null>>;
  nextSkipToken: string | undefined;
  count: number | undefined;
}

/** One page of records of a company matching the query options; `pageSize` caps the page. */
export async function listRecords(
  q: Queryable,
  entity: RecordEntity,
  companyId: string,
  options: QueryOptions,
  pageSize: number,
  expandEntities: Record<string, RecordEntity> = {},
  extraWhere?: SQL,
): Promise<ListResult> {
  const fields = selectedFields(entity, options);
  const order = completeSortOrder(options.orderBy, entity.odata);
  const where: SQL[] = [sql`${entity.table.companyId} = ${companyId}::uuid`];
  if (options.filter) where.push(filterToSql(options.filter, SQL_OPTIONS));
  if (extraWhere) where.push(extraWhere);
  let offset = options.skip ?? 0;
  if (options.skipToken) {
    where.push(afterRowSql(order, decodeSkipToken(options.skipToken, order), SQL_OPTIONS));
    offset = 0;
  }
  const limit = Math.min(pageSize, options.top ?? Number.POSITIVE_INFINITY);
  const joinColumns = options.expand.map(
    (e, i) => sql`(${e.navigation.join.local}) as ${sql.identifier(`__x${i}`)}`,
  );
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`select ${selectList(entity, fields, [sql`${cursorSql(order)} as "__cursor"`, ...joinColumns])}
      from ${entity.table as PgTable}
      where ${sql.join(where, sql` and `)}
      order by ${orderByToSql(options.orderBy, entity.odata, SQL_OPTIONS)}
      limit ${limit + 1} offset ${offset}`,
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const records = page.map((r) => toWire(r, fields));

  const expanded: Array<Record<string, WireRecord | null>> = page.map(() => ({}));
  for (const [i, item] of options.expand.entries()) {
    const target = expandEntities[item.navigation.name];
    if (!target) continue;
    const targetFields = selectedFields(target, item.options);
    const local = page.map((r) => r[`__x${i}`]);
    const related = await queryRows<Record<string, unknown>>(
      q,
      sql`select ${selectList(target, targetFields, [sql`(${item.navigation.join.remote}) as "__join"`])}
        from ${target.table as PgTable}
        where ${target.table.companyId} = ${companyId}::uuid and ${expandPredicate(item.navigation, local)}`,
    );
    const byJoin = new Map(related.map((r) => [String(r.__join), toWire(r, targetFields)]));
    page.forEach((r, j) => {
      const key = r[`__x${i}`];
      expanded[j]![item.navigation.name] =
        key === null || key === undefined ? null : (byJoin.get(String(key)) ?? null);
    });
  }

  let count: number | undefined;
  if (options.count) {
    const countWhere: SQL[] = [sql`${entity.table.companyId} = ${companyId}::uuid`];
    if (options.filter) countWhere.push(filterToSql(options.filter, SQL_OPTIONS));
    const [row] = await queryRows<{ n: number }>(
      q,
      sql`select count(*)::int as n from ${entity.table as PgTable} where ${sql.join(countWhere, sql` and `)}`,
    );
    count = Number(row?.n ?? 0);
  }
  const reachedTop = options.top !== undefined && limit >= options.top;
  const nextSkipToken =
    more && !reachedTop && last ? encodeSkipToken(order, last.__cursor as CursorValue[]) : undefined;
  return { records, expanded, nextSkipToken, count };
}

/** One record of a company by system id, or undefined. */
export async function findRecord(
  q: Queryable,
  entity: RecordEntity,
  companyId: string,
  id: string,
  fields: readonly FieldSpec[] = entity.fields,
): Promise<WireRecord | undefined> {
  const [row] = await queryRows<Record<string, unknown>>(
    q,
    sql`select ${selectList(entity, fields)} from ${entity.table as PgTable}
      where ${entity.table.companyId} = ${companyId}::uuid and ${entity.table.id} = ${id}::uuid`,
  );
  return row ? toWire(row, fields) : undefined;
}

export function recordNotFound(entity: RecordEntity, id: string) {
  return erpError(
    'NotFound',
    'Internal_RecordNotFound',
    `The ${entity.caption} does not exist. Identification fields and values: Id='${id}'`,
  );
}

export async function getRecord(
  q: Queryable,
  entity: RecordEntity,
  companyId: string,
  id: string,
  fields?: readonly FieldSpec[],
): Promise<WireRecord> {
  const record = await findRecord(q, entity, companyId, id, fields);
  if (!record) throw recordNotFound(entity, id);
  return record;
}

/** The ETag of a row version, W/"…" as BC sends it. */
export function etagOf(rowVersion: number): string {
  return `W/"${rowVersion}"`;
}

/**
 * BC requires If-Match on PATCH and DELETE: `*` or the record's current ETag. A stale one means
 * another user changed the record since the caller read it.
 */
export function checkIfMatch(entity: RecordEntity, ifMatch: string | undefined, current: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '')
    throw erpError(
      'BadRequest',
      'BadRequest_InvalidToken',
      `Could not validate the client concurrency token required by the service. Send the ${entity.entityName}'s @odata.etag in an If-Match header (or If-Match: * to overwrite whatever is there).`,
    );
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*')) return;
  const wanted = etagOf(current);
  if (tags.some((t) => t === wanted || `W/${t}` === wanted)) return;
  throw erpError(
    'PreconditionFailed',
    'Request_EntityChanged',
    `Another user has already changed the ${entity.caption} record (its ETag is now ${wanted}). Read it again and retry with the new @odata.etag.`,
  );
}

async function lockRecord(
  tx: Transaction,
  entity: RecordEntity,
  companyId: string,
  id: string,
): Promise<StoredRecord> {
  const [row] = await tx
    .select()
    .from(entity.table as PgTable)
    .where(and(eq(entity.table.companyId, companyId), eq(entity.table.id, id)))
    .for('update');
  if (!row) throw recordNotFound(entity, id);
  return row as StoredRecord;
}

/** The drizzle property name of the entity's natural key column (`number`, `code`). */
export function keyColumnKey(entity: RecordEntity): string {
  const field = entity.fields.find((f) => f.name === entity.keyField)!;
  return columnKey(entity, field.column!);
}

export function duplicateKey(entity: RecordEntity, key: string) {
  return erpError(
    'AlreadyExists',
    'Internal_EntityWithSameKeyExists',
    `The ${entity.caption} already exists. Identification fields and values: ${entity.keyCaption}='${key}'. Choose another ${entity.keyField}${entity.numberSeries ? ' or leave it blank to take the next number from the number series' : ''}.`,
  );
}

export function blankKey(entity: RecordEntity) {
  return erpError(
    'BadRequest',
    'BadRequest_RequiredParamNotProvided',
    `Field '${entity.keyField}' must not be blank or empty: every ${entity.caption} needs a ${entity.keyField}.`,
    { problems: [{ field: entity.keyField, message: 'required' }] },
  );
}

export function idTaken(entity: RecordEntity, id: string) {
  return erpError(
    'AlreadyExists',
    'Internal_EntityWithSameKeyExists',
    `A ${entity.caption} with id ${id} already exists. Leave id out to get a new one.`,
  );
}

export function readOnlyId(entity: RecordEntity) {
  return erpError(
    'BadRequest',
    'BadRequest_InvalidOperation',
    `Control 'id' is read-only: the system id of a ${entity.caption} cannot be changed.`,
  );
}

export function keyChanged(entity: RecordEntity, key: unknown) {
  return erpError(
    'BadRequest',
    'BadRequest_InvalidOperation',
    `The ${entity.keyField} of ${entity.caption} '${String(key)}' cannot be changed in Tandem; create a new ${entity.entityName} instead.`,
  );
}

async function keyTaken(
  tx: Transaction,
  entity: RecordEntity,
  companyId: string,
  key: string,
): Promise<boolean> {
  const keyField = entity.fields.find((f) => f.name === entity.keyField)!;
  const rows = await tx
    .select({ id: entity.table.id })
    .from(entity.table as PgTable)
    .where(and(eq(entity.table.companyId, companyId), eq(keyField.column!, key)))
    .limit(1);
  return rows.length > 0;
}

/** Virtual inputs (`@currencyId`) are resolved by the entity's check; none may reach the table. */
export function stripVirtual(values: Record<string, unknown>): void {
  for (const key of Object.keys(values)) if (key.startsWith('@')) delete values[key];
}

/** Inserts a record from a POST body; returns its id. */
export async function createRecord(
  tx: Transaction,
  entity: RecordEntity,
  companyId: string,
  body: unknown,
  actorId: string,
): Promise<string> {
  const input = parseInput(entity, body);
  const keyKey = keyColumnKey(entity);
  const given = (input.values[keyKey] as string | undefined) ?? '';
  if (given === '' && !entity.numberSeries) throw blankKey(entity);
  if (given !== '' && (await keyTaken(tx, entity, companyId, given))) throw duplicateKey(entity, given);
  if (input.id) {
    const [clash] = await tx
      .select({ id: entity.table.id })
      .from(entity.table as PgTable)
      .where(eq(entity.table.id, input.id));
    if (clash) throw idTaken(entity, input.id);
  }
  if (given === '') input.values[keyKey] = await nextNumber(tx, companyId, entity.numberSeries!);
  await entity.check?.({ tx, companyId, values: input.values, given: input.given });
  stripVirtual(input.values);
  for (;;) {
    // A number drawn from the series may already have been entered by hand: the unique index says
    // so (no row inserted), and the next number is drawn. A number given by the caller was checked.
    const rows = await tx
      .insert(entity.table as PgTable)
      .values({
        ...input.values,
        ...(input.id ? { id: input.id } : {}),
        companyId,
        modifiedBy: actorId,
      } as never)
      .onConflictDoNothing()
      .returning({ id: entity.table.id });
    const row = rows[0] as { id: string } | undefined;
    if (row) return row.id;
    if (given !== '') throw duplicateKey(entity, given);
    input.values[keyKey] = await nextNumber(tx, companyId, entity.numberSeries!);
  }
}

/** Applies a PATCH body to a record after checking its ETag. */
export async function updateRecord(
  tx: Transaction,
  entity: RecordEntity,
  companyId: string,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
  actorId: string,
): Promise<void> {
  const input = parseInput(entity, body);
  const existing = await lockRecord(tx, entity, companyId, id);
  checkIfMatch(entity, ifMatch, existing.rowVersion);
  if (input.id && input.id !== existing.id) throw readOnlyId(entity);
  const keyKey = keyColumnKey(entity);
  if (input.given.has(entity.keyField) && input.values[keyKey] !== existing[keyKey])
    throw keyChanged(entity, existing[keyKey]);
  await entity.check?.({ tx, companyId, values: input.values, existing, given: input.given });
  stripVirtual(input.values);
  await tx
    .update(entity.table as PgTable)
    .set({
      ...input.values,
      modifiedAt: sql`now()`,
      modifiedBy: actorId,
      rowVersion: nextRowVersion,
    } as never)
    .where(eq(entity.table.id, id));
}

/** Deletes a record after checking its ETag, leaving a tombstone for the change feed. */
export async function deleteRecord(
  tx: Transaction,
  entity: RecordEntity,
  companyId: string,
  id: string,
  ifMatch: string | undefined,
  actorId: string,
): Promise<void> {
  const existing = await lockRecord(tx, entity, companyId, id);
  checkIfMatch(entity, ifMatch, existing.rowVersion);
  await entity.checkDelete?.(tx, companyId, existing);
  await tx.delete(entity.table as PgTable).where(eq(entity.table.id, id));
  await tx.insert(tombstones).values({
    companyId,
    entitySet: entity.entitySet,
    recordId: id,
    recordKey: String(existing[keyColumnKey(entity)]),
    deletedBy: actorId,
  });
}
