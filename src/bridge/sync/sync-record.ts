/**
 * Synchronising one record: find its coupling, finish a create or a write a crash interrupted, skip
 * what the bridge itself wrote (rule A3: by version first, by modifier for feed changes), then create
 * and couple its counterpart, or reconcile the coupled pair field by field, or apply the deletion
 * policy. Each record's bookkeeping is committed on its own (fenced by the run's lease), so a run
 * stopped anywhere loses nothing: what was not recorded is done again, and doing it again is harmless.
 */
import { and, eq, sql } from 'drizzle-orm';
import { RemoteApiError } from '../clients/index.js';
import { SYSTEM } from '../context.js';
import { insertCoupling } from '../coupling/couplings.js';
import { couplings, personEdits } from '../schema.js';
import { showValue, type CanonicalRecord } from './canonical-values.js';
import { erpBody, erpValues, salesBody, salesValues } from './field-plan.js';
import { reconcile, type PairBase, type SyncSide } from './reconcile.js';
import { RecordSyncError, fromRemote, isRunLevel } from './record-error.js';
import { countsTo, describeRecord, other, type RunContext } from './run-context.js';
import type { SideRecord } from './sides.js';
import {
  clearErrors,
  fenced,
  findCoupling,
  recordFailure,
  skippedError,
  type CouplingRow,
} from './sync-bookkeeping.js';

export interface RecordTrigger {
  side: SyncSide;
  id: string;
  deleted?: boolean;
  /** The record as the change feed delivered it (its modifier is known). */
  record?: SideRecord;
  /** Started by a person (synchronise now, retry): ignores skipped flags and versions already seen. */
  manual?: boolean;
  /** A person's decision for a conflict. */
  winner?: SyncSide;
}

const idOn = (c: CouplingRow, side: SyncSide) => (side === 'erp' ? c.erpId : c.salesId);
const versionOn = (c: CouplingRow, side: SyncSide) => (side === 'erp' ? c.erpVersion : c.salesVersion) ?? -1;

/** [ERP record, Sales record] from a record of `side` and its counterpart. */
function bySide(side: SyncSide, record: SideRecord, counterpart: SideRecord): [SideRecord, SideRecord] {
  return side === 'erp' ? [record, counterpart] : [counterpart, record];
}

function flowsTo(run: RunContext, destination: SyncSide): boolean {
  const d = run.mapping.direction;
  return d === 'Bidirectional' || (destination === 'sales' ? d === 'ToSales' : d === 'FromSales');
}

async function valuesOf(run: RunContext, side: SyncSide, record: SideRecord): Promise<CanonicalRecord> {
  return side === 'erp'
    ? erpValues(run.fields, record.data, run.refs)
    : salesValues(run.fields, record.data, run.refs, describeRecord(run, side, record.id, record.data));
}

async function bodyFor(
  run: RunContext,
  destination: SyncSide,
  keys: string[],
  final: CanonicalRecord,
  what: string,
): Promise<Record<string, unknown>> {
  return destination === 'erp'
    ? erpBody(run.fields, keys, final, run.refs)
    : salesBody(run.fields, keys, final, run.refs, what);
}

/** What each side held after the last sync (older rows stored one set of values for both). */
function storedBase(coupling: CouplingRow): PairBase | null {
  const stored = coupling.baseValues as Record<string, unknown> | null;
  if (!stored) return null;
  if (
    'erp' in stored &&
    'sales' in stored &&
    typeof stored.erp === 'object' &&
    typeof stored.sales === 'object'
  )
    return stored as unknown as PairBase;
  return { erp: stored as CanonicalRecord, sales: stored as CanonicalRecord };
}

/**
 * Rule A3 for a change the integration identity made that the bridge did not write: it is not sent
 * to the other side, and its side's base takes it in, so it is not taken for a new change when the
 * other side changes later (the two sides keep differing there until a person changes that field).
 */
