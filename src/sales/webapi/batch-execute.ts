import type { Database } from '../../platform/db/database.js';
import {
  countOperations,
  multipartBoundary,
  newBoundary,
  parseBatch,
  serializeBatch,
  type BatchRequest,
  type BatchResponse,
  type BatchResponseItem,
} from './batch-multipart.js';
import { DATAVERSE_CODES, DataverseError, toDataverseError } from './dataverse-error.js';
import { dispatch } from './dispatcher.js';
import { contextWithDb, type ExecutionScope, type WebApiRequest, type WebApiResponse } from './execution.js';
import { parsePreferences } from './prefer.js';
import { resolveKey } from './record-key.js';
import { SetWriteFailed, writeRecords, type SetWrite } from './record-set-writes.js';
import { parseResourcePath } from './resource-path.js';
import type { SalesEntity } from './sales-entity.js';
import { entityBySet } from './entities.js';

/**
 * `$batch`: the requests of a multipart body run in order through the same dispatcher as single
 * requests. A change set runs in one database transaction: if one of its requests fails, the whole
 * set rolls back and its responses are replaced by the failing one, as Dataverse does. Without
 * `Prefer: odata.continue-on-error` the batch stops at the first failure. Consecutive creates (or
 * updates and upserts by id) of one table, in a change set or outside one, are written set-based
 * (record-set-writes.ts) with the same responses, one per request.
 */

export const MAX_BATCH_OPERATIONS = 1000;

function batchError(message: string): DataverseError {
  return new DataverseError('BadRequest', DATAVERSE_CODES.batchInvalid, message);
}

/** An inner request's URL (absolute, root-relative, relative, or starting with `$n`) → a WebApiRequest. */
function innerRequest(
  scope: ExecutionScope,
  part: BatchRequest,
  contentIds: Map<string, string> | undefined,
): WebApiRequest {
  let url = part.url;
  const reference = /^\$([^/?]+)(.*)$/.exec(url);
  if (reference) {
    const target = contentIds?.get(reference[1]!);
    if (!target)
      throw batchError(
        `The URL '${part.url}' refers to Content-ID ${reference[1]}, which no earlier request of this change set has.`,
      );
    url = target + reference[2];
  }
  if (url.startsWith(scope.serviceRoot + '/')) url = url.slice(scope.serviceRoot.length + 1);
  else if (/^[a-z]+:\/\//i.test(url)) {
    const at = url.indexOf('/api/data/v9.2/');
    if (at < 0) throw batchError(`The URL '${part.url}' is not a URL of this service (…/api/data/v9.2/…).`);
    url = url.slice(at + '/api/data/v9.2/'.length);
  } else url = url.replace(/^\/+/, '').replace(/^api\/data\/v9\.2\/?/, '');
  const q = url.indexOf('?');
  return {
    method: part.method.toUpperCase(),
    path: q < 0 ? url : url.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    headers: part.headers,
    body: part.body,
  };
}

function toBatchResponse(response: WebApiResponse, contentId: string | undefined): BatchResponse {
  let body: string | undefined;
  if (response.body !== undefined)
    body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  return { status: response.status, headers: response.headers, body, contentId };
}

