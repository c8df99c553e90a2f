import { z } from 'zod';
import { desc, sql } from 'drizzle-orm';
import { queryRows, type Queryable, type Transaction } from '../../platform/db/database.js';
import {
  filterToSql,
  orderByToSql,
  parseQueryOptions,
  type EntityDefinition,
  type QueryOptions,
} from '../../platform/odata/index.js';
import { MAX_CHANGES_PAGE, readChanges } from '../change-feed.js';
import { createCompany, findCompany, type CompanyRow } from '../companies.js';
import type { Caller, ErpContext } from '../context.js';
import { RECORD_ENTITIES, EXPANDABLE } from '../entities.js';
import { erpError } from '../errors.js';
import { allows, OBJECT_CAPTIONS, PERMISSION_SETS, type ErpObject, type Right } from '../permission-sets.js';
import type { RecordEntity } from '../record-entity.js';
import {
  createRecord,
  deleteRecord,
  etagOf,
  findRecord,
  getRecord,
  listRecords,
  recordNotFound,
  SQL_OPTIONS,
  updateRecord,
  type WireRecord,
} from '../records.js';
import { auditLog, companies } from '../schema.js';
import {
  assignPermissionSet,
  getUser,
  listUsers,
  registerApplication,
  removePermissionSet,
} from '../users.js';
import { withCompanyWrite } from '../write-lock.js';
import { parseODataPath, type PathSegment } from './odata-path.js';

/**
 * The ERP API as one function from request to response, so plain HTTP calls and the requests inside
 * a $batch go through exactly the same code (and an atomic batch can pass its transaction in).
 * Routes: Business Central API v2.0 under /api/v2.0/, the change feed under /api/tandem/sync/v1.0/,
 * user and permission administration under /api/tandem/admin/v1.0/.
 */

export interface ErpRequest {
  method: string;
  /** Path and query, e.g. `/api/v2.0/companies(…)/customers?$top=5`. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface ErpResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface DispatchDeps {
  ctx: ErpContext;
  /** Largest page of a collection (BC's default is 20,000). */
  maxPageSize: number;
}

const RIGHT_OF: Record<string, Right> = {
  GET: 'read',
  POST: 'insert',
  PATCH: 'modify',
  PUT: 'modify',
  DELETE: 'delete',
};
const RIGHT_CAPTION: Record<Right, string> = {
  read: 'Read',
  insert: 'Insert',
  modify: 'Modify',
  delete: 'Delete',
};
const JSON_HEADERS = {
  'content-type': 'application/json; odata.metadata=minimal; charset=utf-8',
  'odata-version': '4.0',
};

/** Refuses a call the caller's permission sets do not allow, naming the object, the right and the fix. */
export function requirePermission(caller: Caller, object: ErpObject, right: Right): void {
  if (allows(caller.permissionSets, object, right)) return;
  const holders = PERMISSION_SETS.filter((s) => s.permissions[object]?.includes(right)).map((s) => s.code);
  throw erpError(
    'Forbidden',
    'Authorization_InsufficientPermissions',
    `Sorry, the current permissions prevented the action. (TableData ${OBJECT_CAPTIONS[object]} ${RIGHT_CAPTION[right]}) User ${caller.name} has ${
      caller.permissionSets.length
        ? `the permission sets ${caller.permissionSets.join(', ')}`
        : 'no permission sets'
    }; a SUPER user can assign one that allows it (${holders.join(', ')}).`,
  );
}

function methodNotAllowed(method: string, what: string) {
  return erpError(
    'MethodNotAllowed',
    'BadRequest_MethodNotAllowed',
    `'${method}' requests for '${what}' are not allowed.`,
  );
}

function resourceNotFound(segment: string) {
  return erpError(
    'NotFound',
    'BadRequest_ResourceNotFound',
    `Resource not found for the segment '${segment}'. The ERP API offers companies, ${RECORD_ENTITIES.map((e) => e.entitySet).join(', ')} and generalLedgerSetup under /api/v2.0/companies({id})/.`,
  );
}

