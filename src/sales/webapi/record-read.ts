import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../platform/db/database.js';
import {
  afterRowSql,
  completeSortOrder,
  cursorSql,
  decodeSkipToken,
  encodeSkipToken,
  expandPredicate,
  filterToSql,
  orderByToSql,
  parseQueryOptions,
  type ExpandItem,
  type QueryOptions,
} from '../../platform/odata/index.js';
import { queryInvalid } from './dataverse-error.js';
import { entityBySet } from './entities.js';
import type { ExecutionScope, WebApiRequest, WebApiResponse } from './execution.js';
import {
  etagMatches,
  pageSize,
  parseEtagCondition,
  parsePreferences,
  wantsFormattedValues,
  type Preferences,
} from './prefer.js';
import { accessCondition, assertAccess, notFound, ownerColumns } from './record-access.js';
import { contextSelection, projection, recordJson, selectListSql, type Projection } from './record-format.js';
import type { ResolvedKey } from './record-key.js';
import type { SalesEntity } from './sales-entity.js';

/**
 * Reading records: one record by key, collections with $select/$filter/$orderby/$top/$count/$expand
 * and keyset paging (`Prefer: odata.maxpagesize`, `@odata.nextLink` with `$skiptoken`), and
 * `$count`. Every query carries the caller's Read access condition, so rows the caller may not read
 * do not exist for them — in counts, pages and expansions alike.
 */

export const QUERY_POLICY = { allowSkip: false, maxTop: 5000, extraSystemOptions: ['$deltatoken'] } as const;
const SQL_OPTIONS = { caseInsensitive: true };

/**
 * Dataverse's own query parameters (no `$`): each replaces the OData query with another one, so
 * ignoring them would answer a different question; clients such as dynamics-web-api send them.
 */
const UNSUPPORTED_QUERY_PARAMETERS = ['fetchXml', 'savedQuery', 'userQuery'];

export function queryOptions(entity: SalesEntity, query: URLSearchParams): QueryOptions {
  const unsupported = UNSUPPORTED_QUERY_PARAMETERS.find((name) => query.has(name));
  if (unsupported)
    throw queryInvalid(
      `The query parameter ${unsupported} is not supported. Query ${entity.entitySet} with $select, $filter, $orderby, $top and $expand.`,
    );
  return parseQueryOptions(query, entity.definition, QUERY_POLICY);
}

const JSON_HEADERS = {
  'content-type': 'application/json; odata.metadata=minimal',
  'odata-version': '4.0',
};

function preferenceApplied(prefs: Preferences, extra: string[] = []): Record<string, string> {
  const applied = [...extra];
  if (prefs.maxPageSize !== undefined) applied.push(`odata.maxpagesize=${pageSize(prefs)}`);
  if (prefs.includeAnnotations !== undefined)
    applied.push(`odata.include-annotations="${prefs.includeAnnotations}"`);
  return applied.length > 0 ? { 'preference-applied': applied.join(',') } : {};
}

function expandContext(items: readonly ExpandItem[]): string[] {
  return items.map(
    (item) =>
      `${item.navigation.name}${contextSelection(
        item.options.select?.map((p) => p.name),
        expandContext(item.options.expand),
      )}`,
  );
}

/** `<root>/$metadata#accounts(name,primarycontactid(fullname))` and the `/$entity` form for one record. */
export function contextUrl(
  scope: ExecutionScope,
  entity: SalesEntity,
  options: QueryOptions | undefined,
  single: boolean,
): string {
  const selection = options
    ? contextSelection(
        options.select?.map((p) => p.name),
        expandContext(options.expand),
      )
    : '';
  return `${scope.serviceRoot}/$metadata#${entity.entitySet}${selection}${single ? '/$entity' : ''}`;
}

const joinAlias = (i: number) => sql.raw(`"__join${i}"`);

/**
 * Adds the `$expand`ed records to a page of rows: one query per navigation for the whole page, with
 * the target's Read access condition, nested options and nested expansions.
 */
