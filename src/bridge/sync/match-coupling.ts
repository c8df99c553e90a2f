/**
 * Match-based coupling (Business Central's "couple records"): every uncoupled ERP record of the
 * mapping is looked up in Sales by the match fields, one priority group after another (lowest
 * first); it is coupled only to exactly one uncoupled match, then synchronised. Used by the full-sync
 * review when both sides already hold data, so a first sync couples instead of duplicating.
 */
import { AppError } from '../../platform/http/app-error.js';
import { SYSTEM } from '../context.js';
import { insertCoupling } from '../coupling/couplings.js';
import { countsTo, type RunContext } from './run-context.js';
import { fenced, findCoupling } from './sync-bookkeeping.js';
import { matchInGroup, syncRecord } from './sync-record.js';

export async function matchCoupleAll(run: RunContext): Promise<{ coupled: number; unmatched: number }> {
  const candidates = run.fields.filter(
    (f) => f.matchPriority !== undefined && f.kind === 'plain' && f.erpField,
  );
  if (candidates.length === 0)
    throw new AppError(
      'Conflict',
      `The mapping ${run.mapping.name} has no match fields (matchPriority), so it cannot couple by match. Give one or more of its fields a matchPriority first.`,
    );
  const priorities = [...new Set(candidates.map((f) => f.matchPriority!))].sort((a, b) => a - b);
  let coupled = 0;
  let unmatched = 0;
  let cursor: string | null = null;
  for (;;) {
    const page = await run.sides.erp.changes(cursor, 500);
    for (const change of page.changes) {
      const record = change.record;
      if (!record || !run.filters.erp(record.data)) continue;
      if (await findCoupling(run.db, run.mapping.name, 'erp', record.id)) continue;
      let match = null;
      for (const p of priorities) {
        match = await matchInGroup(
          run,
          'erp',
          record,
          candidates.filter((f) => f.matchPriority === p),
        );
        if (match) break;
      }
      if (!match) {
        unmatched++;
        countsTo(run, 'sales').skipped++;
        continue;
      }
      const salesId = match.id;
      await fenced(run.db, run.lease, (tx) =>
        insertCoupling(tx, { mapping: run.mapping.name, erpId: record.id, salesId, createdBy: SYSTEM.id }),
      );
      countsTo(run, 'sales').coupled++;
      coupled++;
      await syncRecord(run, { side: 'erp', id: record.id, record, manual: true });
    }
    cursor = page.cursor;
    if (!page.more) break;
  }
  return { coupled, unmatched };
}