function errorResponse(error: unknown): WebApiResponse {
  const mapped = toDataverseError(error);
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

/** Thrown inside a change set's transaction to roll it back, carrying the failing response. */
class ChangeSetFailed extends Error {
  constructor(readonly response: BatchResponse) {
    super('change set failed');
  }
}

async function runRequest(
  scope: ExecutionScope,
  part: BatchRequest,
  contentIds?: Map<string, string>,
): Promise<WebApiResponse> {
  let request: WebApiRequest;
  try {
    request = innerRequest(scope, part, contentIds);
  } catch (error) {
    return errorResponse(error);
  }
  return dispatch(scope, request);
}

/** A request that may be written together with its neighbours: same `group`, distinct ids. */
interface GroupableWrite {
  group: string;
  entity: SalesEntity;
  write: SetWrite;
}

/**
 * The set-based write a request is, if any: a POST to a writable entity set, or a PATCH of one record
 * by id. Requests that name a Content-ID (in the URL or a bind) run one by one, since the record
 * they refer to may be written by the same set.
 */
function groupableWrite(scope: ExecutionScope, part: BatchRequest): GroupableWrite | undefined {
  const method = part.method.toUpperCase();
  if (method !== 'POST' && method !== 'PATCH') return undefined;
  if (part.url.startsWith('$') || /@odata\.bind"\s*:\s*"\$/.test(part.body)) return undefined;
  try {
    const request = innerRequest(scope, part, undefined);
    const segments = parseResourcePath(request.path);
    const segment = segments[0];
    const entity = segment && entityBySet(segment.name);
    if (segments.length !== 1 || !entity || !entity.writableSet || segment.call) return undefined;
    if (method === 'POST')
      return segment.key
        ? undefined
        : { group: `POST ${entity.entitySet}`, entity, write: { request, id: undefined } };
    const id = segment.key ? resolveKey(entity, segment.key).id : undefined;
    if (!id) return undefined; // alternate keys run one by one
    return { group: `PATCH ${entity.entitySet}`, entity, write: { request, id } };
  } catch {
    return undefined; // the dispatcher words the error
  }
}

/**
 * The run of requests from `start` that can be written together (at least two), or undefined. An
 * undefined part (a change set among top-level requests) ends the run.
 */
function groupAt(
  scope: ExecutionScope,
  parts: ReadonlyArray<BatchRequest | undefined>,
  start: number,
): GroupableWrite[] | undefined {
  const first = parts[start] && groupableWrite(scope, parts[start]);
  if (!first) return undefined;
  const group = [first];
  const ids = new Set(first.write.id ? [first.write.id] : []);
  for (let i = start + 1; i < parts.length; i++) {
    const part = parts[i];
    const next = part && groupableWrite(scope, part);
    if (!next || next.group !== first.group) break;
    if (next.write.id) {
      if (ids.has(next.write.id)) break;
      ids.add(next.write.id);
    }
    group.push(next);
  }
  return group.length > 1 ? group : undefined;
}

/**
 * A group's writes set-based in `db`'s savepoint (change set) or transaction (top level); undefined
 * when the statement failed in a way the checks did not foresee, and the requests then run one by one.
 */
async function tryGroup(
  scope: ExecutionScope,
  db: Database,
  group: GroupableWrite[],
  stopAtFirstFailure: boolean,
): Promise<WebApiResponse[] | undefined> {
  try {
    return await db.transaction((tx) =>
      writeRecords(
        { ...scope, ctx: contextWithDb(scope.ctx, tx as unknown as Database) },
        group[0]!.entity,
        group.map((g) => g.write),
        { stopAtFirstFailure, errorResponse },
      ),
    );
  } catch (error) {
    if (error instanceof SetWriteFailed) return undefined;
    throw error;
  }
}

async function runChangeSet(scope: ExecutionScope, requests: BatchRequest[]): Promise<BatchResponseItem> {
  try {
    const responses = await scope.ctx.db.transaction(async (tx) => {
      const contentIds = new Map<string, string>();
      const inner: ExecutionScope = {
        ...scope,
        ctx: contextWithDb(scope.ctx, tx as unknown as Database),
        contentIds,
        inChangeSet: true,
      };
      const out: BatchResponse[] = [];
      const settle = (part: BatchRequest, response: WebApiResponse) => {
        const result = toBatchResponse(response, part.contentId);
        if (response.status >= 400) throw new ChangeSetFailed(result);
        const entityId = response.headers['odata-entityid'];
        if (part.contentId !== undefined && entityId) contentIds.set(part.contentId, entityId);
        out.push(result);
      };
      let ungroupedUntil = 0;
      for (let i = 0; i < requests.length;) {
        const group = i >= ungroupedUntil ? groupAt(inner, requests, i) : undefined;
        if (group) {
          const responses = await tryGroup(inner, inner.ctx.db, group, true);
          if (!responses) {
            ungroupedUntil = i + group.length;
            continue;
          }
          responses.forEach((response, n) => settle(requests[i + n]!, response));
          i += group.length;
          continue;
        }
        const part = requests[i++]!;
        let response: WebApiResponse;
        if (part.method.toUpperCase() === 'GET')
          response = errorResponse(
            batchError(
              'GET requests cannot be part of a change set; put them in the batch outside the change set.',
            ),
          );
        else response = await runRequest(inner, part, contentIds);
        settle(part, response);
      }
      return out;
    });
    return { kind: 'changeset', responses };
  } catch (error) {
    if (error instanceof ChangeSetFailed) return { kind: 'response', response: error.response };
    throw error;
  }
}

/** POST $batch. */
export async function executeBatch(scope: ExecutionScope, request: WebApiRequest): Promise<WebApiResponse> {
  const boundary = multipartBoundary(request.headers['content-type']);
  if (!boundary)
    throw batchError(
      'A $batch request needs Content-Type: multipart/mixed; boundary=batch_<id>, and a body of parts separated by --batch_<id>.',
    );
  const items = parseBatch(request.body, boundary);
  const operations = countOperations(items);
  if (operations > MAX_BATCH_OPERATIONS)
    throw batchError(
      `The batch holds ${operations} requests, more than the ${MAX_BATCH_OPERATIONS} a batch may hold. Split it into batches of at most ${MAX_BATCH_OPERATIONS}.`,
    );
  // Each operation counts against the caller's request limit, as the requests would one by one.
  scope.limiter.consume(scope.caller.systemUserId, operations);
  const continueOnError = parsePreferences(request.headers.prefer).continueOnError;
  const results: BatchResponseItem[] = [];
  const topLevel = items.map((item) => (item.kind === 'request' ? item.request : undefined));
  let ungroupedUntil = 0;
  for (let i = 0; i < items.length;) {
    // Consecutive top-level writes of one table run set-based in one transaction; each keeps its
    // own response, and without continue-on-error nothing after the first failure is written.
    const group = i >= ungroupedUntil ? groupAt(scope, topLevel, i) : undefined;
    if (group) {
      const responses = await tryGroup(scope, scope.ctx.db, group, !continueOnError);
      if (!responses) {
        ungroupedUntil = i + group.length;
        continue;
      }
      let failed = false;
      responses.forEach((response, n) => {
        results.push({ kind: 'response', response: toBatchResponse(response, topLevel[i + n]!.contentId) });
        failed ||= response.status >= 400;
      });
      i += responses.length;
      if (failed && !continueOnError) break;
      continue;
    }
    const item = items[i++]!;
    let result: BatchResponseItem;
    let failed: boolean;
    if (item.kind === 'request') {
      const response = toBatchResponse(await runRequest(scope, item.request), item.request.contentId);
      result = { kind: 'response', response };
      failed = response.status >= 400;
    } else {
      result = await runChangeSet(scope, item.requests);
      failed = result.kind === 'response';
    }
    results.push(result);
    if (failed && !continueOnError) break;
  }
  const responseBoundary = newBoundary('batchresponse');
  return {
    status: 200,
    headers: {
      'content-type': `multipart/mixed; boundary=${responseBoundary}`,
      'odata-version': '4.0',
      ...(continueOnError ? { 'preference-applied': 'odata.continue-on-error' } : {}),
    },
    body: serializeBatch(results, responseBoundary),
    rawContentType: `multipart/mixed; boundary=${responseBoundary}`,
  };
}
