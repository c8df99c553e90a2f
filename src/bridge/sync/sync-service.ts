/**
 * What the sync API and the scheduler call: run mappings in dependency order, synchronise one record,
 * retry failed ones, remove a coupling, the full-sync review, and the status of every mapping.
 * Every action a person starts is audited on the connection (who started what).
 */
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { AppError } from '../../platform/http/app-error.js';
import { recordBridgeAudit } from '../audit.js';
import { loadConnection } from '../connection.js';
import type { BridgeActor, BridgeContext } from '../context.js';
import { deleteCoupling as removeCoupling } from '../coupling/couplings.js';
import { listMappings } from '../mappings/mappings.js';
import { RemoteApiError } from '../clients/index.js';
import { integrationClients } from '../remote.js';
import { couplings, syncErrors, syncState } from '../schema.js';
import type { SyncSide } from './reconcile.js';
import { loadMapping, salesKeyAttribute, type RunKind, type RunResult } from './run-mapping.js';
import { ensureState, listErrors, listRuns, type SyncErrorRow, type SyncRunRow } from './sync-bookkeeping.js';

export type MappingOutcome = RunResult | { mapping: string; status: 'busy'; message: string };

const busy = (mapping: string): MappingOutcome => ({
  mapping,
  status: 'busy',
  message: `${mapping} is being synchronised by another run; it was not started again.`,
});

/** Runs mappings (all enabled ones, or the named one) in dependency order. */
export async function runMappings(
  ctx: BridgeContext,
  actor: BridgeActor,
  options: { mapping?: string; kind: Extract<RunKind, 'incremental' | 'full'>; audit?: boolean },
): Promise<MappingOutcome[]> {
  const names = options.mapping
    ? [(await loadMapping(ctx, options.mapping)).name]
    : (await listMappings(ctx.db)).filter((m) => m.enabled).map((m) => m.name);
  if (options.audit !== false)
    await recordBridgeAudit(ctx.db, actor, 'sync.run', { kind: options.kind, mappings: names });
  const out: MappingOutcome[] = [];
  for (const name of names) {
    await ensureState(ctx.db, name);
    const result = await ctx.runs.run({ mapping: name, kind: options.kind, actor });
    out.push(result ?? busy(name));
  }
  return out;
}

/** "Synchronise now" for one record (by its id on either side), optionally deciding a conflict. */
export async function syncRecordNow(
  ctx: BridgeContext,
  actor: BridgeActor,
  input: { mapping: string; side: SyncSide; id: string; winner?: SyncSide },
): Promise<MappingOutcome> {
  const mapping = await loadMapping(ctx, input.mapping);
  await recordBridgeAudit(ctx.db, actor, 'sync.record', { ...input });
  // A person's retry clears the skipped flag first.
  await ctx.db
    .update(syncErrors)
    .set({ skipped: false, count: 0 })
    .where(
      and(
        eq(syncErrors.mapping, mapping.name),
        eq(syncErrors.sourceSide, input.side),
        eq(syncErrors.sourceId, input.id),
      ),
    );
  await ensureState(ctx.db, mapping.name);
  const record = { side: input.side, id: input.id, ...(input.winner ? { winner: input.winner } : {}) };
  return (await ctx.runs.run({ mapping: mapping.name, kind: 'record', actor, record })) ?? busy(mapping.name);
}

/** Retries failed or skipped records (the named ones, or every one of a mapping, or all). */
export async function retryErrors(
  ctx: BridgeContext,
  actor: BridgeActor,
  input: { ids?: number[]; mapping?: string; winner?: SyncSide },
): Promise<{ retried: number; results: MappingOutcome[]; errors: ReturnType<typeof errorView>[] }> {
  const where = input.ids
    ? inArray(syncErrors.id, input.ids)
    : input.mapping
      ? eq(syncErrors.mapping, input.mapping)
      : undefined;
  const rows = await ctx.db.select().from(syncErrors).where(where);
  if (input.ids) {
    const missing = input.ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length > 0)
      throw new AppError(
        'NotFound',
        `There is no sync error with id ${missing.join(', ')}; list them with GET /bridge/sync/errors.`,
      );
  }
  await recordBridgeAudit(ctx.db, actor, 'sync.retry', {
    errors: rows.map((r) => r.id),
    winner: input.winner ?? null,
  });
  const results: MappingOutcome[] = [];
  for (const row of rows)
    results.push(
      await syncRecordNow(ctx, actor, {
        mapping: row.mapping,
        side: row.sourceSide,
        id: row.sourceId,
        ...(input.winner ? { winner: input.winner } : {}),
      }),
    );
  const left =
    rows.length > 0
      ? await ctx.db
          .select()
          .from(syncErrors)
          .where(
            inArray(
              syncErrors.id,
              rows.map((r) => r.id),
            ),
          )
      : [];
  return { retried: rows.length, results, errors: left.map(errorView) };
}

