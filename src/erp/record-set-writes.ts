import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type Transaction } from '../platform/db/database.js';
import { idIn } from '../platform/db/id-list.js';
import { nextNumber, nextNumbers, returnNumbers } from './number-series.js';
import { parseInput, type ParsedInput } from './record-input.js';
import type { RecordEntity, StoredRecord, WriteCheck } from './record-entity.js';
import { nextRowVersion } from './schema.js';
import {
  blankKey,
  checkIfMatch,
  duplicateKey,
  idTaken,
  keyChanged,
  keyColumnKey,
  readOnlyId,
  recordNotFound,
  selectList,
  stripVirtual,
  toWire,
  type WireRecord,
} from './records.js';

/**
 * Creates and updates of many records of one entity set at once, for a $batch: the same checks,
 * errors and numbers as records.ts gives one record at a time, but set-based. Bodies are checked
 * first (keys and ids against the table in one query each, references through the entity's
 * checkMany), numbers are drawn from the series in one statement, and the rows are written with one
 * statement per run of bodies that set the same columns, whose RETURNING gives the response records
 * (no read-back). A refused record is left out and keeps its own error. The caller holds the company
 * write lock, so what the checks saw cannot change before the write.
 */

export type RecordOutcome = { record: WireRecord } | { error: unknown };

/** Whether the entity's writes may run set-based (its checks never look at the group's own writes). */
export function writesSetBased(entity: RecordEntity): boolean {
  return !entity.checksSeeEarlierWrites;
}

type CheckInput = Omit<WriteCheck, 'tx' | 'companyId'>;

async function runChecks(
  tx: Transaction,
  entity: RecordEntity,
  companyId: string,
  checks: CheckInput[],
): Promise<unknown[]> {
  if (!entity.check || checks.length === 0) return checks.map(() => undefined);
  if (entity.checkMany) return entity.checkMany(tx, companyId, checks);
  const refusals: unknown[] = [];
  for (const check of checks) {
    try {
      await entity.check({ tx, companyId, ...check });
      refusals.push(undefined);
    } catch (error) {
      refusals.push(error);
    }
  }
  return refusals;
}

/**
 * Which of `texts` a column of the company's records already holds (one query). Each value is one
 * probe of the column's unique index: the LATERAL … LIMIT 1 keeps the planner from joining the
 * whole table, which it did with `in (select …)` on PGlite, whose tables are analyzed only now and
 * then — it scanned all the company's customers for every batch (7 ms at 50,000, growing).
 */
async function existingValues(
  tx: Transaction,
  entity: RecordEntity,
  column: PgColumn,
  texts: readonly string[],
  companyId: string | undefined,
): Promise<Set<string>> {
  if (texts.length === 0) return new Set();
  const table = entity.table as PgTable;
  const company = companyId === undefined ? sql`true` : sql`${entity.table.companyId} = ${companyId}::uuid`;
  const match = column === entity.table.id ? sql`${column} = wanted.v::uuid` : sql`${column} = wanted.v`;
  const rows = await queryRows<{ v: string }>(
    tx,
    sql`select wanted.v from jsonb_array_elements_text(${JSON.stringify(texts)}::jsonb) as wanted(v)
      cross join lateral (select 1 from ${table} where ${company} and ${match} limit 1) as hit`,
  );
  return new Set(rows.map((r) => r.v));
}

function columnNames(entity: RecordEntity): Record<string, string> {
  return Object.fromEntries(
    Object.entries(getTableColumns(entity.table)).map(([key, column]) => [key, (column as PgColumn).name]),
  );
}

/** Splits rows into runs of consecutive rows that set the same columns (one statement each). */
function runsOfSameShape<T extends { values: Record<string, unknown> }>(rows: T[]): T[][] {
  const runs: T[][] = [];
  let shape = '';
  for (const row of rows) {
    const rowShape = Object.keys(row.values).sort().join(',');
    if (runs.length === 0 || rowShape !== shape) runs.push([]);
    shape = rowShape;
    runs[runs.length - 1]!.push(row);
  }
  return runs;
}

/** The rows as one JSON document keyed by database column name, and the column list. */
function rowsDocument(
  entity: RecordEntity,
  rows: Array<{ values: Record<string, unknown> }>,
): { keys: string[]; columns: SQL; json: string } {
  const names = columnNames(entity);
  const keys = Object.keys(rows[0]!.values);
  const json = JSON.stringify(
    rows.map((row) => Object.fromEntries(keys.map((key) => [names[key]!, row.values[key] ?? null]))),
  );
  return {
    keys,
    columns: sql.join(
      keys.map((key) => sql.identifier(names[key]!)),
      sql`, `,
    ),
    json,
  };
}

