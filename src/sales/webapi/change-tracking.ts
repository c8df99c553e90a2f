import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Database } from '../../platform/db/database.js';
import type { QueryOptions } from '../../platform/odata/index.js';
import { accessPredicate } from '../security/privileges.js';
import { deletedRecords } from '../schema.js';
import { queryInvalid } from './dataverse-error.js';
import type { ExecutionScope, WebApiRequest, WebApiResponse } from './execution.js';
import { pageSize, parsePreferences, wantsFormattedValues } from './prefer.js';
import { accessCondition } from './record-access.js';
import { projection, recordJson, selectListSql } from './record-format.js';
import { contextUrl, linkWith } from './record-read.js';
import type { SalesEntity } from './sales-entity.js';

/**
 * Change tracking (`Prefer: odata.track-changes`): the first request returns the records and a
 * `@odata.deltaLink`; following it returns what changed since — new and updated records, and
 * `$deletedEntity` entries for deleted ones. Tokens carry a versionnumber watermark, never a time:
 * Sales writes commit in version order (the write lock, write-lock.ts), so every change after the
 * watermark has a larger version, and none is skipped. Long results page with `odata.maxpagesize`
 * like queries do; the last page carries the delta link.
 */

const TRACKED_SKIPTOKEN = /^ct!(\d+)!(\d+)!([01])$/;

/** Whether a request asks for change tracking (the Prefer header, a delta token, or a tracked page token). */
export function isTrackedRequest(request: WebApiRequest, options: QueryOptions): boolean {
  return (
    parsePreferences(request.headers.prefer).trackChanges ||
    options.extra.$deltatoken !== undefined ||
    (options.skipToken !== undefined && TRACKED_SKIPTOKEN.test(options.skipToken))
  );
}

/**
 * The highest version committed: taken under the Sales write lock (shared), so no transaction holds
 * a smaller version uncommitted at that moment.
 */
async function watermark(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(7246020)`);
    const [row] = await queryRows<{ last_value: number | string; is_called: boolean }>(
      tx,
      sql`select last_value, is_called from sales.version`,
    );
    return row!.is_called ? Number(row!.last_value) : 0;
  });
}

interface Change {
  version: number;
  json: Record<string, unknown>;
}

export async function trackedList(
  scope: ExecutionScope,
  entity: SalesEntity,
  request: WebApiRequest,
  options: QueryOptions,
): Promise<WebApiResponse> {
  if (!entity.changeTracking)
    throw queryInvalid(
      `Change tracking is not enabled for ${entity.entitySet}; query it without Prefer: odata.track-changes.`,
    );
  if (
    options.filter ||
    options.orderBy.length > 0 ||
    options.expand.length > 0 ||
    options.top !== undefined ||
    options.count
  )
    throw queryInvalid(
      'Change tracking does not support $filter, $orderby, $expand, $top or $count. Request the changes with $select only, and filter them in your application.',
    );
  const prefs = parsePreferences(request.headers.prefer);
  const size = pageSize(prefs);
  let after: number;
  let to: number;
  let includeDeletes: boolean;
  const paged = options.skipToken ? TRACKED_SKIPTOKEN.exec(options.skipToken) : null;
  if (options.skipToken && !paged)
    throw queryInvalid(
      'The $skiptoken is not valid for change tracking. Follow the @odata.nextLink of the previous page unchanged.',
    );
  const delta = options.extra.$deltatoken;
  if (paged) {
    after = Number(paged[1]);
    to = Number(paged[2]);
    includeDeletes = paged[3] === '1';
  } else if (delta !== undefined) {
    if (!/^\d{1,15}$/.test(delta))
      throw queryInvalid(
        `The $deltatoken '${delta}' is not valid. Use the @odata.deltaLink of an earlier response unchanged, or start again with Prefer: odata.track-changes.`,
      );
    after = Number(delta);
    to = await watermark(scope.ctx.db);
    includeDeletes = true;
  } else {
    after = 0;
    to = await watermark(scope.ctx.db);
    // The first request lists the records that exist; deletions matter only from then on.
    includeDeletes = false;
  }
  const proj = projection(entity, options.select, wantsFormattedValues(prefs));
  const range = (column: SQL) => sql`${column} > ${after} and ${column} <= ${to}`;
  const rows = await queryRows<Record<string, unknown>>(
    scope.ctx.db,
    sql`select ${selectListSql(entity, proj)} from ${entity.table}
        where ${await accessCondition(scope, entity)} and ${range(sql`${entity.versionColumn}`)}
        order by ${entity.versionColumn} limit ${size + 1}`,
  );
  const changes: Change[] = rows.map((r) => ({
    version: r.__version as number,
    json: recordJson(entity, proj, r),
  }));
  if (includeDeletes) {
    const access = await accessPredicate(scope.ctx, scope.caller, entity.securedTable, 'Read', {
      owner: deletedRecords.ownerid,
      owningBusinessUnit: deletedRecords.owningbusinessunit,
    });
    const deleted = await queryRows<{ id: string; version: number | string }>(
      scope.ctx.db,
      sql`select ${deletedRecords.objectid} as id, ${deletedRecords.versionnumber} as version from ${deletedRecords}
          where ${deletedRecords.entitylogicalname} = ${entity.logicalName} and ${access} and ${range(sql`${deletedRecords.versionnumber}`)}
          order by ${deletedRecords.versionnumber} limit ${size + 1}`,
    );
    for (const d of deleted)
      changes.push({
        version: Number(d.version),
        json: {
          '@odata.context': `${scope.serviceRoot}/$metadata#${entity.entitySet}/$deletedEntity`,
          id: d.id,
          reason: 'deleted',
        },
      });
    changes.sort((a, b) => a.version - b.version);
  }
  const page = changes.slice(0, size);
  const body: Record<string, unknown> = {
    '@odata.context':
      contextUrl(scope, entity, options, false) + (delta !== undefined || paged ? '/$delta' : ''),
    value: page.map((c) => c.json),
  };
  const path = entity.entitySet;
  if (changes.length > size) {
    const last = page[page.length - 1]!.version;
    body['@odata.nextLink'] = linkWith(
      scope,
      path,
      request.query,
      { $skiptoken: `ct!${last}!${to}!${includeDeletes ? 1 : 0}` },
      ['$deltatoken'],
    );
  } else {
    body['@odata.deltaLink'] = linkWith(scope, path, request.query, { $deltatoken: String(to) }, [
      '$skiptoken',
    ]);
  }
  const applied = ['odata.track-changes'];
  if (prefs.maxPageSize !== undefined) applied.push(`odata.maxpagesize=${size}`);
  return {
    status: 200,
    headers: {
      'content-type': 'application/json; odata.metadata=minimal',
      'odata-version': '4.0',
      'preference-applied': applied.join(','),
    },
    body,
  };
}
