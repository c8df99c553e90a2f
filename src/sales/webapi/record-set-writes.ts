import { randomUUID } from 'node:crypto';
import { is, SQL, sql, type Column } from 'drizzle-orm';
import { queryRows } from '../../platform/db/database.js';
import { idIn } from '../../platform/db/id-list.js';
import type { ExecutionScope, WebApiRequest, WebApiResponse } from './execution.js';
import { etagMatches, parseEtagCondition } from './prefer.js';
import { notFound, ownerColumns, type RecordHead } from './record-access.js';
import { checkBody } from './record-body.js';
import type { ResolvedKey } from './record-key.js';
import {
  alreadyExists,
  concurrencyFailure,
  databaseError,
  parseJson,
  prepareInsert,
  prepareUpdate,
  writeResponse,
} from './record-write.js';
import type { SalesEntity } from './sales-entity.js';

/**
 * Creates (POST) and updates or upserts by id (PATCH) of many records of one table at once, for a
 * $batch: every per-record rule of record-write.ts — body checks, privileges, binds, If-Match,
 * alternate keys — is applied record by record in request order (privileges come from the caller's
 * cached privilege map, so they cost no query after the first), then the rows are written with one
 * INSERT and one UPDATE per run of records that set the same columns. The schema's triggers give
 * each row its versionnumber under the Sales write lock, as for single writes. Primary and alternate
 * keys are checked together before the insert, so a duplicate is refused with its own request's
 * error instead of failing the statement.
 *
 * A statement that fails anyway (a race with another writer the checks could not see) throws
 * SetWriteFailed; the caller then runs the requests one by one, which words each failure.
 */

export class SetWriteFailed extends Error {
  constructor(cause: unknown) {
    super('The set-based write failed; run the requests one by one.', { cause });
  }
}

export interface SetWrite {
  request: WebApiRequest;
  /** PATCH: the record's id (distinct within the set). POST: undefined. */
  id: string | undefined;
}

interface PlannedInsert {
  index: number;
  id: string;
  /** Whether the request chose the id (an id drawn here cannot be taken). */
  idGiven: boolean;
  values: Map<Column, unknown>;
}

interface PlannedUpdate {
  index: number;
  head: RecordHead;
  values: Map<Column, unknown>;
}

/** Values that are SQL (a contact's fullname on update) cannot travel in a JSON document. */
function plainValues(values: Map<Column, unknown | SQL>): Map<Column, unknown> | undefined {
  for (const value of values.values()) if (is(value, SQL)) return undefined;
  return values as Map<Column, unknown>;
}

function runsOfSameShape<T extends { values: Map<Column, unknown> }>(rows: T[]): T[][] {
  const runs: T[][] = [];
  let shape = '';
  for (const row of rows) {
    const rowShape = [...row.values.keys()]
      .map((c) => c.name)
      .sort()
      .join(',');
    if (runs.length === 0 || rowShape !== shape) runs.push([]);
    shape = rowShape;
    runs[runs.length - 1]!.push(row);
  }
  return runs;
}

function jsonValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** Rows as one JSON document keyed by column name (`extra` adds columns that are only matched on). */
function document(
  columns: Column[],
  rows: Array<{ values: Map<Column, unknown> }>,
  extra?: (row: number) => Record<string, unknown>,
): string {
  return JSON.stringify(
    rows.map((row, n) => {
      const out: Record<string, unknown> = extra ? extra(n) : {};
      for (const column of columns) out[column.name] = jsonValue(row.values.get(column) ?? null);
      return out;
    }),
  );
}

/** Which of `values` a key column (the uuid primary key, or a text alternate key) already holds. */
async function existing(scope: ExecutionScope, entity: SalesEntity, column: Column, values: string[]) {
  if (values.length === 0) return new Set<string>();
  const wanted = sql`jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)`;
  const rows = await queryRows<{ v: string }>(
    scope.ctx.db,
    sql`select ${column}::text as v from ${entity.table}
      where ${column} in (select ${column === entity.keyColumn ? sql`${wanted}::uuid` : wanted})`,
  );
  return new Set(rows.map((r) => r.v));
}