/**
 * The rows a write statement wrote, as the response fields, in one JSON text: the driver then decodes
 * one value instead of every field of every row (on PGlite that decoding cost as much as the write,
 * 100 rows × 27 fields). Every field is already text, a number or a boolean (selectList formats dates
 * and decimals), so JSON gives the same values the driver would.
 */
async function writtenRecords(
  tx: Transaction,
  entity: RecordEntity,
  write: SQL,
): Promise<Array<Record<string, unknown>>> {
  const [result] = await queryRows<{ rows: string }>(
    tx,
    sql`with written as (${write} returning ${selectList(entity, entity.fields)})
      select coalesce(json_agg(written), '[]')::text as rows from written`,
  );
  return JSON.parse(result!.rows) as Array<Record<string, unknown>>;
}

/** POST bodies of one entity set → each record created (in request order), or its refusal. */
export async function createRecords(
  tx: Transaction,
  entity: RecordEntity,
  companyId: string,
  bodies: readonly unknown[],
  actorId: string,
): Promise<RecordOutcome[]> {
  const keyKey = keyColumnKey(entity);
  const keyColumn = entity.fields.find((f) => f.name === entity.keyField)!.column!;
  const outcomes: Array<RecordOutcome | undefined> = bodies.map(() => undefined);
  const inputs: Array<ParsedInput | undefined> = bodies.map((body, i) => {
    try {
      const input = parseInput(entity, body);
      if (((input.values[keyKey] as string | undefined) ?? '') === '' && !entity.numberSeries)
        throw blankKey(entity);
      return input;
    } catch (error) {
      outcomes[i] = { error };
      return undefined;
    }
  });
  const givenKey = (input: ParsedInput) => (input.values[keyKey] as string | undefined) ?? '';
  const standing = inputs.flatMap((input, i) => (input ? [i] : []));
  const takenKeys = await existingValues(
    tx,
    entity,
    keyColumn,
    [...new Set(standing.map((i) => givenKey(inputs[i]!)).filter((k) => k !== ''))],
    companyId,
  );
  const takenIds = await existingValues(
    tx,
    entity,
    entity.table.id,
    [...new Set(standing.flatMap((i) => (inputs[i]!.id ? [inputs[i]!.id!] : [])))],
    undefined,
  );
  const refusals = await runChecks(
    tx,
    entity,
    companyId,
    standing.map((i) => ({ values: inputs[i]!.values, given: inputs[i]!.given })),
  );
  const refusalOf = new Map(standing.map((i, n) => [i, refusals[n]]));

  // Numbers: as many drawn at once as records may need; the ones a refusal leaves unused go back.
  const mayNeedNumber = standing.filter((i) => givenKey(inputs[i]!) === '' && !refusalOf.get(i)).length;
  const pool = entity.numberSeries
    ? await nextNumbers(tx, companyId, entity.numberSeries, mayNeedNumber)
    : [];
  const poolTaken = await existingValues(tx, entity, keyColumn, pool, companyId);
  let poolUsed = 0;
  let drewBeyondPool = false;
  const assigned = new Set<string>();
  const nextFreeNumber = async (): Promise<string> => {
    while (poolUsed < pool.length) {
      const number = pool[poolUsed++]!;
      if (!poolTaken.has(number) && !assigned.has(number)) return number;
    }
    // Numbers entered by hand used up the pool: draw one at a time, as a single create does.
    drewBeyondPool = true;
    for (;;) {
      const number = await nextNumber(tx, companyId, entity.numberSeries!);
      if (assigned.has(number)) continue;
      if ((await existingValues(tx, entity, keyColumn, [number], companyId)).size === 0) return number;
    }
  };

  const batchIds = new Set<string>();
  const rows: Array<{ index: number; key: string; values: Record<string, unknown> }> = [];
  for (const i of standing) {
    const input = inputs[i]!;
    const given = givenKey(input);
    if (given !== '' && (takenKeys.has(given) || assigned.has(given))) {
      outcomes[i] = { error: duplicateKey(entity, given) };
      continue;
    }
    if (input.id && (takenIds.has(input.id) || batchIds.has(input.id))) {
      outcomes[i] = { error: idTaken(entity, input.id) };
      continue;
    }
    const refusal = refusalOf.get(i);
    if (refusal) {
      outcomes[i] = { error: refusal };
      continue;
    }
    const key = given !== '' ? given : await nextFreeNumber();
    assigned.add(key);
    if (input.id) batchIds.add(input.id);
    input.values[keyKey] = key;
    stripVirtual(input.values);
    rows.push({
      index: i,
      key,
      values: { ...input.values, ...(input.id ? { id: input.id } : {}), companyId, modifiedBy: actorId },
    });
  }
  if (!drewBeyondPool && poolUsed < pool.length)
    await returnNumbers(tx, companyId, entity.numberSeries!, pool.length - poolUsed);

  for (const run of runsOfSameShape(rows)) {
    const { columns, json } = rowsDocument(entity, run);
    const written = await writtenRecords(
      tx,
      entity,
      sql`insert into ${entity.table as PgTable} (${columns})
        select ${columns} from json_populate_recordset(null::${entity.table as PgTable}, ${json}::json)`,
    );
    const byKey = new Map(written.map((row) => [String(row[entity.keyField]), toWire(row, entity.fields)]));
    for (const row of run) outcomes[row.index] = { record: byKey.get(row.key)! };
  }
  return outcomes as RecordOutcome[];
}