async function absorbOwnChange(run: RunContext, coupling: CouplingRow, side: SyncSide, record: SideRecord) {
  const values = await valuesOf(run, side, record);
  const base = storedBase(coupling) ?? { erp: values, sales: values };
  const next: PairBase =
    side === 'erp' ? { erp: values, sales: base.sales } : { erp: base.erp, sales: values };
  const id = coupling.id;
  await fenced(run.db, run.lease, async (tx) => {
    await tx
      .update(couplings)
      .set(
        side === 'erp'
          ? { erpVersion: record.version, baseValues: next }
          : { salesVersion: record.version, baseValues: next },
      )
      .where(and(eq(couplings.id, id), eq(couplings.state, 'coupled')));
    // Shown on the connection page: an edit made by a person signed in as the integration user.
    if (side === 'sales')
      await tx
        .insert(personEdits)
        .values({
          entitySet: run.sides.sales.entitySet,
          recordId: record.id,
          recordName: describeRecord(run, 'sales', record.id, record.data).replace(/^Sales \S+ /, ''),
          versionNumber: record.version,
          modifiedOn: null,
        })
        .onConflictDoNothing();
  });
}

/** Synchronises one record; a record-level failure is logged against it and the run goes on. */
export async function syncRecord(run: RunContext, trigger: RecordTrigger): Promise<void> {
  if (!trigger.manual && (await skippedError(run.db, run.mapping.name, trigger.side, trigger.id))) {
    countsTo(run, other(trigger.side)).skipped++;
    return;
  }
  let attempt = trigger;
  for (let tries = 0; ; tries++) {
    try {
      await syncOnce(run, attempt);
      return;
    } catch (error) {
      // Changed (412, If-Match) or deleted (404 on a write) between our read and our write: read
      // both again and decide again — a deletion then goes by the deletion policy.
      const raced =
        error instanceof RemoteApiError &&
        (error.status === 412 || (error.status === 404 && error.method !== 'GET'));
      if (raced && tries < 3) {
        attempt = { ...trigger, record: undefined };
        continue;
      }
      if (error instanceof RecordSyncError) return noteFailure(run, trigger, error);
      if (error instanceof RemoteApiError && !isRunLevel(error))
        return noteFailure(
          run,
          trigger,
          fromRemote(
            error,
            `synchronise ${describeRecord(run, trigger.side, trigger.id, trigger.record?.data)}`,
          ),
        );
      throw error;
    }
  }
}

async function syncOnce(run: RunContext, t: RecordTrigger): Promise<void> {
  let coupling = await findCoupling(run.db, run.mapping.name, t.side, t.id);
  if (coupling && coupling.state !== 'coupled') {
    await finishInterrupted(run, coupling);
    coupling = await findCoupling(run.db, run.mapping.name, t.side, t.id);
    if (!t.deleted) t = { ...t, record: undefined };
  }
  if (t.deleted) {
    if (coupling) await deletedOnSide(run, t.side, coupling);
    return;
  }
  const record = t.record ?? (await run.sides[t.side].get(t.id));
  if (!record) {
    if (coupling) await deletedOnSide(run, t.side, coupling);
    return;
  }
  const destination = other(t.side);
  // Rule A3, by version: this version (or an older one) was already synchronised — for the bridge's
  // own writes, exactly the version its write made.
  if (coupling && !t.manual && record.version <= versionOn(coupling, t.side)) {
    countsTo(run, destination).unchanged++;
    return;
  }
  // Rule A3, by modifier: a change the integration identity made that the bridge did not record
  // (a person signed in as it; the watch reports those) is never sent back.
  if (t.record && !t.manual && record.modifiedBy && record.modifiedBy === run.integrationIds[t.side]) {
    if (coupling) await absorbOwnChange(run, coupling, t.side, record);
    countsTo(run, destination).unchanged++;
    return;
  }
  // The integration identity is never a salesperson (rule A5), whatever the filter says.
  if (!run.filters[t.side](record.data) || (t.side === 'sales' && record.id === run.integrationIds.sales)) {
    if (coupling) countsTo(run, destination).skipped++;
    return;
  }
  if (!coupling) {
    if (!flowsTo(run, destination)) return;
    const match = await findMatch(run, t.side, record);
    if (match) {
      const pair = await couple(run, t.side, record, match);
      countsTo(run, destination).coupled++;
      await reconcilePair(run, pair, t.side, ...bySide(t.side, record, match), { winner: t.winner });
      return;
    }
    if (run.mapping.syncOnlyCoupled && !run.full && !t.manual) {
      countsTo(run, destination).skipped++;
      return;
    }
    await createCounterpart(run, t.side, record);
    return;
  }
  const counterpart = await run.sides[destination].get(idOn(coupling, destination));
  if (!counterpart) {
    await deletedOnSide(run, destination, coupling, record);
    return;
  }
  await reconcilePair(run, coupling, t.side, ...bySide(t.side, record, counterpart), { winner: t.winner });
}