export function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  return q < 0
    ? { path: url, query: new URLSearchParams() }
    : { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

async function inTransaction<T>(
  deps: DispatchDeps,
  tx: Transaction | undefined,
  work: (tx: Transaction) => Promise<T>,
) {
  return tx ? work(tx) : deps.ctx.db.transaction(work);
}

// ---- companies ------------------------------------------------------------------------------------

export const companyEntity: EntityDefinition = {
  entitySet: 'companies',
  key: 'id',
  properties: [
    { name: 'id', column: companies.id, type: 'guid', nullable: false },
    { name: 'name', column: companies.name, type: 'string', nullable: false },
    { name: 'displayName', column: companies.displayName, type: 'string', nullable: false },
    { name: 'businessProfileId', column: companies.businessProfileId, type: 'string', nullable: false },
    { name: 'systemCreatedAt', column: companies.createdAt, type: 'datetime', nullable: false },
    { name: 'systemModifiedAt', column: companies.modifiedAt, type: 'datetime', nullable: false },
  ],
};

function companyWire(row: CompanyRow): Record<string, unknown> {
  return {
    '@odata.etag': etagOf(row.rowVersion),
    id: row.id,
    systemVersion: 'Tandem',
    timestamp: row.rowVersion,
    name: row.name,
    displayName: row.displayName,
    businessProfileId: row.businessProfileId,
    systemCreatedAt: row.createdAt.toISOString(),
    systemCreatedBy: row.createdBy,
    systemModifiedAt: row.modifiedAt.toISOString(),
    systemModifiedBy: row.modifiedBy,
  };
}

export const newCompanyBody = z.strictObject({
  id: z.string().uuid().optional(),
  name: z.string(),
  displayName: z.string().optional(),
  localCurrencyCode: z.string().optional(),
});

function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || what, message: i.message }));
  throw erpError(
    'BadRequest',
    'BadRequest',
    `Invalid Request Body for ${what}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}.`,
    { problems },
  );
}

export async function requireCompany(q: Queryable, id: string): Promise<CompanyRow> {
  const company = await findCompany(q, id);
  if (!company)
    throw erpError(
      'NotFound',
      'Internal_CompanyNotFound',
      `Cannot process the request because company '${id}' cannot be found. GET /api/v2.0/companies lists the companies and their ids.`,
    );
  return company;
}

// ---- record responses -------------------------------------------------------------------------------

function entityJson(
  record: WireRecord,
  expanded?: Record<string, WireRecord | null>,
): Record<string, unknown> {
  const json: Record<string, unknown> = { '@odata.etag': etagOf(record.rowVersion), ...record.values };
  for (const [name, related] of Object.entries(expanded ?? {}))
    json[name] = related ? { '@odata.etag': etagOf(related.rowVersion), ...related.values } : null;
  return json;
}

function nextLink(
  deps: DispatchDeps,
  path: string,
  query: URLSearchParams,
  skipToken: string,
  pageSize: number,
  options: QueryOptions,
) {
  const next = new URLSearchParams(query);
  next.delete('$skip');
  next.set('$skiptoken', skipToken);
  if (options.top !== undefined) next.set('$top', String(options.top - pageSize));
  return `${deps.ctx.config.publicUrl}${path}?${next.toString().replace(/%24/g, '$')}`;
}

/** The entities an $expand brings in, each needing read permission of its own. */
function expansions(caller: Caller, options: QueryOptions): Record<string, RecordEntity> {
  const expandEntities: Record<string, RecordEntity> = {};
  for (const item of options.expand) {
    const target = EXPANDABLE[item.navigation.name]!;
    requirePermission(caller, target.object, 'read');
    expandEntities[item.navigation.name] = target;
  }
  return expandEntities;
}

