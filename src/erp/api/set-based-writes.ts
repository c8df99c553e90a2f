import type { Transaction } from '../../platform/db/database.js';
import type { Caller } from '../context.js';
import { RECORD_ENTITIES } from '../entities.js';
import type { RecordEntity } from '../record-entity.js';
import { createRecords, updateRecords, writesSetBased, type RecordOutcome } from '../record-set-writes.js';
import { lockCompanyWrites } from '../write-lock.js';
import {
  API_ROOTS,
  requireCompany,
  requirePermission,
  singleResponse,
  splitUrl,
  type DispatchDeps,
  type ErpRequest,
  type ErpResponse,
} from './dispatch.js';
import { parseODataPath } from './odata-path.js';

/**
 * The requests of a $batch that may run together, set-based: POSTs to one record entity set of one
 * company, or PATCHes of distinct records of one. Each gets exactly the response (or error) it would
 * get through dispatch on its own; only the work is shared (record-set-writes.ts).
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a groupable request writes: requests with equal `group` run together. */
export interface SetBasedWrite {
  group: string;
  kind: 'create' | 'update';
  companyId: string;
  entity: RecordEntity;
  /** The record a PATCH addresses. */
  id?: string;
}

/** The set-based write a request is, or undefined when it must run on its own through dispatch. */
export function setBasedWrite(request: ErpRequest): SetBasedWrite | undefined {
  const kind = request.method === 'POST' ? 'create' : request.method === 'PATCH' ? 'update' : undefined;
  if (!kind) return undefined;
  const { path, query } = splitUrl(request.url);
  if (!path.startsWith(API_ROOTS.v2) || [...query.keys()].length > 0) return undefined;
  let segments;
  try {
    segments = parseODataPath(path.slice(API_ROOTS.v2.length - 1));
  } catch {
    return undefined; // dispatch words the error
  }
  const [company, set] = segments;
  if (segments.length !== 2 || company!.name !== 'companies' || !company!.key || !GUID.test(company!.key))
    return undefined;
  const entity = RECORD_ENTITIES.find((e) => e.entitySet === set!.name);
  if (!entity || !writesSetBased(entity)) return undefined;
  if (kind === 'create' && set!.key !== undefined) return undefined;
  if (kind === 'update' && (set!.key === undefined || !GUID.test(set!.key))) return undefined;
  return {
    group: `${kind} ${company!.key} ${entity.entitySet}`,
    kind,
    companyId: company!.key,
    entity,
    ...(kind === 'update' ? { id: set!.key! } : {}),
  };
}

export type WriteResult = { response: ErpResponse } | { error: unknown };

/** Runs writes of one group (same `group`, distinct ids for updates) in `tx`, set-based. */
export async function runSetBasedWrites(
  deps: DispatchDeps,
  caller: Caller,
  tx: Transaction,
  writes: ReadonlyArray<{ write: SetBasedWrite; request: ErpRequest }>,
): Promise<WriteResult[]> {
  const { kind, companyId, entity } = writes[0]!.write;
  try {
    requirePermission(caller, entity.object, kind === 'create' ? 'insert' : 'modify');
    await requireCompany(tx, companyId);
  } catch (error) {
    return writes.map(() => ({ error }));
  }
  await lockCompanyWrites(tx, [companyId]);
  let outcomes: RecordOutcome[];
  if (kind === 'create')
    outcomes = await createRecords(
      tx,
      entity,
      companyId,
      writes.map((w) => w.request.body),
      caller.actorId,
    );
  else
    outcomes = await updateRecords(
      tx,
      entity,
      companyId,
      writes.map((w) => ({
        id: w.write.id!,
        body: w.request.body,
        ifMatch: w.request.headers['if-match'],
      })),
      caller.actorId,
    );
  return outcomes.map((outcome) =>
    'record' in outcome
      ? {
          response: singleResponse(deps, kind === 'create' ? 201 : 200, entity, companyId, outcome.record),
        }
      : outcome,
  );
}
