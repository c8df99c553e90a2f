import { and, eq, getTableColumns, type Column, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { DATAVERSE_CODES, DataverseError, invalidArgument } from './dataverse-error.js';
import type { ExecutionScope, WebApiRequest, WebApiResponse } from './execution.js';
import {
  etagMatches,
  formatEtag,
  parseEtagCondition,
  parsePreferences,
  type EtagCondition,
} from './prefer.js';
import { assertAccess, findRecordHead, notFound, type RecordHead } from './record-access.js';
import { applyBinds, checkBody, derivedValues, type CheckedBody } from './record-body.js';
import type { ResolvedKey } from './record-key.js';
import { retrieveRecord } from './record-read.js';
import type { SalesEntity } from './sales-entity.js';

/**
 * Creating, updating (with upsert), deleting records and single properties. Each write is one
 * statement guarded by the version read before it (`… where versionnumber = v`), so a concurrent
 * change between the privilege check and the write is a 412, never a lost update; the version itself
 * comes from the schema's trigger, and modifiedby/createdby name the caller.
 */

const columnKeyCache = new WeakMap<PgTable, Map<Column, string>>();

function columnKeys(table: PgTable): Map<Column, string> {
  let keys = columnKeyCache.get(table);
  if (!keys) {
    keys = new Map(Object.entries(getTableColumns(table)).map(([k, c]) => [c as Column, k]));
    columnKeyCache.set(table, keys);
  }
  return keys;
}

function rowObject(entity: SalesEntity, values: Map<Column, unknown>): Record<string, unknown> {
  const keys = columnKeys(entity.table);
  const out: Record<string, unknown> = {};
  for (const [column, value] of values) out[keys.get(column)!] = value;
  return out;
}

function column(entity: SalesEntity, name: string): Column {
  return getTableColumns(entity.table)[name] as Column;
}

/** Database refusals → Dataverse errors (the checks before the write catch almost all of them). */
export function databaseError(error: unknown, entity: SalesEntity): unknown {
  const e = error as { code?: string; cause?: { code?: string } };
  const code = e.cause?.code ?? e.code;
  switch (code) {
    case '23505':
      return new DataverseError(
        'PreconditionFailed',
        DATAVERSE_CODES.duplicateRecord,
        `A record with matching key values already exists. Another ${entity.logicalName} has the same key; address that record instead, or use another key.`,
      );
    case '23503':
      return invalidArgument(
        `The ${entity.logicalName} refers to a record that does not exist, or other records still refer to it; remove those references first.`,
      );
    case '22001':
    case '22003':
    case '22P02':
    case '22007':
    case '22008':
      return invalidArgument(`A value in the request does not fit its ${entity.logicalName} attribute.`);
  }
  return error;
}

function entityUrl(scope: ExecutionScope, entity: SalesEntity, id: string): string {
  return `${scope.serviceRoot}/${entity.entitySet}(${id})`;
}

export function parseJson(text: string): unknown {
  if (text.trim() === '')
    throw invalidArgument('The request body is empty; send the record as a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`The request body is not valid JSON: ${(error as Error).message}.`);
  }
}

export function concurrencyFailure(): DataverseError {
  return new DataverseError(
    'PreconditionFailed',
    DATAVERSE_CODES.concurrencyVersionMismatch,
    "The version of the existing record doesn't match the RowVersion property provided.",
  );
}

export function alreadyExists(): DataverseError {
  return new DataverseError(
    'PreconditionFailed',
    DATAVERSE_CODES.duplicateRecord,
    'A record with matching key values already exists.',
  );
}

/** 204 with OData-EntityId, or the representation (201 on create, 200 on update) when asked for. */
export async function writeResponse(
  scope: ExecutionScope,
  entity: SalesEntity,
  request: WebApiRequest,
  id: string,
  version: number,
  created: boolean,
): Promise<WebApiResponse> {
  const url = entityUrl(scope, entity, id);
  const prefs = parsePreferences(request.headers.prefer);
  if (prefs.returnRepresentation) {
    const key = { condition: eq(entity.keyColumn, id), id, alternate: undefined, description: `Id = ${id}` };
    const read = await retrieveRecord(scope, entity, key, {
      ...request,
      headers: { prefer: request.headers.prefer },
    });
    return {
      ...read,
      status: created ? 201 : 200,
      headers: {
        ...read.headers,
        'odata-entityid': url,
        ...(created ? { location: url } : {}),
        'preference-applied': ['return=representation', read.headers['preference-applied']]
          .filter(Boolean)
          .join(','),
      },
    };
  }
  return {
    status: 204,
    headers: {
      'odata-version': '4.0',
      'odata-entityid': url,
      ...(created ? { location: url } : {}),
      etag: formatEtag(version),
    },
  };
}

/**
 * The column values of a new record from its checked body: Create (and the binds' rights) checked
 * against the record as it will be, owned by the caller or by the assignee; the caller as creator
 * and modifier. Shared by single creates and set-based ones ($batch).
 */
export async function prepareInsert(
  scope: ExecutionScope,
  entity: SalesEntity,
  checked: CheckedBody,
  preset: { id?: string; alternate?: Record<string, string | number> },
): Promise<Map<Column, unknown | SQL>> {
  const caller = scope.caller;
  const owned = entity.ownership === 'user';
  const owner: Pick<RecordHead, 'ownerid' | 'owningbusinessunit'> = owned
    ? {
        ownerid: checked.owner?.id ?? caller.systemUserId,
        owningbusinessunit: checked.owner?.businessUnitId ?? caller.businessUnitId,
      }
    : { ownerid: null, owningbusinessunit: null };
  // Create is checked against the record as it will be: owned by the caller, or by the assignee.
  await assertAccess(scope, entity, 'Create', owner);
  await applyBinds(scope, entity, checked, {
    ownerid: caller.systemUserId,
    owningbusinessunit: caller.businessUnitId,
  });
  const values = checked.values;
  for (const [name, value] of Object.entries(preset.alternate ?? {})) values.set(column(entity, name), value);
  const id = preset.id ?? checked.keyValue;
  if (id) values.set(entity.keyColumn, id);
  if (owned) {
    values.set(entity.ownerColumn!, owner.ownerid);
    values.set(entity.businessUnitColumn!, owner.owningbusinessunit);
  }
  values.set(column(entity, 'createdby'), caller.systemUserId);
  values.set(column(entity, 'modifiedby'), caller.systemUserId);
  return derivedValues(entity, values, 'create');
}

async function insertRecord(
  scope: ExecutionScope,
  entity: SalesEntity,
  checked: CheckedBody,
  preset: { id?: string; alternate?: Record<string, string | number> },
): Promise<{ id: string; version: number }> {
  const values = await prepareInsert(scope, entity, checked, preset);
  try {
    const [row] = (await scope.ctx.db
      .insert(entity.table)
      .values(rowObject(entity, values as Map<Column, unknown>) as never)
      .returning({ id: entity.keyColumn, version: entity.versionColumn })) as Array<{
      id: string;
      version: number;
    }>;
    return { id: row!.id, version: Number(row!.version) };
  } catch (error) {
    throw databaseError(error, entity);
  }
}

/** POST to an entity set. */
export async function createRecord(
  scope: ExecutionScope,
  entity: SalesEntity,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const checked = await checkBody(scope, entity, parseJson(request.body), 'create');
  const { id, version } = await insertRecord(scope, entity, checked, {});
  return writeResponse(scope, entity, request, id, version, true);
}

/** The column values an update writes: Write (and the binds' rights) checked on the record as it is. */
export async function prepareUpdate(
  scope: ExecutionScope,
  entity: SalesEntity,
  head: RecordHead,
  checked: CheckedBody,
): Promise<Map<Column, unknown | SQL>> {
  await assertAccess(scope, entity, 'Write', head);
  await applyBinds(scope, entity, checked, head);
  checked.values.set(column(entity, 'modifiedby'), scope.caller.systemUserId);
  return derivedValues(entity, checked.values, 'update');
}

async function updateExisting(
  scope: ExecutionScope,
  entity: SalesEntity,
  head: RecordHead,
  checked: CheckedBody,
): Promise<number> {
  const values = await prepareUpdate(scope, entity, head, checked);
  try {
    const rows = (await scope.ctx.db
      .update(entity.table)
      .set(rowObject(entity, values as Map<Column, unknown>) as never)
      .where(and(eq(entity.keyColumn, head.id), eq(entity.versionColumn, head.version)))
      .returning({ version: entity.versionColumn })) as Array<{ version: number }>;
    if (rows.length === 0) throw concurrencyFailure();
    return Number(rows[0]!.version);
  } catch (error) {
    throw databaseError(error, entity);
  }
}

/**
 * PATCH on a key: update, or create when missing (upsert). `If-Match: *` forbids the create (404),
 * `If-None-Match: *` forbids the update (412), `If-Match: <etag>` requires that version (412).
 */
export async function upsertRecord(
  scope: ExecutionScope,
  entity: SalesEntity,
  key: ResolvedKey,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const ifMatch = parseEtagCondition(request.headers['if-match']);
  const ifNoneMatch = parseEtagCondition(request.headers['if-none-match']);
  const body = parseJson(request.body);
  return unlessVersionPinned(ifMatch, async () => {
    const head = await findRecordHead(scope, entity, key);
    if (!head) {
      if (ifMatch) throw notFound(entity, key);
      const checked = await checkBody(scope, entity, body, 'create');
      const { id, version } = await insertRecord(scope, entity, checked, {
        ...(key.id ? { id: key.id } : {}),
        ...(key.alternate ? { alternate: key.alternate } : {}),
      });
      return writeResponse(scope, entity, request, id, version, true);
    }
    if (ifNoneMatch?.kind === 'any') throw alreadyExists();
    if (ifMatch && !etagMatches(ifMatch, head.version)) throw concurrencyFailure();
    const checked = await checkBody(scope, entity, body, 'update');
    const version = await updateExisting(scope, entity, head, checked);
    return writeResponse(scope, entity, request, head.id, version, false);
  });
}

/**
 * A write that names no version (no If-Match, or `*`) is last-writer-wins, as in Dataverse. The
 * record's head is read, checked and written under `version = head.version`, so a write that lands in
 * between is noticed; then the write is simply done again on the fresh head (its privileges checked
 * again) instead of a 412 the client never asked for. A write that names a version gets the 412.
 */
async function unlessVersionPinned<T>(ifMatch: EtagCondition, write: () => Promise<T>): Promise<T> {
  const pinned = ifMatch !== undefined && ifMatch.kind !== 'any';
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const raced =
        error instanceof DataverseError && error.dataverseCode === DATAVERSE_CODES.concurrencyVersionMismatch;
      // Every lost race is another writer's success, so this ends; the jitter spreads a crowd out.
      if (pinned || !raced || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, attempt * 5)));
    }
  }
}

