import { sql, type SQL } from 'drizzle-orm';
import type { PropertyDefinition } from './entity-model.js';
import type { OrderByItem } from './query-options.js';
import { queryError } from './query-error.js';
import { castParameter, propertySql, sortExpression, type SqlOptions } from './to-sql.js';

/**
 * Keyset ("seek") paging: the next page is the rows that sort after the last row of this page, found by
 * a predicate on the sort values instead of an OFFSET, so pages stay correct while rows are added and
 * cost the same however deep. Dataverse's `Prefer: odata.maxpagesize` and `@odata.nextLink` stand on it.
 *
 * The order must be complete (to-sql.ts completeSortOrder: the key last), so no two rows tie. Sort
 * values travel as text produced by the database itself (cursorSql), because a JS Date would cut a
 * timestamp's microseconds and a JS number a decimal's digits, and a page would then repeat rows.
 */

/** One sort value of a row, as text (null for SQL null). */
export type CursorValue = string | null;

const MAX_TOKEN_LENGTH = 16 * 1024;

function cursorText(property: PropertyDefinition): SQL {
  // to_json gives date/time values in ISO 8601 whatever the session's DateStyle; text suits the rest.
  return property.type === 'datetime' || property.type === 'date'
    ? sql`(to_json(${propertySql(property)}) #>> '{}')`
    : sql`(${propertySql(property)})::text`;
}

/**
 * A select-list expression giving a row's sort values as a JSON array of text, e.g. `["Contoso",
 * "2024-01-31T10:00:00.123456+00:00", "…key…"]`; pass the last row's array to encodeSkipToken.
 */
export function cursorSql(order: readonly OrderByItem[]): SQL {
  return sql`json_build_array(${sql.join(
    order.map((item) => cursorText(item.property)),
    sql`, `,
  )})`;
}

function fingerprint(order: readonly OrderByItem[]): string {
  return order.map((item) => `${item.property.name} ${item.direction}`).join(',');
}

/** An opaque, URL-safe token for "continue after the row with these sort values". */
export function encodeSkipToken(order: readonly OrderByItem[], values: readonly CursorValue[]): string {
  if (values.length !== order.length)
    throw new Error(`A skip token needs ${order.length} sort values, got ${values.length}.`);
  return Buffer.from(JSON.stringify({ o: fingerprint(order), v: values }), 'utf8').toString('base64url');
}

/** The sort values inside a token made by encodeSkipToken for the same order; anything else is refused. */
export function decodeSkipToken(token: string, order: readonly OrderByItem[]): CursorValue[] {
  const invalid = () =>
    queryError(
      '$skiptoken',
      'The $skiptoken is not valid for this query. Use the @odata.nextLink of the previous page unchanged, or start again from the first page.',
    );
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]*$/.test(token)) throw invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { o, v } = (payload ?? {}) as { o?: unknown; v?: unknown };
  if (
    o !== fingerprint(order) ||
    !Array.isArray(v) ||
    v.length !== order.length ||
    !v.every((value) => value === null || typeof value === 'string')
  )
    throw invalid();
  return v as CursorValue[];
}

/**
 * WHERE fragment selecting the rows after the row whose sort values are `values`, under the order
 * to-sql.ts produces (nulls first ascending, last descending). For sort keys k1…kn it is the OR over i
 * of (k1 = v1 and … and k(i-1) = v(i-1) and ki after vi).
 */
export function afterRowSql(
  order: readonly OrderByItem[],
  values: readonly CursorValue[],
  options: SqlOptions,
): SQL {
  if (values.length !== order.length)
    throw new Error(`The row has ${values.length} sort values but the order has ${order.length}.`);
  const expression = order.map((item) => sortExpression(item.property, options));
  const parameter = (i: number): SQL => {
    const property = order[i]!.property;
    const cast = castParameter(values[i]!, property.type);
    return options.caseInsensitive && property.type === 'string' ? sql`lower(${cast})` : cast;
  };
  const equal = (i: number): SQL =>
    values[i] === null ? sql`${expression[i]} is null` : sql`${expression[i]} = ${parameter(i)}`;
  const after = (i: number): SQL | undefined => {
    const ascending = order[i]!.direction === 'asc';
    if (values[i] === null) return ascending ? sql`${expression[i]} is not null` : undefined;
    return ascending
      ? sql`${expression[i]} > ${parameter(i)}`
      : sql`(${expression[i]} < ${parameter(i)} or ${expression[i]} is null)`;
  };
  const branches: SQL[] = [];
  for (let i = 0; i < order.length; i++) {
    const last = after(i);
    if (!last) continue;
    const prefix = Array.from({ length: i }, (_, j) => equal(j));
    branches.push(sql`(${sql.join([...prefix, last], sql` and `)})`);
  }
  return branches.length === 0 ? sql`false` : sql`(${sql.join(branches, sql` or `)})`;
}
