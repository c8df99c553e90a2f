/**
 * One run of one mapping. It takes the mapping's lease (one run per mapping at a time, across
 * processes), finishes what an interrupted run left (pending creates, half-written pairs), retries
 * the records that failed (whatever the watermarks say, first-time creates included), then reads
 * each source side's changes page by page: ERP change feed after its row-version watermark, Sales
 * change tracking from its delta link. A page's watermark is stored only after every record of the
 * page is written and recorded, so a run stopped anywhere re-reads at most one page, and re-reading
 * is harmless (versions already synchronised are skipped).
 */
import { and, eq, inArray } from 'drizzle-orm';
import {
  compileRecordFilter,
  filterProperties,
  requiredEqualities,
} from '../../platform/odata/filter-evaluate.js';
import { AppError } from '../../platform/http/app-error.js';
import { RemoteApiError } from '../clients/index.js';
import { canWrite, loadConnection } from '../connection.js';
import type { BridgeActor, BridgeContext } from '../context.js';
import { integrationClients } from '../remote.js';
import { couplings, mappings, syncState } from '../schema.js';
import { planFields, type MappingRow } from './field-plan.js';
import type { SyncSide } from './reconcile.js';
import { isRunLevel } from './record-error.js';
import { References } from './references.js';
import { defaultNewId, type RunContext } from './run-context.js';
import { erpSide, salesSide } from './sides.js';
import {
  claimLease,
  emptyCounts,
  fenced,
  finishRun,
  LeaseLostError,
  renewLease,
  retryableErrors,
  saveProgress,
  type Lease,
} from './sync-bookkeeping.js';
import { finishInterrupted, syncRecord, type RecordTrigger } from './sync-record.js';
import { tokenObjectId } from './token-claims.js';
import { matchCoupleAll } from './match-coupling.js';

