import { z } from 'zod';
import type { Transaction } from '../../platform/db/database.js';
import { normaliseError } from '../../platform/http/normalise-error.js';
import type { Caller } from '../context.js';
import { erpError } from '../errors.js';
import { inheritCompanyLocks, lockCompanyWrites } from '../write-lock.js';
import { bcErrorBody } from './bc-errors.js';
import { API_ROOTS, dispatch, type DispatchDeps, type ErpRequest, type ErpResponse } from './dispatch.js';
import {
  runSetBasedWrites,
  setBasedWrite,
  type SetBasedWrite,
  type WriteResult,
} from './set-based-writes.js';

/**
 * OData JSON batch (`POST /api/v2.0/$batch`), as Business Central takes it: up to 100 requests, run
 * in order. Without `Isolation: snapshot` each request stands alone (its own savepoint: a failure
 * undoes that request only) and a request whose `dependsOn` failed is not run (424). With it the
 * batch is one transaction: every company the writes name is locked first (in a fixed order, like
 * any writer), and the first failure rolls everything back, so the other requests answer 424 and
 * nothing is written. Consecutive creates (or updates of distinct records) of one entity set run
 * set-based (set-based-writes.ts), each still with its own response or error.
 */

export const MAX_BATCH_REQUESTS = 100;

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** The body of `POST /api/v2.0/$batch` (also published in the ERP's OpenAPI document). */
export const batchBody = z.strictObject({
  requests: z
    .array(
      z.object({
        id: z.string().min(1).max(100),
        method: z
          .string()
          .transform((m) => m.toUpperCase())
          .pipe(z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE'])),
        url: z.string().min(1).max(8192),
        headers: z.record(z.string(), z.string()).optional(),
        body: z.unknown().optional(),
        dependsOn: z.array(z.string()).optional(),
        atomicityGroup: z.string().optional(),
      }),
    )
    .min(1)
    .max(MAX_BATCH_REQUESTS),
});

type BatchRequest = z.infer<typeof batchBody>['requests'][number];

export interface BatchResponseItem {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** Resolves a request URL of a batch: absolute, server-relative, or relative to /api/v2.0/. */
export function resolveBatchUrl(url: string): string {
  if (/^https?:\/\//i.test(url)) {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  }
  if (url.startsWith('/')) return url;
  return API_ROOTS.v2 + url;
}

function parseBatch(body: unknown): BatchRequest[] {
  const parsed = batchBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw erpError(
      'BadRequest',
      'BadRequest',
      `Invalid $batch request body at ${issue.path.join('.') || 'body'}: ${issue.message}. Send {"requests":[{"id","method","url","headers","body"}]} with 1 to ${MAX_BATCH_REQUESTS} requests.`,
    );
  }
  const seen = new Set<string>();
  for (const request of parsed.data.requests) {
    if (seen.has(request.id))
      throw erpError(
        'BadRequest',
        'BadRequest',
        `Request id '${request.id}' appears twice in the $batch; ids must be unique.`,
      );
    for (const dep of request.dependsOn ?? [])
      if (!seen.has(dep))
        throw erpError(
          'BadRequest',
          'BadRequest',
          `Request '${request.id}' depends on '${dep}', which is not an earlier request of the $batch.`,
        );
    seen.add(request.id);
  }
  return parsed.data.requests;
}

function errorItem(id: string, error: unknown, correlationId: string): BatchResponseItem {
  const appError = normaliseError(error);
  return {
    id,
    status: appError.status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: bcErrorBody(appError, correlationId),
  };
}

function lowerHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

function item(id: string, response: ErpResponse): BatchResponseItem {
  return {
    id,
    status: response.status,
    headers: response.headers,
    ...(response.body === undefined ? {} : { body: response.body }),
  };
}

class RollBack extends Error {}

/** A run of requests handled together: one request, or a set-based group of writes. */
type Segment =
  | { kind: 'single'; index: number }
  | { kind: 'group'; indices: number[]; writes: Array<{ write: SetBasedWrite; request: ErpRequest }> };

/**
 * Consecutive requests that write one entity set of one company the same way (creates, or updates
 * of distinct records) and depend on nothing become one set-based group; the rest run one by one.
 */
function segmentsOf(requests: ErpRequest[], dependsOn: Array<string[] | undefined>): Segment[] {
  const writes = requests.map((request, i) => (dependsOn[i]?.length ? undefined : setBasedWrite(request)));
  const segments: Segment[] = [];
  let i = 0;
  while (i < requests.length) {
    const first = writes[i];
    const indices = [i];
    if (first) {
      const ids = new Set(first.id ? [first.id] : []);
      for (let j = i + 1; j < requests.length; j++) {
        const next = writes[j];
        if (!next || next.group !== first.group || (next.id && ids.has(next.id))) break;
        if (next.id) ids.add(next.id);
        indices.push(j);
      }
    }
    if (indices.length > 1)
      segments.push({
        kind: 'group',
        indices,
        writes: indices.map((k) => ({ write: writes[k]!, request: requests[k]! })),
      });
    else segments.push({ kind: 'single', index: i });
    i += indices.length;
  }
  return segments;
}

/**
 * A group's writes set-based in a savepoint; undefined if the statement failed in a way the checks
 * did not foresee, and the group then runs request by request so each failure is its own.
 */
async function tryGroup(
  deps: DispatchDeps,
  caller: Caller,
  tx: Transaction,
  segment: Extract<Segment, { kind: 'group' }>,
): Promise<WriteResult[] | undefined> {
  try {
    return await tx.transaction((savepoint) => {
      inheritCompanyLocks(tx, savepoint);
      return runSetBasedWrites(deps, caller, savepoint, segment.writes);
    });
  } catch {
    return undefined;
  }
}

export async function runBatch(
  deps: DispatchDeps,
  caller: Caller,
  body: unknown,
  options: { atomic: boolean; correlationId: string },
): Promise<{ responses: BatchResponseItem[] }> {
  const requests = parseBatch(body);
  const erpRequests: ErpRequest[] = requests.map((request) => ({
    method: request.method,
    url: resolveBatchUrl(request.url),
    headers: lowerHeaders(request.headers),
    body: request.body,
  }));
  const segments = segmentsOf(
    erpRequests,
    requests.map((r) => r.dependsOn),
  );
  const run = (index: number, tx?: Transaction) => dispatch(deps, caller, erpRequests[index]!, tx);
  const errorOf = (index: number, error: unknown) =>
    errorItem(requests[index]!.id, error, `${options.correlationId}/${requests[index]!.id}`);

  // Companies the writes name, locked first and in a fixed order, like any writer.
  const companies = new Set<string>();
  for (const request of requests)
    if (request.method !== 'GET') {
      const match = new RegExp(`companies(?:\\(|%28)(${GUID})`, 'i').exec(request.url);
      if (match) companies.add(match[1]!.toLowerCase());
    }

  if (!options.atomic) {
    // Independent requests, but one commit: each request (or set-based group) runs in its own
    // savepoint, so a failure undoes only that request, and the batch pays for one commit.
    return deps.ctx.db.transaction(async (tx) => {
      await lockCompanyWrites(tx, [...companies]);
      const responses: BatchResponseItem[] = [];
      const failed = new Set<string>();
      const runAlone = async (index: number) => {
        const request = requests[index]!;
        const blocker = (request.dependsOn ?? []).find((d) => failed.has(d));
        if (blocker) {
          failed.add(request.id);
          responses.push({
            ...errorOf(
              index,
              erpError(
                'Conflict',
                'Application_DialogException',
                `Not run: request '${blocker}', which this request depends on, failed.`,
              ),
            ),
            status: 424,
          });
          return;
        }
        try {
          const response = await tx.transaction((savepoint) => {
            inheritCompanyLocks(tx, savepoint);
            return run(index, savepoint);
          });
          responses.push(item(request.id, response));
        } catch (error) {
          failed.add(request.id);
          responses.push(errorOf(index, error));
        }
      };
      for (const segment of segments) {
        if (segment.kind === 'single') {
          await runAlone(segment.index);
          continue;
        }
        const results = await tryGroup(deps, caller, tx, segment);
        if (!results) {
          for (const index of segment.indices) await runAlone(index);
          continue;
        }
        results.forEach((result, n) => {
          const index = segment.indices[n]!;
          if ('response' in result) responses.push(item(requests[index]!.id, result.response));
          else {
            failed.add(requests[index]!.id);
            responses.push(errorOf(index, result.error));
          }
        });
      }
      return { responses };
    });
  }

  let failure: { index: number; response: BatchResponseItem } | undefined;
  let results: BatchResponseItem[] = [];
  try {
    await deps.ctx.db.transaction(async (tx) => {
      await lockCompanyWrites(tx, [...companies]);
      const runInline = async (index: number) => {
        try {
          results.push(item(requests[index]!.id, await run(index, tx)));
        } catch (error) {
          failure = { index, response: errorOf(index, error) };
          throw new RollBack();
        }
      };
      for (const segment of segments) {
        if (segment.kind === 'single') {
          await runInline(segment.index);
          continue;
        }
        const grouped = await tryGroup(deps, caller, tx, segment);
        if (!grouped) {
          for (const index of segment.indices) await runInline(index);
          continue;
        }
        for (const [n, result] of grouped.entries()) {
          const index = segment.indices[n]!;
          if ('error' in result) {
            failure = { index, response: errorOf(index, result.error) };
            throw new RollBack();
          }
          results.push(item(requests[index]!.id, result.response));
        }
      }
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  if (!failure) return { responses: results };
  const failedId = requests[failure.index]!.id;
  results = requests.map((request, index) =>
    index === failure!.index
      ? failure!.response
      : {
          ...errorOf(
            index,
            erpError(
              'Conflict',
              'Application_DialogException',
              `Rolled back: request '${failedId}' of this atomic batch (Isolation: snapshot) failed, so no request of the batch was applied.`,
            ),
          ),
          status: 424,
        },
  );
  return { responses: results };
}