async function loadExpansions(
  scope: ExecutionScope,
  items: readonly ExpandItem[],
  rawRows: Record<string, unknown>[],
  outRows: Record<string, unknown>[],
  annotations: boolean,
): Promise<void> {
  for (const [i, item] of items.entries()) {
    const target = entityBySet(item.entity.entitySet)!;
    const locals = rawRows.map((r) => r[`__join${i}`]);
    const proj = projection(target, item.options.select, annotations);
    const where: SQL[] = [expandPredicate(item.navigation, locals), await accessCondition(scope, target)];
    if (item.options.filter) where.push(filterToSql(item.options.filter, SQL_OPTIONS));
    const nestedJoins = item.options.expand.map(
      (nested, j) => sql`${nested.navigation.join.local} as ${joinAlias(j)}`,
    );
    const order = orderByToSql(item.options.orderBy, target.definition, SQL_OPTIONS);
    const list = sql.join(
      [selectListSql(target, proj), sql`${item.navigation.join.remote} as "__remote"`, ...nestedJoins],
      sql`, `,
    );
    let query = sql`select ${list} from ${target.table} where ${sql.join(where, sql` and `)} order by ${order}`;
    if (item.navigation.kind === 'collection' && item.options.top !== undefined) {
      // $top applies per parent record: number each parent's related rows and keep the first ones.
      query = sql`select * from (select ${list}, row_number() over (partition by ${item.navigation.join.remote} order by ${order}) as "__rn"
        from ${target.table} where ${sql.join(where, sql` and `)}) ranked where "__rn" <= ${item.options.top} order by "__rn"`;
    }
    const related = await queryRows<Record<string, unknown>>(scope.ctx.db, query);
    const relatedOut = related.map((r) => recordJson(target, proj, r));
    if (item.options.expand.length > 0)
      await loadExpansions(scope, item.options.expand, related, relatedOut, annotations);
    const byRemote = new Map<unknown, Record<string, unknown>[]>();
    related.forEach((r, k) => {
      const list = byRemote.get(r.__remote) ?? [];
      list.push(relatedOut[k]!);
      byRemote.set(r.__remote, list);
    });
    rawRows.forEach((r, k) => {
      const matches = byRemote.get(r[`__join${i}`]) ?? [];
      outRows[k]![item.navigation.name] = item.navigation.kind === 'single' ? (matches[0] ?? null) : matches;
    });
  }
}

function expandJoins(options: QueryOptions): SQL[] {
  return options.expand.map((item, i) => sql`${item.navigation.join.local} as ${joinAlias(i)}`);
}

/** GET one record by key (optionally only `property`), with 304 for a matching If-None-Match. */
export async function retrieveRecord(
  scope: ExecutionScope,
  entity: SalesEntity,
  key: ResolvedKey,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const options = queryOptions(entity, request.query);
  if (
    options.filter ||
    options.orderBy.length > 0 ||
    options.top !== undefined ||
    options.count ||
    options.skipToken
  )
    return badSingleOptions(entity);
  const prefs = parsePreferences(request.headers.prefer);
  const annotations = wantsFormattedValues(prefs);
  const proj = projection(entity, options.select, annotations);
  const { owner, owningBusinessUnit } = ownerColumns(entity);
  const list = sql.join(
    [
      selectListSql(entity, proj),
      sql`${owner} as "__owner"`,
      sql`${owningBusinessUnit} as "__bu"`,
      ...expandJoins(options),
    ],
    sql`, `,
  );
  const rows = await queryRows<Record<string, unknown>>(
    scope.ctx.db,
    sql`select ${list} from ${entity.table} where ${key.condition} limit 2`,
  );
  const row = rows[0];
  if (!row) throw notFound(entity, key);
  await assertAccess(scope, entity, 'Read', {
    ownerid: row.__owner as string | null,
    owningbusinessunit: row.__bu as string | null,
  });
  const etag = `W/"${row.__version as number}"`;
  const condition = parseEtagCondition(request.headers['if-none-match']);
  // Dataverse never answers 304 for $expand or annotated requests: their content may change without the version.
  if (
    condition &&
    options.expand.length === 0 &&
    !annotations &&
    etagMatches(condition, row.__version as number)
  )
    return { status: 304, headers: { etag, 'odata-version': '4.0' } };
  const out = recordJson(entity, proj, row);
  if (options.expand.length > 0) await loadExpansions(scope, options.expand, [row], [out], annotations);
  return {
    status: 200,
    headers: { ...JSON_HEADERS, etag, ...preferenceApplied(prefs) },
    body: { '@odata.context': contextUrl(scope, entity, options, true), ...out },
  };
}