/** Removes a coupling (the two records stay; they are no longer synchronised with each other). */
export async function uncouple(
  ctx: BridgeContext,
  actor: BridgeActor,
  input: { mapping: string; erpId?: string; salesId?: string },
): Promise<{ removed: { erpId: string; salesId: string } }> {
  const mapping = await loadMapping(ctx, input.mapping);
  const [row] = await removeCoupling(
    ctx.db,
    mapping.name,
    input.erpId ? { erpId: input.erpId } : { salesId: input.salesId! },
  );
  if (!row)
    throw new AppError(
      'NotFound',
      `No ${mapping.name} coupling has ${input.erpId ? `ERP id ${input.erpId}` : `Sales id ${input.salesId}`}.`,
    );
  await ctx.db
    .delete(syncErrors)
    .where(
      and(
        eq(syncErrors.mapping, mapping.name),
        sql`(${syncErrors.sourceId} = ${row.erpId}::uuid or ${syncErrors.sourceId} = ${row.salesId}::uuid)`,
      ),
    );
  await recordBridgeAudit(ctx.db, actor, 'sync.uncouple', {
    mapping: mapping.name,
    erpId: row.erpId,
    salesId: row.salesId,
  });
  return { removed: { erpId: row.erpId, salesId: row.salesId } };
}

export type Recommendation = 'full-sync' | 'couple-by-match' | 'nothing-to-do' | 'cannot-run';

const RECOMMENDATION_TEXT: Record<Exclude<Recommendation, 'cannot-run'>, string> = {
  'full-sync': 'Records exist on one side only: a full sync creates them on the other side and couples them.',
  'couple-by-match':
    'Both sides hold records: they are first coupled by their match fields (exactly one uncoupled match each), then the rest is created and coupled.',
  'nothing-to-do': 'Neither side holds records yet: new records will flow as they are made.',
};

/** The full-sync review: per mapping, what the first sync will do, before anything is written. */
export async function fullSyncReview(ctx: BridgeContext) {
  const connection = await loadConnection(ctx.db);
  const clients = integrationClients(ctx, connection);
  const rows = [];
  for (const m of (await listMappings(ctx.db)).filter((x) => x.enabled)) {
    let erp = false;
    let salesHas = false;
    let problem: string | null = null;
    try {
      const erpRows = await clients.erp.list(connection.erpCompanyId!, m.erpEntity, {
        top: 1,
        select: ['id'],
        ...(m.erpFilter ? { filter: m.erpFilter } : {}),
      });
      const sales = await clients.sales.http.request<{ value: unknown[] }>('GET', m.salesEntity, {
        query: { $top: 1, $select: salesKeyAttribute(m.salesEntity), $filter: m.salesFilter ?? undefined },
      });
      erp = erpRows.length > 0;
      salesHas = sales.body.value.length > 0;
    } catch (error) {
      if (!(error instanceof RemoteApiError)) throw error;
      problem = `${error.service} refused to list ${error.service === 'ERP' ? m.erpEntity : m.salesEntity}: ${error.remoteMessage ?? error.message} Correct or disable the mapping ${m.name}.`;
    }
    const recommendation: Recommendation = problem
      ? 'cannot-run'
      : erp && salesHas
        ? 'couple-by-match'
        : erp || salesHas
          ? 'full-sync'
          : 'nothing-to-do';
    const [state] = await ctx.db.select().from(syncState).where(eq(syncState.mapping, m.name));
    rows.push({
      mapping: m.name,
      dependsOn: m.dependsOn,
      erpHasRecords: erp,
      salesHasRecords: salesHas,
      recommendation,
      explanation: problem ?? RECOMMENDATION_TEXT[recommendation as Exclude<Recommendation, 'cannot-run'>],
      started: Boolean(state),
    });
  }
  return { value: rows };
}

/**
 * Starts the first sync of every mapping as the review recommends, in dependency order: now, in this
 * request (`wait`), or by the background scheduler (a full run per mapping, which couples by match
 * before it creates), for large first syncs.
 */