async function recordCollection(
  deps: DispatchDeps,
  q: Queryable,
  request: ErpRequest,
  caller: Caller,
  entity: RecordEntity,
  companyId: string,
  path: string,
  query: URLSearchParams,
): Promise<ErpResponse> {
  const options = parseQueryOptions(query, entity.odata, { allowSkip: true });
  const expandEntities = expansions(caller, options);
  const pageSize = preferredPageSize(request, deps.maxPageSize);
  const result = await listRecords(q, entity, companyId, options, pageSize, expandEntities);
  const body: Record<string, unknown> = {
    '@odata.context': `${deps.ctx.config.publicUrl}/api/v2.0/$metadata#companies(${companyId})/${entity.entitySet}`,
  };
  if (result.count !== undefined) body['@odata.count'] = result.count;
  body.value = result.records.map((r, i) => entityJson(r, result.expanded[i]));
  if (result.nextSkipToken)
    body['@odata.nextLink'] = nextLink(
      deps,
      path,
      query,
      result.nextSkipToken,
      result.records.length,
      options,
    );
  const applied: Record<string, string> =
    pageSize < deps.maxPageSize ? { 'preference-applied': `odata.maxpagesize=${pageSize}` } : {};
  return { status: 200, headers: { ...JSON_HEADERS, ...applied }, body };
}

/** `Prefer: odata.maxpagesize=N` (as BC honours it) lowers the page size below the server's maximum. */
function preferredPageSize(request: ErpRequest, max: number): number {
  const match = /odata\.maxpagesize\s*=\s*(\d{1,9})/i.exec(request.headers.prefer ?? '');
  const wanted = match ? Number(match[1]) : max;
  return Math.max(1, Math.min(max, wanted));
}

export function singleResponse(
  deps: DispatchDeps,
  status: number,
  entity: RecordEntity,
  companyId: string,
  record: WireRecord,
  expanded?: Record<string, WireRecord | null>,
): ErpResponse {
  const location = `${deps.ctx.config.publicUrl}/api/v2.0/companies(${companyId})/${entity.entitySet}(${String(record.values.id)})`;
  return {
    status,
    headers: {
      ...JSON_HEADERS,
      etag: etagOf(record.rowVersion),
      ...(status === 201 ? { location } : {}),
    },
    body: {
      '@odata.context': `${deps.ctx.config.publicUrl}/api/v2.0/$metadata#companies(${companyId})/${entity.entitySet}/$entity`,
      ...entityJson(record, expanded),
    },
  };
}

async function recordRequest(
  deps: DispatchDeps,
  caller: Caller,
  request: ErpRequest,
  companyId: string,
  segment: PathSegment,
  path: string,
  query: URLSearchParams,
  tx: Transaction | undefined,
): Promise<ErpResponse> {
  const entity = RECORD_ENTITIES.find((e) => e.entitySet === segment.name);
  if (!entity) throw resourceNotFound(segment.name);
  const method = request.method;
  const right = RIGHT_OF[method];
  if (!right) throw methodNotAllowed(method, entity.entitySet);
  requirePermission(caller, entity.object, right);
  const q: Queryable = tx ?? deps.ctx.db;
  // A read names the company in its own query (no rows for a company that does not exist), so the
  // company is looked up only when the read finds nothing or fails, to answer as before: the
  // company's 404 comes first. Writes check it up front (they lock it and draw its numbers).
  if (method === 'GET') {
    let read: Read;
    try {
      read = await readRecords(deps, request, caller, entity, companyId, segment, path, query, q);
    } catch (error) {
      await requireCompany(q, companyId);
      throw error;
    }
    if (read.found) return read.response;
    await requireCompany(q, companyId);
    if (read.response) return read.response; // an empty page of a company that is there
    throw recordNotFound(entity, segment.key!);
  }
  await requireCompany(q, companyId);

  if (segment.key === undefined) {
    if (method === 'POST') {
      const record = await withCompanyWrite(q, companyId, async (t) => {
        const id = await createRecord(t, entity, companyId, request.body, caller.actorId);
        return getRecord(t, entity, companyId, id);
      });
      return singleResponse(deps, 201, entity, companyId, record);
    }
    throw methodNotAllowed(
      method,
      `${entity.entitySet} (a collection; address one record as ${entity.entitySet}({id}))`,
    );
  }
  const id = segment.key;
  switch (method) {
    case 'PATCH':
    case 'PUT': {
      const record = await withCompanyWrite(q, companyId, async (t) => {
        await updateRecord(
          t,
          entity,
          companyId,
          id,
          request.body,
          request.headers['if-match'],
          caller.actorId,
        );
        return getRecord(t, entity, companyId, id);
      });
      return singleResponse(deps, 200, entity, companyId, record);
    }
    case 'DELETE':
      await withCompanyWrite(q, companyId, (t) =>
        deleteRecord(t, entity, companyId, id, request.headers['if-match'], caller.actorId),
      );
      return { status: 204, headers: {} };
    default:
      throw methodNotAllowed(method, `${entity.entitySet}({id})`);
  }
}