/** DELETE on a key (If-Match honoured). */
export async function deleteRecord(
  scope: ExecutionScope,
  entity: SalesEntity,
  key: ResolvedKey,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const ifMatch = parseEtagCondition(request.headers['if-match']);
  await unlessVersionPinned(ifMatch, async () => {
    const head = await findRecordHead(scope, entity, key);
    if (!head) throw notFound(entity, key);
    if (ifMatch && !etagMatches(ifMatch, head.version)) throw concurrencyFailure();
    await assertAccess(scope, entity, 'Delete', head);
    try {
      const rows = await scope.ctx.db
        .delete(entity.table)
        .where(and(eq(entity.keyColumn, head.id), eq(entity.versionColumn, head.version)))
        .returning({ id: entity.keyColumn });
      if (rows.length === 0) throw concurrencyFailure();
    } catch (error) {
      throw databaseError(error, entity);
    }
  });
  return { status: 204, headers: { 'odata-version': '4.0' } };
}

/** PUT `accounts(id)/name` with `{"value": …}`, or DELETE it (sets null): one attribute. */
export async function writeProperty(
  scope: ExecutionScope,
  entity: SalesEntity,
  key: ResolvedKey,
  property: string,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  let value: unknown = null;
  if (request.method === 'PUT') {
    const body = parseJson(request.body);
    if (body === null || typeof body !== 'object' || !('value' in body))
      throw invalidArgument(`Send the new value as {"value": …} to set ${property}.`);
    value = (body as { value: unknown }).value;
  }
  const ifMatch = parseEtagCondition(request.headers['if-match']);
  await unlessVersionPinned(ifMatch, async () => {
    const head = await findRecordHead(scope, entity, key);
    if (!head) throw notFound(entity, key);
    if (ifMatch && !etagMatches(ifMatch, head.version)) throw concurrencyFailure();
    const checked = await checkBody(scope, entity, { [property]: value }, 'update');
    if (checked.values.size === 0)
      throw invalidArgument(`The property '${property}' of ${entity.logicalName} cannot be set.`);
    await updateExisting(scope, entity, head, checked);
  });
  return { status: 204, headers: { 'odata-version': '4.0' } };
}

export type { SQL };