/**
 * Finishes what a stopped run left: a create whose counterpart may or may not exist (found by the id
 * chosen beforehand), or a write to a coupled pair (reconciled from both records as they are now).
 */
export async function finishInterrupted(run: RunContext, coupling: CouplingRow): Promise<void> {
  if (coupling.state === 'syncing') {
    const [erp, sales] = await Promise.all([
      run.sides.erp.get(coupling.erpId),
      run.sides.sales.get(coupling.salesId),
    ]);
    if (!erp || !sales) {
      const gone: SyncSide = erp ? 'sales' : 'erp';
      await deletedOnSide(run, gone, coupling, erp ?? sales ?? undefined);
      return;
    }
    await reconcilePair(run, coupling, 'erp', erp, sales, {});
    return;
  }
  const destination = coupling.pendingSide ?? 'sales';
  const source = other(destination);
  const [sourceRecord, created] = await Promise.all([
    run.sides[source].get(idOn(coupling, source)),
    run.sides[destination].get(idOn(coupling, destination)),
  ]);
  if (!sourceRecord) {
    // The source went away before its counterpart was recorded.
    if (created) await deletedOnSide(run, source, { ...coupling, state: 'coupled' }, created);
    else await fenced(run.db, run.lease, (tx) => tx.delete(couplings).where(eq(couplings.id, coupling.id)));
    return;
  }
  await createCounterpart(run, source, sourceRecord, { coupling, existing: created ?? undefined });
}

/** The counterpart found by the mapping's strongest match fields: exactly one, not coupled yet. */
export async function findMatch(
  run: RunContext,
  side: SyncSide,
  record: SideRecord,
): Promise<SideRecord | null> {
  const candidates = run.fields.filter(
    (f) => f.matchPriority !== undefined && f.kind === 'plain' && f.erpField,
  );
  if (candidates.length === 0) return null;
  const first = Math.min(...candidates.map((f) => f.matchPriority!));
  return matchInGroup(
    run,
    side,
    record,
    candidates.filter((f) => f.matchPriority === first),
  );
}

export async function matchInGroup(
  run: RunContext,
  side: SyncSide,
  record: SideRecord,
  group: RunContext['fields'],
): Promise<SideRecord | null> {
  const destination = other(side);
  const criteria = group
    .map((f) => ({
      source: side === 'erp' ? f.erpField! : f.salesAttribute,
      target: destination === 'erp' ? f.erpField! : f.salesAttribute,
    }))
    .map((c) => ({ ...c, value: record.data[c.source] }))
    .filter((c) => typeof c.value === 'string' && c.value !== '');
  if (criteria.length === 0) return null;
  const [firstCriterion, ...rest] = criteria;
  const found = (
    await run.sides[destination].findBy(firstCriterion!.target, firstCriterion!.value as string)
  ).filter(
    (r) =>
      rest.every((c) => String(r.data[c.target] ?? '').toLowerCase() === String(c.value).toLowerCase()) &&
      run.filters[destination](r.data),
  );
  const uncoupled: SideRecord[] = [];
  for (const r of found)
    if (!(await findCoupling(run.db, run.mapping.name, destination, r.id))) uncoupled.push(r);
  return uncoupled.length === 1 ? uncoupled[0]! : null;
}