export interface SyncSettings {
  /** A run's lease, renewed as it goes: another process may take over a run silent this long. */
  leaseSeconds: number;
  /** Changes read per page. */
  pageSize: number;
  newId?: () => string;
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = { leaseSeconds: 30, pageSize: 500 };

export type RunKind = 'incremental' | 'full' | 'record' | 'match';

export interface RunRequest {
  mapping: string;
  kind: RunKind;
  actor: BridgeActor;
  /** For kind 'record': the record to synchronise now, and optionally which side wins a conflict. */
  record?: { side: SyncSide; id: string; winner?: SyncSide };
}

export interface RunResult {
  runId: number;
  mapping: string;
  kind: RunKind;
  status: 'succeeded' | 'failed';
  toSales: ReturnType<typeof emptyCounts>;
  toErp: ReturnType<typeof emptyCounts>;
  message: string | null;
}

/** The Sales key attribute of an entity set (accounts → accountid). */
export function salesKeyAttribute(entitySet: string): string {
  const singular: Record<string, string> = {
    accounts: 'account',
    contacts: 'contact',
    products: 'product',
    transactioncurrencies: 'transactioncurrency',
    systemusers: 'systemuser',
    opportunities: 'opportunity',
  };
  return `${singular[entitySet] ?? entitySet.replace(/s$/, '')}id`;
}

export async function loadMapping(ctx: BridgeContext, name: string): Promise<MappingRow> {
  const [row] = await ctx.db.select().from(mappings).where(eq(mappings.name, name));
  if (!row) {
    const names = (await ctx.db.select({ name: mappings.name }).from(mappings)).map((m) => m.name);
    throw new AppError(
      'NotFound',
      `There is no mapping ${name}. The mappings are: ${names.join(', ') || 'none yet (run the assisted setup)'}.`,
    );
  }
  return row;
}

/** Builds what a run works with: the two sides as the integration identity, filters, references. */
async function buildRun(
  ctx: BridgeContext,
  mapping: MappingRow,
  lease: Lease,
  settings: SyncSettings,
  full: boolean,
): Promise<RunContext> {
  const connection = await loadConnection(ctx.db);
  const clients = integrationClients(ctx, connection);
  const fields = planFields(mapping);
  const select = [...new Set([...fields.map((f) => f.salesRead), ...filterProperties(mapping.salesFilter)])];
  const companyId = connection.erpCompanyId!;
  const lcy = connection.lcy ?? (await clients.erp.generalLedgerSetup(companyId)).localCurrencyCode;
  const token = await clients.tokens.getToken();
  return {
    db: ctx.db,
    lease,
    mapping,
    fields,
    sides: {
      erp: erpSide(clients.erp, companyId, mapping.erpEntity),
      sales: salesSide(clients.sales, mapping.salesEntity, salesKeyAttribute(mapping.salesEntity), select),
    },
    filters: { erp: compileRecordFilter(mapping.erpFilter), sales: compileRecordFilter(mapping.salesFilter) },
    createDefaults: {
      erp: requiredEqualities(mapping.erpFilter),
      sales: Object.fromEntries(
        Object.entries(requiredEqualities(mapping.salesFilter)).filter(([k]) => !k.startsWith('_')),
      ),
    },
    refs: new References({
      db: ctx.db,
      erp: clients.erp,
      sales: clients.sales,
      companyId,
      lcy,
      integrationSalesUserId: connection.salesUserId!,
    }),
    integrationIds: { erp: tokenObjectId(token), sales: connection.salesUserId },
    full,
    counts: { toSales: emptyCounts(), toErp: emptyCounts() },
    newId: settings.newId ?? defaultNewId,
  };
}

/** Records stuck mid-create or mid-write by an earlier run, finished first. */
async function finishInterruptedRecords(run: RunContext): Promise<void> {
  const stuck = await run.db
    .select()
    .from(couplings)
    .where(and(eq(couplings.mapping, run.mapping.name), inArray(couplings.state, ['pending', 'syncing'])));
  for (const coupling of stuck) {
    try {
      await finishInterrupted(run, coupling);
    } catch (error) {
      const side: SyncSide = coupling.pendingSide === 'erp' ? 'sales' : 'erp';
      if (error instanceof LeaseLostError || (error instanceof RemoteApiError && isRunLevel(error)))
        throw error;
      await syncRecord(run, { side, id: side === 'erp' ? coupling.erpId : coupling.salesId, manual: true });
    }
  }
}

async function readSide(
  run: RunContext,
  side: SyncSide,
  settings: SyncSettings,
  fromStart: boolean,
): Promise<void> {
  const [state] = await run.db.select().from(syncState).where(eq(syncState.mapping, run.mapping.name));
  let cursor: string | null = fromStart
    ? null
    : side === 'erp'
      ? state!.erpWatermark > 0
        ? String(state!.erpWatermark)
        : null
      : state!.salesCursor;
  // A read from the start lists every live record: what it did not list is gone. That holds for a
  // full run and for a side never read yet (no delta link): Sales' first change-tracking read lists
  // records but no deletions, so a coupled record deleted before it (coupled by setup's matching,
  // or by this run's ERP pass moments earlier) would otherwise stay coupled to nothing. A listing
  // cut short by a crash resumes from its next page without this; the periodic full pass finds those.
  const seen = cursor === null ? new Set<string>() : undefined;
  for (;;) {
    const page = await run.sides[side].changes(cursor, settings.pageSize);
    for (const change of page.changes) {
      if (!change.deleted) seen?.add(change.id);
      const trigger: RecordTrigger = change.deleted
        ? { side, id: change.id, deleted: true }
        : { side, id: change.id, record: change.record! };
      await syncRecord(run, trigger);
    }
    cursor = page.cursor;
    const stored = cursor;
    await fenced(run.db, run.lease, (tx) =>
      tx
        .update(syncState)
        .set(side === 'erp' ? { erpWatermark: Number(stored) } : { salesCursor: stored })
        .where(eq(syncState.mapping, run.mapping.name)),
    );
    await renewLease(run.db, run.lease, settings.leaseSeconds);
    await saveProgress(run.db, run.lease, run.counts);
    if (!page.more) break;
  }
  if (seen) await syncUnlisted(run, side, seen);
}

/**
 * Deletions by set difference, on a full run: a coupled record the full read did not list was
 * deleted without a tombstone reaching the bridge (a restore from backup, a feed reset). Each is read
 * by id first — only one that is really gone follows the deletion policy; one that exists is
 * synchronised as any other.
 */
async function syncUnlisted(run: RunContext, side: SyncSide, seen: Set<string>): Promise<void> {
  const idColumn = side === 'erp' ? couplings.erpId : couplings.salesId;
  const coupled = await run.db
    .select({ id: idColumn })
    .from(couplings)
    .where(and(eq(couplings.mapping, run.mapping.name), eq(couplings.state, 'coupled')));
  for (const { id } of coupled) if (!seen.has(id)) await syncRecord(run, { side, id });
}

/**
 * Runs one mapping now. Undefined when another run holds the mapping (the caller may wait or say so).
 * Record-level failures are logged and counted; a run-level one (throttling past the client's
 * retries, a server down) ends the run as failed with the reason, and the next run resumes.
 */
export async function runMapping(
  ctx: BridgeContext,
  request: RunRequest,
  settings: SyncSettings = DEFAULT_SYNC_SETTINGS,
): Promise<RunResult | undefined> {
  const connection = await loadConnection(ctx.db);
  if (!canWrite(connection))
    throw new AppError(
      'Conflict',
      connection.enabled
        ? 'The connection is suspended: an account check of the integration user fails, so the bridge writes nothing until it passes. See the connection’s checks.'
        : `The connection is not enabled${connection.disabledReason ? ` (${connection.disabledReason})` : ''}. Finish the assisted setup or enable the connection first.`,
    );
  const mapping = await loadMapping(ctx, request.mapping);
  if (!mapping.enabled)
    throw new AppError(
      'Conflict',
      `The mapping ${mapping.name} is disabled. Enable it before synchronising it.`,
    );
  const lease = await claimLease(ctx.db, mapping.name, settings.leaseSeconds, {
    kind: request.kind,
    actorId: request.actor.id,
    actorName: request.actor.name,
  });
  if (!lease) return undefined;
  let run: RunContext | undefined;
  try {
    const full = request.kind === 'full';
    run = await buildRun(ctx, mapping, lease, settings, full);
    if (request.kind === 'record') {
      const r = request.record!;
      await syncRecord(run, {
        side: r.side,
        id: r.id,
        manual: true,
        ...(r.winner ? { winner: r.winner } : {}),
      });
    } else if (request.kind === 'match') {
      await matchCoupleAll(run);
    } else {
      await finishInterruptedRecords(run);
      for (const error of await retryableErrors(ctx.db, mapping.name))
        await syncRecord(run, { side: error.sourceSide, id: error.sourceId });
      if (mapping.direction !== 'FromSales') await readSide(run, 'erp', settings, full);
      if (mapping.direction !== 'ToSales') await readSide(run, 'sales', settings, full);
      if (full)
        await ctx.db
          .update(syncState)
          .set({ fullRequested: false })
          .where(eq(syncState.mapping, mapping.name));
    }
    await finishRun(ctx.db, lease, { status: 'succeeded', counts: run.counts });
    return {
      runId: lease.runId,
      mapping: mapping.name,
      kind: request.kind,
      status: 'succeeded',
      ...run.counts,
      message: null,
    };
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    const message = runFailureMessage(error);
    // Throttled or unavailable past the client's own retries: the mapping waits out the server's
    // Retry-After (30 s when it gave none) before the scheduler runs it again; no record failed.
    const retryAfter =
      error instanceof RemoteApiError && (error.status === 429 || error.status === 503)
        ? new Date(Date.now() + (error.retryAfterMs ?? 30_000))
        : null;
    const counts = run?.counts ?? { toSales: emptyCounts(), toErp: emptyCounts() };
    await finishRun(ctx.db, lease, { status: 'failed', counts, message, notBefore: retryAfter });
    if (!(error instanceof RemoteApiError) && !(error instanceof AppError)) throw error;
    return {
      runId: lease.runId,
      mapping: mapping.name,
      kind: request.kind,
      status: 'failed',
      ...counts,
      message,
    };
  }
}

function runFailureMessage(error: unknown): string {
  if (error instanceof RemoteApiError) {
    if (error.status === 429)
      return `${error.service} is throttling the integration user (429) longer than the client waits; the run stopped where it was and resumes after the wait. ${error.remoteMessage ?? ''}`.trim();
    if (error.status === 0)
      return `${error.service} cannot be reached (${error.message}); the run stopped where it was and resumes when it answers.`;
    return `${error.service} refused the run: ${error.remoteMessage ?? error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
