/**
 * Near-real-time triggering: a short polling pass over both apps' change feeds (both sides, unlike
 * Business Central, which wakes only on its own changes), cheap when nothing changed — one request
 * per side per mapping, asking for at most one change. A mapping runs when either side has changes,
 * or records wait (an interrupted create or write, a failure to retry), or a full run was asked for,
 * or its periodic full safety pass is due. Mappings run in dependency order; only mappings whose
 * first sync was started (the full-sync review, or a run by hand) are polled. Paused while the
 * connection is disabled or suspended; a throttled mapping waits for its Retry-After. The runs
 * themselves are jobs on the queue (`run-queue.ts`); a pass waits for each, so order holds.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { ForegroundGate } from '../../platform/jobs/foreground-gate.js';
import { canWrite, loadConnection } from '../connection.js';
import { SYSTEM, type BridgeContext } from '../context.js';
import { listMappings } from '../mappings/mappings.js';
import { integrationClients, type ConnectionRow } from '../remote.js';
import { couplings, syncErrors, syncRuns, syncState } from '../schema.js';
import type { SyncStateRow } from './sync-bookkeeping.js';

export interface SyncScheduler {
  /** One polling pass now (resolves when its runs are done). */
  pollNow(): Promise<void>;
  /** Stops polling and waits for the run in progress to end. */
  close(): Promise<void>;
}

export interface SchedulerOptions {
  pollMs: number;
  safetyPassMs: number;
  gate?: ForegroundGate;
  onError: (error: unknown) => void;
}

/** Whether a mapping has anything to do, asked as cheaply as the APIs allow. */
async function hasWork(
  ctx: BridgeContext,
  connection: ConnectionRow,
  mapping: { name: string; erpEntity: string; salesEntity: string; direction: string },
  state: SyncStateRow,
  safetyPassMs: number,
): Promise<'incremental' | 'full' | null> {
  if (state.fullRequested) return 'full';
  const [lastFull] = await ctx.db
    .select({ at: syncRuns.startedAt })
    .from(syncRuns)
    .where(and(eq(syncRuns.mapping, mapping.name), eq(syncRuns.kind, 'full')))
    .orderBy(desc(syncRuns.id))
    .limit(1);
  if (safetyPassMs > 0 && (!lastFull || Date.now() - lastFull.at.getTime() > safetyPassMs)) return 'full';
  const [stuck] = await ctx.db
    .select({ id: couplings.id })
    .from(couplings)
    .where(and(eq(couplings.mapping, mapping.name), inArray(couplings.state, ['pending', 'syncing'])))
    .limit(1);
  const [failed] = await ctx.db
    .select({ id: syncErrors.id })
    .from(syncErrors)
    .where(and(eq(syncErrors.mapping, mapping.name), eq(syncErrors.skipped, false)))
    .limit(1);
  if (stuck || failed) return 'incremental';
  const clients = integrationClients(ctx, connection);
  if (mapping.direction !== 'FromSales') {
    const page = await clients.erp.readChanges(
      connection.erpCompanyId!,
      mapping.erpEntity,
      state.erpWatermark,
      1,
    );
    if (page.changes.length > 0) return 'incremental';
  }
  if (mapping.direction !== 'ToSales') {
    if (!state.salesCursor) return 'incremental';
    const page = await clients.sales.http.request<{ value: unknown[] }>('GET', state.salesCursor, {
      headers: { Prefer: 'odata.track-changes,odata.maxpagesize=1' },
    });
    if (page.body.value.length > 0) return 'incremental';
  }
  return null;
}

export function startSyncScheduler(ctx: BridgeContext, options: SchedulerOptions): SyncScheduler {
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const pass = async () => {
    const connection = await loadConnection(ctx.db);
    if (!canWrite(connection) || connection.setup) return;
    const states = await ctx.db.select().from(syncState);
    for (const mapping of await listMappings(ctx.db)) {
      if (closed) return;
      const state = states.find((s) => s.mapping === mapping.name);
      if (!mapping.enabled || !state) continue;
      if (state.notBefore && state.notBefore.getTime() > Date.now()) continue;
      if (state.leaseUntil && state.leaseUntil.getTime() > Date.now()) continue;
      try {
        const kind = await hasWork(ctx, connection, mapping, state, options.safetyPassMs);
        if (!kind) continue;
        await options.gate?.idle();
        // As a job on the queue, keyed by the mapping: queued once however often the feeds wake it.
        await ctx.runs.run({ mapping: mapping.name, kind, actor: SYSTEM }, { key: mapping.name });
      } catch (error) {
        options.onError(error);
      }
    }
  };

  const pollNow = () => {
    running = running.then(pass).catch(options.onError);
    return running;
  };

  const schedule = () => {
    if (closed || options.pollMs <= 0) return;
    timer = setTimeout(() => {
      void pollNow().finally(schedule);
    }, options.pollMs);
    timer.unref();
  };
  schedule();

  return {
    pollNow,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