async function couple(
  run: RunContext,
  side: SyncSide,
  record: SideRecord,
  match: SideRecord,
): Promise<CouplingRow> {
  const erpId = side === 'erp' ? record.id : match.id;
  const salesId = side === 'sales' ? record.id : match.id;
  const row = await fenced(run.db, run.lease, (tx) =>
    insertCoupling(tx, { mapping: run.mapping.name, erpId, salesId, createdBy: SYSTEM.id }),
  );
  // Refused only when a concurrent run coupled one of them first: decide again from the start.
  if (!row)
    throw new RemoteApiError('Coupled meanwhile', 412, undefined, undefined, 'POST', 'couplings', 'Tandem');
  return row;
}

/**
 * Creates the source record's counterpart with an id chosen and recorded first ('pending'), so a
 * crash anywhere leaves either nothing or a record the next run finds by that id. Then values the
 * new record got on its own (a number drawn from a series, a code upper-cased) are written back.
 */
async function createCounterpart(
  run: RunContext,
  source: SyncSide,
  record: SideRecord,
  resume?: { coupling: CouplingRow; existing?: SideRecord },
): Promise<void> {
  const destination = other(source);
  const what = describeRecord(run, source, record.id, record.data);
  const values = await valuesOf(run, source, record);
  let coupling = resume?.coupling;
  let created = resume?.existing;
  if (!created) {
    const keys = run.fields
      .filter((f) => (destination === 'sales' ? f.toSales : f.toErp) && values[f.key] !== null)
      .map((f) => f.key);
    const body = {
      ...run.createDefaults[destination],
      ...(await bodyFor(run, destination, keys, values, what)),
    };
    if (!coupling) {
      const id = run.newId();
      coupling = await fenced(run.db, run.lease, async (tx) => {
        const [row] = await tx
          .insert(couplings)
          .values({
            mapping: run.mapping.name,
            erpId: source === 'erp' ? record.id : id,
            salesId: source === 'sales' ? record.id : id,
            state: 'pending',
            pendingSide: destination,
            createdBy: SYSTEM.id,
          })
          .returning();
        return row!;
      });
    }
    try {
      created = await run.sides[destination].create(idOn(coupling, destination), body);
    } catch (error) {
      // Refused (not lost on the way): nothing was created, so the intent goes.
      if (error instanceof RemoteApiError && !isRunLevel(error)) {
        const intent = coupling.id;
        await fenced(run.db, run.lease, (tx) => tx.delete(couplings).where(eq(couplings.id, intent)));
        throw fromRemote(error, `create the counterpart of ${what}`);
      }
      throw error;
    }
    countsTo(run, destination).inserted++;
  }
  const erp = source === 'erp' ? record : created;
  const sales = source === 'sales' ? record : created;
  await reconcilePair(run, coupling!, destination, erp, sales, { base: values, afterCreate: true });
}

/**
 * Brings a coupled pair in step by the three-way comparison (reconcile.ts), writes what differs with
 * If-Match on the versions read, and records both versions this sync made (rule A3) and the base.
 */