/** Refuses (by index) the inserts whose primary or alternate key another record has already. */
async function duplicateKeys(
  scope: ExecutionScope,
  entity: SalesEntity,
  inserts: PlannedInsert[],
): Promise<Set<number>> {
  const keyColumns = [
    entity.keyColumn,
    ...entity.alternateKeys
      .filter((key) => key.length === 1)
      .map((key) => entity.writable.find((a) => a.name === key[0])!.column),
  ];
  const text = (insert: PlannedInsert, column: Column) => {
    if (column === entity.keyColumn && !insert.idGiven) return undefined;
    const value = insert.values.get(column);
    return value === null || value === undefined ? undefined : String(value);
  };
  const taken = new Map<Column, Set<string>>();
  for (const column of keyColumns)
    taken.set(
      column,
      await existing(
        scope,
        entity,
        column,
        inserts.flatMap((i) => text(i, column) ?? []),
      ),
    );
  // In request order, as single creates would meet them: a refused record takes no key.
  const refused = new Set<number>();
  for (const insert of inserts) {
    const keys = keyColumns.map((column) => [column, text(insert, column)] as const);
    if (keys.some(([column, value]) => value !== undefined && taken.get(column)!.has(value)))
      refused.add(insert.index);
    else for (const [column, value] of keys) if (value !== undefined) taken.get(column)!.add(value);
  }
  return refused;
}

async function insertRows(scope: ExecutionScope, entity: SalesEntity, inserts: PlannedInsert[]) {
  const versions = new Map<string, number>();
  for (const run of runsOfSameShape(inserts)) {
    const columns = [...run[0]!.values.keys()];
    const list = sql.join(
      columns.map((c) => sql.identifier(c.name)),
      sql`, `,
    );
    const rows = await queryRows<{ id: string; version: number | string }>(
      scope.ctx.db,
      sql`insert into ${entity.table} (${list})
        select ${list} from json_populate_recordset(null::${entity.table}, ${document(columns, run)}::json)
        returning ${entity.keyColumn} as id, ${entity.versionColumn} as version`,
    );
    for (const row of rows) versions.set(row.id, Number(row.version));
  }
  return versions;
}

async function updateRows(scope: ExecutionScope, entity: SalesEntity, updates: PlannedUpdate[]) {
  const versions = new Map<string, number>();
  const key = entity.keyColumn.name;
  const version = entity.versionColumn.name;
  for (const run of runsOfSameShape(updates)) {
    const columns = [...run[0]!.values.keys()];
    const assignments = columns.map((c) => sql`${sql.identifier(c.name)} = v.${sql.identifier(c.name)}`);
    const rows = await queryRows<{ id: string; version: number | string }>(
      scope.ctx.db,
      sql`update ${entity.table} set ${sql.join(assignments, sql`, `)}
        from json_populate_recordset(null::${entity.table}, ${document(columns, run, (n) => ({
          [key]: run[n]!.head.id,
          [version]: run[n]!.head.version,
        }))}::json) as v
        where ${entity.keyColumn} = v.${sql.identifier(key)} and ${entity.versionColumn} = v.${sql.identifier(version)}
        returning ${entity.keyColumn} as id, ${entity.versionColumn} as version`,
    );
    // A record changed since its head was read: a race the single path answers with 412.
    if (rows.length !== run.length) throw new SetWriteFailed(concurrencyFailure());
    for (const row of rows) versions.set(row.id, Number(row.version));
  }
  return versions;
}

function byId(id: string): ResolvedKey {
  return { condition: sql`true`, id, alternate: undefined, description: `Id = ${id}` };
}

async function heads(
  scope: ExecutionScope,
  entity: SalesEntity,
  ids: string[],
): Promise<Map<string, RecordHead>> {
  if (ids.length === 0) return new Map();
  const { owner, owningBusinessUnit } = ownerColumns(entity);
  const rows = await queryRows<RecordHead & { version: number | string }>(
    scope.ctx.db,
    sql`select ${entity.keyColumn} as id, ${entity.versionColumn} as version, ${owner} as ownerid,
        ${owningBusinessUnit} as owningbusinessunit
      from ${entity.table} where ${idIn(entity.keyColumn, ids)}`,
  );
  return new Map(rows.map((r) => [r.id, { ...r, version: Number(r.version) }]));
}