/** What a GET read: `found` is false for a missing record (no response) or an empty page. */
type Read = { found: true; response: ErpResponse } | { found: false; response?: ErpResponse };

/**
 * A GET of a record or a collection. Whether anything was found lets the caller tell a missing
 * company from a missing record or an empty page without looking the company up on every read.
 */
async function readRecords(
  deps: DispatchDeps,
  request: ErpRequest,
  caller: Caller,
  entity: RecordEntity,
  companyId: string,
  segment: PathSegment,
  path: string,
  query: URLSearchParams,
  q: Queryable,
): Promise<Read> {
  if (segment.key === undefined) {
    const response = await recordCollection(deps, q, request, caller, entity, companyId, path, query);
    return { found: (response.body as { value: unknown[] }).value.length > 0, response };
  }
  const id = segment.key;
  const options =
    query.has('$select') || query.has('$expand')
      ? parseQueryOptions(query, entity.odata, { allowSkip: true })
      : undefined;
  if (!options) {
    const record = await findRecord(q, entity, companyId, id);
    return record
      ? { found: true, response: singleResponse(deps, 200, entity, companyId, record) }
      : { found: false };
  }
  const expandEntities = expansions(caller, options);
  const result = await listRecords(
    q,
    entity,
    companyId,
    {
      ...options,
      filter: undefined,
      skipToken: undefined,
      skip: undefined,
      top: undefined,
      count: false,
      orderBy: [],
    },
    1,
    expandEntities,
    sql`${entity.table.id} = ${id}::uuid`,
  );
  const record = result.records[0];
  return record
    ? { found: true, response: singleResponse(deps, 200, entity, companyId, record, result.expanded[0]) }
    : { found: false };
}