async function reconcilePair(
  run: RunContext,
  coupling: CouplingRow,
  source: SyncSide,
  erpRecord: SideRecord,
  salesRecord: SideRecord,
  options: { winner?: SyncSide; base?: CanonicalRecord; afterCreate?: boolean },
): Promise<void> {
  const what = describeRecord(run, 'erp', erpRecord.id, erpRecord.data);
  const [erpVals, salesVals] = await Promise.all([
    valuesOf(run, 'erp', erpRecord),
    valuesOf(run, 'sales', salesRecord),
  ]);
  const outcome = reconcile({
    fields: run.fields,
    erp: erpVals,
    sales: salesVals,
    base: options.base ? { erp: options.base, sales: options.base } : storedBase(coupling),
    source,
    policy: run.mapping.conflictPolicy as 'Fail' | 'ErpWins' | 'SalesWins' | 'Merge',
    tieBreak: run.mapping.mergeTieBreak,
    ...(options.winner ? { winner: options.winner } : {}),
  });
  if (outcome.kind === 'conflict')
    throw new RecordSyncError(conflictMessage(run, erpRecord, salesRecord, outcome));
  let erp = erpRecord;
  let sales = salesRecord;
  const writes = outcome.toErp.length + outcome.toSales.length;
  if (writes > 0 && coupling.state === 'coupled') {
    // Marked before the first remote write, so a crash between the two writes is finished next run.
    const id = coupling.id;
    await fenced(run.db, run.lease, (tx) =>
      tx.update(couplings).set({ state: 'syncing' }).where(eq(couplings.id, id)),
    );
  }
  if (outcome.toSales.length > 0) {
    sales = await run.sides.sales.update(
      sales,
      await bodyFor(run, 'sales', outcome.toSales, outcome.final.sales, what),
    );
    if (!options.afterCreate) countsTo(run, 'sales').modified++;
  }
  if (outcome.toErp.length > 0) {
    erp = await run.sides.erp.update(erp, await bodyFor(run, 'erp', outcome.toErp, outcome.final.erp, what));
    if (!options.afterCreate) countsTo(run, 'erp').modified++;
  }
  if (writes === 0 && !options.afterCreate) countsTo(run, other(source)).unchanged++;
  const id = coupling.id;
  await fenced(run.db, run.lease, async (tx) => {
    await tx
      .update(couplings)
      .set({
        state: 'coupled',
        pendingSide: null,
        erpVersion: erp.version,
        salesVersion: sales.version,
        baseValues: outcome.final,
        lastSyncedAt: sql`now()`,
        lastResult: 'success',
        lastError: null,
        failureCount: 0,
        skipped: false,
      })
      .where(eq(couplings.id, id));
    await clearErrors(tx, run.mapping.name, [
      { side: 'erp', id: erp.id },
      { side: 'sales', id: sales.id },
    ]);
  });
}

function conflictMessage(
  run: RunContext,
  erp: SideRecord,
  sales: SideRecord,
  outcome: Extract<ReturnType<typeof reconcile>, { kind: 'conflict' }>,
): string {
  const name = (key: string) => {
    const f = run.fields.find((x) => x.key === key);
    return f ? `${f.erpField ?? f.salesAttribute} ↔ ${f.salesAttribute}` : key;
  };
  const parts: string[] = [];
  if (outcome.fields.length > 0)
    parts.push(
      `both changed ${outcome.fields.map((c) => `${name(c.key)} (ERP ${showValue(c.erp)}, Sales ${showValue(c.sales)})`).join(', ')}`,
    );
  if (outcome.erpChanged.length > 0) parts.push(`the ERP changed ${outcome.erpChanged.map(name).join(', ')}`);
  if (outcome.salesChanged.length > 0)
    parts.push(`Sales changed ${outcome.salesChanged.map(name).join(', ')}`);
  return `${describeRecord(run, 'erp', erp.id, erp.data)} and ${describeRecord(run, 'sales', sales.id, sales.data)} both changed since the last synchronisation: ${parts.join('; ')}. The conflict policy of ${run.mapping.name} is ${run.mapping.conflictPolicy}${run.mapping.conflictPolicy === 'Merge' ? ` with tie-break ${run.mapping.mergeTieBreak}` : ''}, so neither side was overwritten. Retry the record choosing which side wins, or make both sides agree.`;
}