function badSingleOptions(entity: SalesEntity): never {
  throw queryInvalid(
    `$filter, $orderby, $top, $count and $skiptoken apply to collections, not to one ${entity.logicalName}; use $select and $expand, or query ${entity.entitySet} instead.`,
  );
}

/** Builds `<root>/<path>?<query with $skiptoken replaced>`, keeping the caller's other options. */
export function linkWith(
  scope: ExecutionScope,
  path: string,
  query: URLSearchParams,
  set: Record<string, string>,
  drop: string[] = [],
): string {
  const parts: string[] = [];
  for (const [name, value] of query) {
    if (name in set || drop.includes(name)) continue;
    parts.push(`${name}=${encodeURIComponent(value)}`);
  }
  for (const [name, value] of Object.entries(set)) parts.push(`${name}=${encodeURIComponent(value)}`);
  return `${scope.serviceRoot}/${path}${parts.length > 0 ? `?${parts.join('&')}` : ''}`;
}

/** GET a collection (an entity set, or the records a navigation leads to when `extraWhere` is given). */
export async function listRecords(
  scope: ExecutionScope,
  entity: SalesEntity,
  request: WebApiRequest,
  options: QueryOptions,
  extra: { where?: SQL; path: string; context?: string } = { path: entity.entitySet },
): Promise<WebApiResponse> {
  const prefs = parsePreferences(request.headers.prefer);
  const annotations = wantsFormattedValues(prefs);
  const proj = projection(entity, options.select, annotations);
  const where: SQL[] = [await accessCondition(scope, entity)];
  if (extra.where) where.push(extra.where);
  if (options.filter) where.push(filterToSql(options.filter, SQL_OPTIONS));
  const baseWhere = [...where];
  const order = completeSortOrder(options.orderBy, entity.definition);
  if (options.skipToken)
    where.push(afterRowSql(order, decodeSkipToken(options.skipToken, order), SQL_OPTIONS));
  const size = options.top !== undefined ? options.top : pageSize(prefs);
  const list = sql.join(
    [selectListSql(entity, proj), sql`${cursorSql(order)} as "__cursor"`, ...expandJoins(options)],
    sql`, `,
  );
  const rows = await queryRows<Record<string, unknown>>(
    scope.ctx.db,
    sql`select ${list} from ${entity.table} where ${sql.join(where, sql` and `)}
        order by ${orderByToSql(options.orderBy, entity.definition, SQL_OPTIONS)} limit ${size + 1}`,
  );
  // $top ends the result: Dataverse gives no next link for it.
  const more = options.top === undefined && rows.length > size;
  const page = rows.slice(0, size);
  const value = page.map((r) => recordJson(entity, proj, r));
  if (options.expand.length > 0) await loadExpansions(scope, options.expand, page, value, annotations);
  const body: Record<string, unknown> = {
    '@odata.context': extra.context ?? contextUrl(scope, entity, options, false),
  };
  if (options.count) {
    const [count] = await queryRows<{ n: number }>(
      scope.ctx.db,
      sql`select count(*)::int as n from ${entity.table} where ${sql.join(baseWhere, sql` and `)}`,
    );
    body['@odata.count'] = count!.n;
  }
  body.value = value;
  if (more) {
    const cursor = page[page.length - 1]!.__cursor as Array<string | null>;
    body['@odata.nextLink'] = linkWith(scope, extra.path, request.query, {
      $skiptoken: encodeSkipToken(order, cursor),
    });
  }
  return { status: 200, headers: { ...JSON_HEADERS, ...preferenceApplied(prefs) }, body };
}

/** GET `accounts/$count`: the number of rows the caller may read that match $filter, as plain text. */
export async function countRecords(
  scope: ExecutionScope,
  entity: SalesEntity,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const options = queryOptions(entity, request.query);
  const where: SQL[] = [await accessCondition(scope, entity)];
  if (options.filter) where.push(filterToSql(options.filter, SQL_OPTIONS));
  const [count] = await queryRows<{ n: number }>(
    scope.ctx.db,
    sql`select count(*)::int as n from ${entity.table} where ${sql.join(where, sql` and `)}`,
  );
  return {
    status: 200,
    headers: { 'content-type': 'text/plain', 'odata-version': '4.0' },
    body: String(count!.n),
    rawContentType: 'text/plain',
  };
}

export type { Projection };