async function companiesRequest(
  deps: DispatchDeps,
  caller: Caller,
  request: ErpRequest,
  key: string | undefined,
  query: URLSearchParams,
  tx: Transaction | undefined,
): Promise<ErpResponse> {
  const q: Queryable = tx ?? deps.ctx.db;
  const context = `${deps.ctx.config.publicUrl}/api/v2.0/$metadata#companies`;
  if (request.method === 'GET') {
    requirePermission(caller, 'company', 'read');
    if (key !== undefined) {
      const company = await requireCompany(q, key);
      return {
        status: 200,
        headers: { ...JSON_HEADERS, etag: etagOf(company.rowVersion) },
        body: { '@odata.context': `${context}/$entity`, ...companyWire(company) },
      };
    }
    const options = parseQueryOptions(query, companyEntity, { allowSkip: true });
    const where = options.filter ? filterToSql(options.filter, SQL_OPTIONS) : sql`true`;
    const rows = await queryRows<{ id: string }>(
      q,
      sql`select ${companies.id} as id from ${companies} where ${where}
        order by ${orderByToSql(options.orderBy, companyEntity, SQL_OPTIONS)}
        limit ${options.top ?? deps.maxPageSize} offset ${options.skip ?? 0}`,
    );
    const all = new Map((await q.select().from(companies)).map((c) => [c.id, c]));
    const select = options.select ? new Set(['id', ...options.select.map((p) => p.name)]) : undefined;
    const value = rows.map((r) => {
      const wire = companyWire(all.get(r.id)!);
      return select
        ? Object.fromEntries(Object.entries(wire).filter(([k]) => k === '@odata.etag' || select.has(k)))
        : wire;
    });
    return { status: 200, headers: JSON_HEADERS, body: { '@odata.context': context, value } };
  }
  if (request.method === 'POST' && key === undefined) {
    requirePermission(caller, 'company', 'insert');
    const body = parseBody(newCompanyBody, request.body, 'company');
    const company = await inTransaction(deps, tx, (t) =>
      createCompany(
        t,
        {
          name: body.name,
          ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
          lcyCode: body.localCurrencyCode ?? deps.ctx.config.localCurrency,
          ...(body.id ? { id: body.id.toLowerCase() } : {}),
        },
        { id: caller.actorId, name: caller.name },
      ),
    );
    return {
      status: 201,
      headers: { ...JSON_HEADERS, etag: etagOf(company.rowVersion) },
      body: { '@odata.context': `${context}/$entity`, ...companyWire(company) },
    };
  }
  throw methodNotAllowed(request.method, key === undefined ? 'companies' : 'companies({id})');
}

async function generalLedgerSetup(
  deps: DispatchDeps,
  caller: Caller,
  request: ErpRequest,
  companyId: string,
  q: Queryable,
) {
  if (request.method !== 'GET') throw methodNotAllowed(request.method, 'generalLedgerSetup');
  requirePermission(caller, 'generalLedgerSetup', 'read');
  const company = await requireCompany(q, companyId);
  const [lcy] = await queryRows<{ symbol: string }>(
    q,
    sql`select symbol from erp.currencies where company_id = ${companyId}::uuid and code = ${company.lcyCode}`,
  );
  return {
    status: 200,
    headers: JSON_HEADERS,
    body: {
      '@odata.context': `${deps.ctx.config.publicUrl}/api/v2.0/$metadata#companies(${companyId})/generalLedgerSetup`,
      value: [
        {
          '@odata.etag': etagOf(company.rowVersion),
          id: company.id,
          allowPostingFrom: '0001-01-01',
          allowPostingTo: '0001-01-01',
          additionalReportingCurrency: '',
          localCurrencyCode: company.lcyCode,
          localCurrencySymbol: lcy?.symbol ?? '',
          lastModifiedDateTime: company.modifiedAt.toISOString(),
        },
      ],
    },
  };
}

async function v2(
  deps: DispatchDeps,
  caller: Caller,
  request: ErpRequest,
  segments: PathSegment[],
  path: string,
  query: URLSearchParams,
  tx: Transaction | undefined,
): Promise<ErpResponse> {
  const [first, second, ...rest] = segments;
  if (!first || first.name !== 'companies') throw resourceNotFound(first?.name ?? '');
  if (!second) return companiesRequest(deps, caller, request, first.key, query, tx);
  if (first.key === undefined)
    throw erpError(
      'BadRequest',
      'BadRequest_InvalidRequestUrl',
      `Name the company in the URL: /api/v2.0/companies({id})/${second.name}. GET /api/v2.0/companies lists the ids.`,
    );
  if (rest.length) throw resourceNotFound(rest[0]!.name);
  if (second.name === 'generalLedgerSetup')
    return generalLedgerSetup(deps, caller, request, first.key, tx ?? deps.ctx.db);
  return recordRequest(deps, caller, request, first.key, second, path, query, tx);
}