export async function startFromReview(
  ctx: BridgeContext,
  actor: BridgeActor,
  options: { wait: boolean },
): Promise<{
  value: Array<{ mapping: string; recommendation: Recommendation; runs: MappingOutcome[]; queued: boolean }>;
}> {
  const review = await fullSyncReview(ctx);
  await recordBridgeAudit(ctx.db, actor, 'sync.review.start', {
    recommendations: Object.fromEntries(review.value.map((r) => [r.mapping, r.recommendation])),
    wait: options.wait,
  });
  const out = [];
  for (const line of review.value) {
    await ensureState(ctx.db, line.mapping);
    if (!options.wait) {
      const queued = line.recommendation === 'full-sync' || line.recommendation === 'couple-by-match';
      if (queued)
        await ctx.db
          .update(syncState)
          .set({ fullRequested: true })
          .where(eq(syncState.mapping, line.mapping));
      out.push({ mapping: line.mapping, recommendation: line.recommendation, runs: [], queued });
      continue;
    }
    const runs: MappingOutcome[] = [];
    if (line.recommendation === 'couple-by-match')
      runs.push((await ctx.runs.run({ mapping: line.mapping, kind: 'match', actor })) ?? busy(line.mapping));
    if (line.recommendation === 'full-sync' || line.recommendation === 'couple-by-match')
      runs.push((await ctx.runs.run({ mapping: line.mapping, kind: 'full', actor })) ?? busy(line.mapping));
    out.push({ mapping: line.mapping, recommendation: line.recommendation, runs, queued: false });
  }
  return { value: out };
}

export function runView(r: SyncRunRow) {
  return {
    id: r.id,
    mapping: r.mapping,
    kind: r.kind,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
    startedBy: { id: r.actorId, name: r.actorName },
    toSales: r.toSales,
    toErp: r.toErp,
    message: r.message,
  };
}

export function errorView(e: SyncErrorRow) {
  const direction = e.sourceSide === 'erp' ? 'ERP → Sales' : 'Sales → ERP';
  return {
    id: e.id,
    mapping: e.mapping,
    direction,
    source: { side: e.sourceSide, id: e.sourceId, name: e.sourceName },
    destination: e.destinationId
      ? { side: e.sourceSide === 'erp' ? 'sales' : 'erp', id: e.destinationId }
      : null,
    kind: e.kind,
    message: e.message,
    remote: e.remoteStatus ? { status: e.remoteStatus, code: e.remoteCode } : null,
    failures: e.count,
    skipped: e.skipped,
    firstAt: e.firstAt.toISOString(),
    lastAt: e.lastAt.toISOString(),
    lastRunId: e.lastRunId,
  };
}

export async function syncLog(ctx: BridgeContext, options: { mapping?: string; top: number }) {
  return { value: (await listRuns(ctx.db, options)).map(runView) };
}

export async function syncErrorLog(ctx: BridgeContext, options: { mapping?: string; top: number }) {
  return { value: (await listErrors(ctx.db, options)).map(errorView) };
}

/** Every mapping: enabled, whether its first sync started, the lease, watermarks, couplings, errors, last run. */
export async function syncStatus(ctx: BridgeContext) {
  const connection = await loadConnection(ctx.db);
  const maps = await listMappings(ctx.db);
  const states = await ctx.db.select().from(syncState);
  const coupled = await ctx.db
    .select({ mapping: couplings.mapping, n: count() })
    .from(couplings)
    .groupBy(couplings.mapping);
  const errors = await ctx.db
    .select({ mapping: syncErrors.mapping, skipped: syncErrors.skipped, kind: syncErrors.kind, n: count() })
    .from(syncErrors)
    .groupBy(syncErrors.mapping, syncErrors.skipped, syncErrors.kind);
  const paused = !connection.enabled
    ? `The connection is not enabled${connection.disabledReason ? `: ${connection.disabledReason}` : ''}.`
    : connection.suspended
      ? 'The connection is suspended: an account check of the integration user fails, so nothing is synchronised until it passes.'
      : null;
  const value = [];
  for (const m of maps) {
    const s = states.find((x) => x.mapping === m.name);
    const [last] = await listRuns(ctx.db, { mapping: m.name, top: 1 });
    const e = errors.filter((x) => x.mapping === m.name);
    const sum = (f: (x: (typeof e)[number]) => boolean) => e.filter(f).reduce((a, x) => a + Number(x.n), 0);
    value.push({
      mapping: m.name,
      enabled: m.enabled,
      started: Boolean(s),
      running: Boolean(s?.leaseUntil && s.leaseUntil.getTime() > Date.now()),
      erpWatermark: s?.erpWatermark ?? 0,
      salesTracking: s?.salesCursor ? 'delta link stored' : 'from the beginning',
      fullRequested: s?.fullRequested ?? false,
      couplings: Number(coupled.find((c) => c.mapping === m.name)?.n ?? 0),
      failed: sum((x) => !x.skipped && x.kind === 'failed'),
      waiting: sum((x) => x.kind === 'waiting'),
      skipped: sum((x) => x.skipped),
      lastError: s?.lastError ?? null,
      /** The scheduler waits until then (throttling, or backoff after failed runs). */
      waitsUntil: s?.notBefore && s.notBefore.getTime() > Date.now() ? s.notBefore.toISOString() : null,
      lastRun: last ? runView(last) : null,
    });
  }
  return { paused, value };
}
