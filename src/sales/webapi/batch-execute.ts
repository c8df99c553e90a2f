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

/**
 * `$batch`: the requests of a multipart body run in order through the same dispatcher as single
 * requests. A change set runs in one database transaction: if one of its requests fails, the whole
 * set rolls back and its responses are replaced by the failing one, as Dataverse does. Without
 * `Prefer: odata.continue-on-error` the batch stops at the first failure.
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
      for (const part of requests) {
        let response: WebApiResponse;
        if (part.method.toUpperCase() === 'GET')
          response = errorResponse(
            batchError(
              'GET requests cannot be part of a change set; put them in the batch outside the change set.',
            ),
          );
        else response = await runRequest(inner, part, contentIds);
        const result = toBatchResponse(response, part.contentId);
        if (response.status >= 400) throw new ChangeSetFailed(result);
        const entityId = response.headers['odata-entityid'];
        if (part.contentId !== undefined && entityId) contentIds.set(part.contentId, entityId);
        out.push(result);
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
  for (const item of items) {
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
