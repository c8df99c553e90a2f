import { sql } from 'drizzle-orm';
import { AppError } from '../../platform/http/app-error.js';
import { queryRows } from '../../platform/db/database.js';
import { findNavigation } from '../../platform/odata/index.js';
import { trackedList, isTrackedRequest } from './change-tracking.js';
import { DataverseError, queryInvalid, resourceNotFound, toDataverseError } from './dataverse-error.js';
import { allEntities, entityBySet } from './entities.js';
import type { ExecutionScope, WebApiRequest, WebApiResponse } from './execution.js';
import { metadataDocument } from './metadata.js';
import { assertAccess, findRecordHead, notFound } from './record-access.js';
import { resolveKey, type ResolvedKey } from './record-key.js';
import { countRecords, listRecords, queryOptions, retrieveRecord } from './record-read.js';
import { createRecord, deleteRecord, upsertRecord, writeProperty } from './record-write.js';
import { parseResourcePath, type PathSegment } from './resource-path.js';
import { associate, disassociate, listUserRoles, ROLE_ASSOCIATION } from './role-association.js';
import type { SalesEntity } from './sales-entity.js';
import { organization } from '../schema.js';

/**
 * Routes one Web API request (from HTTP or from inside a $batch) to its handler by the shape of its
 * path, and turns every failure into the Dataverse error response. Names are matched exactly, as
 * Dataverse does: `Account` is "Resource not found for the segment 'Account'."
 */

function methodNotAllowed(request: WebApiRequest, what: string): DataverseError {
  return new DataverseError(
    'MethodNotAllowed',
    '0x80060888',
    `No HTTP resource was found that matches the request URI '${request.path}' for ${request.method}: ${what}`,
  );
}