// ---- change feed ----------------------------------------------------------------------------------

async function sync(
  deps: DispatchDeps,
  caller: Caller,
  request: ErpRequest,
  segments: PathSegment[],
  path: string,
  query: URLSearchParams,
  tx: Transaction | undefined,
): Promise<ErpResponse> {
  const [first, second] = segments;
  if (
    segments.length !== 2 ||
    first?.name !== 'companies' ||
    first.key === undefined ||
    second?.name !== 'changes' ||
    second.key !== undefined
  )
    throw erpError(
      'NotFound',
      'BadRequest_ResourceNotFound',
      'The change feed is GET /api/tandem/sync/v1.0/companies({id})/changes?entity=customers&after=<rowVersion>&top=<n>.',
    );
  if (request.method !== 'GET') throw methodNotAllowed(request.method, 'changes');
  requirePermission(caller, 'changeFeed', 'read');
  const entitySet = query.get('entity') ?? '';
  const entity = RECORD_ENTITIES.find((e) => e.entitySet === entitySet);
  if (!entity)
    throw erpError(
      'BadRequest',
      'BadRequest',
      `Query parameter entity='${entitySet}' is not one of ${RECORD_ENTITIES.map((e) => e.entitySet).join(', ')}.`,
    );
  requirePermission(caller, entity.object, 'read');
  const whole = (name: string, fallback: number, max: number) => {
    const text = query.get(name);
    if (text === null) return fallback;
    if (!/^\d{1,15}$/.test(text) || Number(text) > max)
      throw erpError(
        'BadRequest',
        'BadRequest',
        `Query parameter ${name}='${text}' must be a whole number from 0 to ${max}.`,
      );
    return Number(text);
  };
  const after = whole('after', 0, Number.MAX_SAFE_INTEGER);
  const top = Math.max(1, whole('top', 1000, MAX_CHANGES_PAGE));
  const q: Queryable = tx ?? deps.ctx.db;
  await requireCompany(q, first.key);
  const { changes, more } = await readChanges(q, entity, first.key, after, top);
  const last = changes.length ? changes[changes.length - 1]!.rowVersion : after;
  const body: Record<string, unknown> = {
    '@odata.context': `${deps.ctx.config.publicUrl}/api/tandem/sync/v1.0/$metadata#changes`,
    value: changes,
    lastRowVersion: last,
  };
  if (more) {
    const next = new URLSearchParams(query);
    next.set('after', String(last));
    body['@odata.nextLink'] = `${deps.ctx.config.publicUrl}${path}?${next.toString()}`;
  }
  return { status: 200, headers: JSON_HEADERS, body };
}

// ---- administration -------------------------------------------------------------------------------

export const assignBody = z.strictObject({ permissionSet: z.string().min(1) });
export const applicationBody = z.strictObject({
  applicationId: z.string(),
  displayName: z.string().max(100).default(''),
  permissionSets: z.array(z.string()).max(10).optional(),
});