/** One record of a coupled pair is gone: the mapping's deletion policy says what happens to the other. */
async function deletedOnSide(
  run: RunContext,
  deletedSide: SyncSide,
  coupling: CouplingRow,
  survivor?: SideRecord,
): Promise<void> {
  const survivorSide = other(deletedSide);
  const kept = survivor ?? (await run.sides[survivorSide].get(idOn(coupling, survivorSide)));
  const removeCoupling = async () => {
    const id = coupling.id;
    await fenced(run.db, run.lease, async (tx) => {
      await tx.delete(couplings).where(eq(couplings.id, id));
      await clearErrors(tx, run.mapping.name, [
        { side: 'erp', id: coupling.erpId },
        { side: 'sales', id: coupling.salesId },
      ]);
    });
  };
  if (!kept) {
    await removeCoupling();
    countsTo(run, survivorSide).uncoupled++;
    return;
  }
  const gone = `${deletedSide === 'erp' ? 'The ERP' : 'The Sales'} record ${idOn(coupling, deletedSide)} coupled to ${describeRecord(run, survivorSide, kept.id, kept.data)}`;
  switch (run.mapping.deletionPolicy) {
    case 'RemoveCoupling':
      await removeCoupling();
      countsTo(run, survivorSide).uncoupled++;
      return;
    case 'Propagate':
      if (!flowsTo(run, survivorSide)) {
        await removeCoupling();
        countsTo(run, survivorSide).uncoupled++;
        return;
      }
      await run.sides[survivorSide].delete(kept);
      await removeCoupling();
      countsTo(run, survivorSide).deleted++;
      return;
    case 'Restore': {
      const values = await valuesOf(run, survivorSide, kept);
      const keys = run.fields
        .filter(
          (f) =>
            (f.toSales || f.toErp) && values[f.key] !== null && (deletedSide === 'erp' ? f.erpField : true),
        )
        .map((f) => f.key);
      const what = describeRecord(run, survivorSide, kept.id, kept.data);
      const body = {
        ...run.createDefaults[deletedSide],
        ...(await bodyFor(run, deletedSide, keys, values, what)),
      };
      const restored = await run.sides[deletedSide].create(idOn(coupling, deletedSide), body);
      countsTo(run, deletedSide).inserted++;
      const erp = deletedSide === 'erp' ? restored : kept;
      const sales = deletedSide === 'sales' ? restored : kept;
      await reconcilePair(run, coupling, survivorSide, erp, sales, { base: values, afterCreate: true });
      return;
    }
    default:
      throw new RecordSyncError(
        `${gone} was deleted. The deletion policy of ${run.mapping.name} is None, so ${describeRecord(run, survivorSide, kept.id, kept.data)} is kept and stays coupled to the deleted record. Remove the coupling, or delete the record yourself, then retry.`,
      );
  }
}

async function noteFailure(run: RunContext, t: RecordTrigger, error: RecordSyncError): Promise<void> {
  const coupling = await findCoupling(run.db, run.mapping.name, t.side, t.id);
  const destination = other(t.side);
  await fenced(run.db, run.lease, async (tx) => {
    const skipped = await recordFailure(tx, run.lease.runId, {
      mapping: run.mapping.name,
      sourceSide: t.side,
      sourceId: t.id,
      sourceName: t.record ? describeRecord(run, t.side, t.id, t.record.data) : null,
      destinationId: coupling ? idOn(coupling, destination) : null,
      kind: error.kind,
      message: error.message,
      remoteStatus: error.remote?.status ?? null,
      remoteCode: error.remote?.code ?? null,
      skipAfter: run.mapping.skipAfterFailures,
    });
    if (coupling && error.kind === 'failed')
      await tx
        .update(couplings)
        .set({
          lastResult: 'failure',
          lastError: error.message,
          failureCount: sql`${couplings.failureCount} + 1`,
          skipped,
        })
        .where(eq(couplings.id, coupling.id));
  });
  const counts = countsTo(run, destination);
  if (error.kind === 'waiting') counts.skipped++;
  else counts.failed++;
}