/**
 * Runs the writes in request order as far as `stopAtFirstFailure` lets them (a change set, or a
 * batch without continue-on-error, stops at its first failure); returns each run write's response,
 * errors included. Must run in a transaction (the caller's change set, or one of its own).
 */
export async function writeRecords(
  scope: ExecutionScope,
  entity: SalesEntity,
  writes: SetWrite[],
  options: { stopAtFirstFailure: boolean; errorResponse: (error: unknown) => WebApiResponse },
): Promise<WebApiResponse[]> {
  const outcomes: Array<{ error: unknown } | { created: boolean; id: string } | undefined> = [];
  const inserts: PlannedInsert[] = [];
  const updates: PlannedUpdate[] = [];
  const found = await heads(
    scope,
    entity,
    writes.flatMap((w) => w.id ?? []),
  );
  for (const [index, write] of writes.entries()) {
    try {
      const body = parseJson(write.request.body);
      const head = write.id === undefined ? undefined : found.get(write.id);
      if (write.id !== undefined && head) {
        const ifMatch = parseEtagCondition(write.request.headers['if-match']);
        const ifNoneMatch = parseEtagCondition(write.request.headers['if-none-match']);
        if (ifNoneMatch?.kind === 'any') throw alreadyExists();
        if (ifMatch && !etagMatches(ifMatch, head.version)) throw concurrencyFailure();
        const checked = await checkBody(scope, entity, body, 'update');
        const values = plainValues(await prepareUpdate(scope, entity, head, checked));
        if (!values) throw new SetWriteFailed(new Error('a value is computed in SQL'));
        updates.push({ index, head, values });
        outcomes.push({ created: false, id: head.id });
      } else {
        if (write.id !== undefined && parseEtagCondition(write.request.headers['if-match']))
          throw notFound(entity, byId(write.id));
        const checked = await checkBody(scope, entity, body, 'create');
        const given = write.id ?? checked.keyValue;
        const id = given ?? randomUUID();
        const values = plainValues(await prepareInsert(scope, entity, checked, { id }));
        if (!values) throw new SetWriteFailed(new Error('a value is computed in SQL'));
        inserts.push({ index, id, idGiven: given !== undefined, values });
        outcomes.push({ created: true, id });
      }
    } catch (error) {
      if (error instanceof SetWriteFailed) throw error;
      outcomes.push({ error });
      if (options.stopAtFirstFailure) break;
    }
  }
  // Keys another record (or an earlier request of the set) has: the duplicate-key error of a single
  // create, for that request; with stopAtFirstFailure, nothing after the first of them is written.
  const duplicates = await duplicateKeys(scope, entity, inserts);
  let end = outcomes.length;
  for (const index of [...duplicates].sort((a, b) => a - b)) {
    outcomes[index] = { error: databaseError({ code: '23505' }, entity) };
    if (options.stopAtFirstFailure) {
      end = index + 1;
      break;
    }
  }
  const written = (planned: { index: number }) => planned.index < end && !duplicates.has(planned.index);
  let versions: Map<string, number>;
  try {
    versions = new Map([
      ...(await insertRows(scope, entity, inserts.filter(written))),
      ...(await updateRows(scope, entity, updates.filter(written))),
    ]);
  } catch (error) {
    throw error instanceof SetWriteFailed ? error : new SetWriteFailed(error);
  }
  const responses: WebApiResponse[] = [];
  for (const [index, outcome] of outcomes.slice(0, end).entries()) {
    if (!outcome) continue;
    if ('error' in outcome) {
      responses.push(options.errorResponse(outcome.error));
      continue;
    }
    const request = writes[index]!.request;
    responses.push(
      await writeResponse(scope, entity, request, outcome.id, versions.get(outcome.id)!, outcome.created),
    );
  }
  return responses;
}