/** One PATCH of a set-based update: the record's id (distinct within the group), body and If-Match. */
export interface RecordUpdate {
  id: string;
  body: unknown;
  ifMatch: string | undefined;
}

/** PATCHes of distinct records of one entity set → each record as updated (in request order), or its refusal. */
export async function updateRecords(
  tx: Transaction,
  entity: RecordEntity,
  companyId: string,
  updates: readonly RecordUpdate[],
  actorId: string,
): Promise<RecordOutcome[]> {
  const keyKey = keyColumnKey(entity);
  const outcomes: Array<RecordOutcome | undefined> = updates.map(() => undefined);
  const inputs = updates.map((update, i) => {
    try {
      return parseInput(entity, update.body);
    } catch (error) {
      outcomes[i] = { error };
      return undefined;
    }
  });
  const standing = inputs.flatMap((input, i) => (input ? [i] : []));
  const ids = standing.map((i) => updates[i]!.id);
  const locked =
    ids.length === 0
      ? []
      : ((await tx
          .select()
          .from(entity.table as PgTable)
          .where(and(eq(entity.table.companyId, companyId), idIn(entity.table.id, ids)))
          .orderBy(entity.table.id)
          .for('update')) as StoredRecord[]);
  const existingById = new Map(locked.map((row) => [row.id, row]));
  const toCheck: number[] = [];
  for (const i of standing) {
    const update = updates[i]!;
    const input = inputs[i]!;
    const existing = existingById.get(update.id);
    try {
      if (!existing) throw recordNotFound(entity, update.id);
      checkIfMatch(entity, update.ifMatch, existing.rowVersion);
      if (input.id && input.id !== existing.id) throw readOnlyId(entity);
      if (input.given.has(entity.keyField) && input.values[keyKey] !== existing[keyKey])
        throw keyChanged(entity, existing[keyKey]);
      toCheck.push(i);
    } catch (error) {
      outcomes[i] = { error };
    }
  }
  const refusals = await runChecks(
    tx,
    entity,
    companyId,
    toCheck.map((i) => ({
      values: inputs[i]!.values,
      existing: existingById.get(updates[i]!.id)!,
      given: inputs[i]!.given,
    })),
  );
  const rows: Array<{ index: number; id: string; values: Record<string, unknown> }> = [];
  toCheck.forEach((i, n) => {
    if (refusals[n]) {
      outcomes[i] = { error: refusals[n] };
      return;
    }
    const values = inputs[i]!.values;
    stripVirtual(values);
    rows.push({ index: i, id: updates[i]!.id, values: { ...values, id: updates[i]!.id } });
  });

  const names = columnNames(entity);
  for (const run of runsOfSameShape(rows)) {
    const { keys, json } = rowsDocument(entity, run);
    const assignments = keys
      .filter((key) => key !== 'id')
      .map((key) => sql`${sql.identifier(names[key]!)} = v.${sql.identifier(names[key]!)}`);
    const written = await writtenRecords(
      tx,
      entity,
      sql`update ${entity.table as PgTable} set ${sql.join(
        [
          ...assignments,
          sql`${sql.identifier(names.modifiedAt!)} = now()`,
          sql`${sql.identifier(names.modifiedBy!)} = ${actorId}`,
          sql`${sql.identifier(names.rowVersion!)} = ${nextRowVersion}`,
        ],
        sql`, `,
      )}
        from json_populate_recordset(null::${entity.table as PgTable}, ${json}::json) as v
        where ${entity.table.id} = v.id`,
    );
    const byId = new Map(written.map((row) => [String(row.id), toWire(row, entity.fields)]));
    for (const row of run) {
      const record = byId.get(row.id);
      if (!record) throw new Error(`The set-based update of ${entity.entitySet} missed record ${row.id}.`);
      outcomes[row.index] = { record };
    }
  }
  return outcomes as RecordOutcome[];
}