async function admin(
  deps: DispatchDeps,
  caller: Caller,
  request: ErpRequest,
  segments: PathSegment[],
  tx: Transaction | undefined,
): Promise<ErpResponse> {
  const q: Queryable = tx ?? deps.ctx.db;
  const base = `${deps.ctx.config.publicUrl}/api/tandem/admin/v1.0/$metadata`;
  const [first, second, third] = segments;
  const m = request.method;
  if (first?.name === 'permissionSets' && !second && first.key === undefined && m === 'GET') {
    requirePermission(caller, 'user', 'read');
    return {
      status: 200,
      headers: JSON_HEADERS,
      body: {
        '@odata.context': `${base}#permissionSets`,
        value: PERMISSION_SETS.map((s) => ({ roleId: s.code, name: s.name, permissions: s.permissions })),
      },
    };
  }
  if (first?.name === 'auditLog' && !second && m === 'GET') {
    requirePermission(caller, 'auditLog', 'read');
    const rows = await q.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1000);
    return {
      status: 200,
      headers: JSON_HEADERS,
      body: { '@odata.context': `${base}#auditLog`, value: rows },
    };
  }
  if (first?.name === 'applications' && first.key === undefined && !second && m === 'POST') {
    requirePermission(caller, 'user', 'insert');
    const body = parseBody(applicationBody, request.body, 'application');
    const user = await inTransaction(deps, tx, (t) =>
      registerApplication(t, caller, {
        applicationId: body.applicationId,
        displayName: body.displayName,
        ...(body.permissionSets ? { permissionSets: body.permissionSets } : {}),
      }),
    );
    return {
      status: 201,
      headers: JSON_HEADERS,
      body: { '@odata.context': `${base}#users/$entity`, ...user },
    };
  }
  if (first?.name === 'users') {
    if (!second) {
      if (m !== 'GET') throw methodNotAllowed(m, 'users');
      requirePermission(caller, 'user', 'read');
      if (first.key === undefined)
        return {
          status: 200,
          headers: JSON_HEADERS,
          body: { '@odata.context': `${base}#users`, value: await listUsers(q) },
        };
      return {
        status: 200,
        headers: JSON_HEADERS,
        body: { '@odata.context': `${base}#users/$entity`, ...(await getUser(q, first.key)) },
      };
    }
    if (first.key !== undefined && second.name === 'permissionSets' && !third) {
      if (second.key === undefined && m === 'POST') {
        requirePermission(caller, 'permissionAssignment', 'insert');
        const body = parseBody(assignBody, request.body, 'permission set assignment');
        const user = await inTransaction(deps, tx, (t) =>
          assignPermissionSet(t, caller, first.key!, body.permissionSet),
        );
        return {
          status: 201,
          headers: JSON_HEADERS,
          body: { '@odata.context': `${base}#users/$entity`, ...user },
        };
      }
      if (second.key !== undefined && m === 'DELETE') {
        requirePermission(caller, 'permissionAssignment', 'delete');
        await inTransaction(deps, tx, (t) => removePermissionSet(t, caller, first.key!, second.key!));
        return { status: 204, headers: {} };
      }
      throw methodNotAllowed(
        m,
        second.key === undefined ? 'users({id})/permissionSets' : "users({id})/permissionSets('CODE')",
      );
    }
  }
  throw erpError(
    'NotFound',
    'BadRequest_ResourceNotFound',
    "The administration API offers users, users({id})/permissionSets, users({id})/permissionSets('CODE'), applications, permissionSets and auditLog.",
  );
}

// ---- entry point ----------------------------------------------------------------------------------

export const API_ROOTS = {
  v2: '/api/v2.0/',
  sync: '/api/tandem/sync/v1.0/',
  admin: '/api/tandem/admin/v1.0/',
} as const;

/** Runs one ERP API request as `caller`; inside `tx` when part of an atomic batch. */
export async function dispatch(
  deps: DispatchDeps,
  caller: Caller,
  request: ErpRequest,
  tx?: Transaction,
): Promise<ErpResponse> {
  const { path, query } = splitUrl(request.url);
  for (const [root, prefix] of Object.entries(API_ROOTS)) {
    if (!(path + '/').startsWith(prefix) && path !== prefix.slice(0, -1)) continue;
    const segments = parseODataPath(path.slice(prefix.length - 1));
    if (root === 'v2') return v2(deps, caller, request, segments, path, query, tx);
    if (root === 'sync') return sync(deps, caller, request, segments, path, query, tx);
    return admin(deps, caller, request, segments, tx);
  }
  throw erpError(
    'NotFound',
    'BadRequest_ResourceNotFound',
    `No ERP API at ${path}. The APIs are ${Object.values(API_ROOTS).join(', ')}.`,
  );
}