async function whoAmI(scope: ExecutionScope): Promise<WebApiResponse> {
  const [org] = await queryRows<{ id: string }>(
    scope.ctx.db,
    sql`select ${organization.organizationid} as id from ${organization} limit 1`,
  );
  return {
    status: 200,
    headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' },
    body: {
      '@odata.context': `${scope.serviceRoot}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: scope.caller.businessUnitId,
      UserId: scope.caller.systemUserId,
      OrganizationId: org?.id ?? null,
    },
  };
}

function serviceDocument(scope: ExecutionScope): WebApiResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' },
    body: {
      '@odata.context': `${scope.serviceRoot}/$metadata`,
      value: allEntities().map((e) => ({ name: e.entitySet, kind: 'EntitySet', url: e.entitySet })),
    },
  };
}

/** GET of a navigation from one record: the related record(s) the caller may read. */
async function navigationGet(
  scope: ExecutionScope,
  entity: SalesEntity,
  key: ResolvedKey,
  name: string,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const navigation = findNavigation(entity.definition, name)!;
  const head = await findRecordHead(scope, entity, key);
  if (!head) throw notFound(entity, key);
  await assertAccess(scope, entity, 'Read', head);
  const target = entityBySet(navigation.target().entitySet)!;
  const [local] = await queryRows<{ v: unknown }>(
    scope.ctx.db,
    sql`select ${navigation.join.local} as v from ${entity.table} where ${entity.keyColumn} = ${head.id}`,
  );
  const options = queryOptions(target, request.query);
  const where =
    local?.v === null || local?.v === undefined ? sql`false` : sql`${navigation.join.remote} = ${local.v}`;
  const response = await listRecords(scope, target, request, options, {
    where,
    path: `${entity.entitySet}(${head.id})/${name}`,
  });
  if (navigation.kind === 'collection') return response;
  const body = response.body as { value: Record<string, unknown>[] };
  const record = body.value[0];
  if (!record) return { status: 204, headers: { 'odata-version': '4.0' } };
  return {
    status: 200,
    headers: response.headers,
    body: { '@odata.context': `${scope.serviceRoot}/$metadata#${target.entitySet}/$entity`, ...record },
  };
}

/** GET of one property: `{"@odata.context": …, "value": …}`. */
async function propertyGet(
  scope: ExecutionScope,
  entity: SalesEntity,
  key: ResolvedKey,
  property: string,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const query = new URLSearchParams({ $select: property });
  const read = await retrieveRecord(scope, entity, key, { ...request, query });
  if (read.status !== 200) return read;
  const record = read.body as Record<string, unknown>;
  const id = record[entity.definition.key] as string;
  return {
    status: 200,
    headers: read.headers,
    body: {
      '@odata.context': `${scope.serviceRoot}/$metadata#${entity.entitySet}(${id})/${property}`,
      value: record[property],
    },
  };
}

async function route(scope: ExecutionScope, request: WebApiRequest): Promise<WebApiResponse> {
  const segments = parseResourcePath(request.path);
  const method = request.method;
  if (segments.length === 0) {
    if (method !== 'GET') throw methodNotAllowed(request, 'the service document is read-only.');
    return serviceDocument(scope);
  }
  const [first, ...rest] = segments as [PathSegment, ...PathSegment[]];
  if (first.name === '$metadata' && rest.length === 0 && !first.key) {
    if (method !== 'GET') throw methodNotAllowed(request, '$metadata is read-only.');
    return {
      status: 200,
      headers: { 'content-type': 'application/xml', 'odata-version': '4.0' },
      body: metadataDocument(allEntities()),
      rawContentType: 'application/xml',
    };
  }
  if (first.name === '$batch') throw queryInvalid('A $batch cannot contain another $batch.');
  if (first.name === 'WhoAmI' && rest.length === 0 && !first.key) {
    if (method !== 'GET') throw methodNotAllowed(request, 'WhoAmI is a function: call it with GET.');
    return whoAmI(scope);
  }
  const entity = entityBySet(first.name);
  if (!entity) throw resourceNotFound(first.name);
  if (first.call) throw resourceNotFound(`${first.name}()`);

  if (!first.key) {
    if (rest.length === 1 && rest[0]!.name === '$count' && !rest[0]!.key) {
      if (method !== 'GET') throw methodNotAllowed(request, '$count is read-only.');
      return countRecords(scope, entity, request);
    }
    if (rest.length > 0) throw resourceNotFound(rest[0]!.name);
    if (method === 'GET') {
      const options = queryOptions(entity, request.query);
      if (isTrackedRequest(request, options)) return trackedList(scope, entity, request, options);
      if (options.extra.$deltatoken !== undefined) return trackedList(scope, entity, request, options);
      return listRecords(scope, entity, request, options);
    }
    if (method === 'POST') {
      if (!entity.writableSet) throw readOnlySet(request, entity);
      return createRecord(scope, entity, request);
    }
    throw methodNotAllowed(request, `${entity.entitySet} accepts GET and POST.`);
  }

  const key = resolveKey(entity, first.key);
  if (rest.length === 0) {
    switch (method) {
      case 'GET':
        return retrieveRecord(scope, entity, key, request);
      case 'PATCH':
        if (!entity.writableSet) throw readOnlySet(request, entity);
        return upsertRecord(scope, entity, key, request);
      case 'DELETE':
        if (!entity.writableSet) throw readOnlySet(request, entity);
        return deleteRecord(scope, entity, key, request);
      default:
        throw methodNotAllowed(request, 'a record accepts GET, PATCH and DELETE.');
    }
  }

  const [second, ...tail] = rest as [PathSegment, ...PathSegment[]];
  if (entity.entitySet === 'systemusers' && second.name === ROLE_ASSOCIATION) {
    const ref = tail.length === 1 && tail[0]!.name === '$ref' && !tail[0]!.key;
    if (tail.length === 0 && !second.key && method === 'GET') return listUserRoles(scope, key, request);
    if (ref && !second.key && method === 'POST') return associate(scope, key, request);
    if (ref && method === 'DELETE')
      return disassociate(
        scope,
        key,
        second.key ? resolveKey(entityBySet('roles')!, second.key) : undefined,
        request,
      );
    throw methodNotAllowed(
      request,
      `use GET …/${ROLE_ASSOCIATION}, POST …/${ROLE_ASSOCIATION}/$ref, or DELETE …/${ROLE_ASSOCIATION}(<roleid>)/$ref.`,
    );
  }
  if (second.key || second.call) throw resourceNotFound(second.name);
  const navigation = findNavigation(entity.definition, second.name);
  if (navigation) {
    if (tail.length > 0) throw resourceNotFound(tail[0]!.name);
    if (method !== 'GET')
      throw methodNotAllowed(
        request,
        `set a lookup with "${second.name}@odata.bind" in a PATCH of the record.`,
      );
    return navigationGet(scope, entity, key, second.name, request);
  }
  const property = entity.definition.properties.find((p) => p.name === second.name);
  if (!property) throw resourceNotFound(second.name);
  if (tail.length > 0) throw resourceNotFound(tail[0]!.name);
  if (method === 'GET') return propertyGet(scope, entity, key, second.name, request);
  if (method === 'PUT' || method === 'DELETE') {
    if (!entity.writableSet) throw readOnlySet(request, entity);
    return writeProperty(scope, entity, key, second.name, request);
  }
  throw methodNotAllowed(request, 'a property accepts GET, PUT and DELETE.');
}

function readOnlySet(request: WebApiRequest, entity: SalesEntity): DataverseError {
  return methodNotAllowed(
    request,
    `${entity.entitySet} are read-only in the Web API; ${entity.entitySet === 'systemusers' ? 'users come from the directory and are managed with the Sales admin API' : 'they are managed with the Sales admin API'}.`,
  );
}

/** Runs one request; never throws: failures become Dataverse error responses. */
export async function dispatch(scope: ExecutionScope, request: WebApiRequest): Promise<WebApiResponse> {
  try {
    return await route(scope, request);
  } catch (error) {
    const mapped = toDataverseError(error);
    if (mapped.status >= 500 && !(error instanceof AppError)) throw error;
    return {
      status: mapped.status,
      headers: {
        ...mapped.headers,
        'content-type': 'application/json; odata.metadata=minimal',
        'odata-version': '4.0',
      },
      body: mapped.body,
    };
  }
}
