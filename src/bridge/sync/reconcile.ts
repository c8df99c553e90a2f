/**
 * The decision at the heart of the sync, as a pure function: given what a coupled ERP record and
 * Sales record hold now (canonical values per mapped field) and what both held after the last sync
 * (the base), which final values the pair should hold and which side must be written.
 *
 * Three-way and field by field (Business Central keeps no base, so it can only say "some
 * bidirectional value differs"): a field changed on one side only takes that side's value; a field
 * both sides changed to the same value is in step. One-way fields always take their source's value.
 * Two-sided changes go by the mapping's conflict policy:
 * - Fail: if both sides hold changes the other lacks, nothing is written; the record waits for a
 *   decision (retry with a winner, or edit one side).
 * - ErpWins / SalesWins: then every bidirectional field takes the winner's value.
 * - Merge: changes to different fields are all kept; a field both changed to different values goes
 *   by the tie-break (Fail, ErpWins, SalesWins).
 */
import { sameValue, type CanonicalRecord, type CanonicalValue } from './canonical-values.js';

export type SyncSide = 'erp' | 'sales';
export type ConflictPolicy = 'Fail' | 'ErpWins' | 'SalesWins' | 'Merge';
export type TieBreak = 'Fail' | 'ErpWins' | 'SalesWins';

export interface ReconcileField {
  key: string;
  /** The ERP value may flow to Sales. */
  toSales: boolean;
  /** The Sales value may flow to the ERP. */
  toErp: boolean;
}

/**
 * What each side held after the last sync. Usually the same values; they differ where a change was
 * deliberately not carried over (rule A3: an edit made as the integration user), so that such a
 * divergence is not mistaken for a new change later.
 */
export interface PairBase {
  erp: CanonicalRecord;
  sales: CanonicalRecord;
}

export interface ReconcileInput {
  fields: readonly ReconcileField[];
  erp: CanonicalRecord;
  sales: CanonicalRecord;
  /** Values after the last sync; null for a pair never synchronised (then `source` decides). */
  base: PairBase | null;
  /** Without a base, the side whose values count as the change (the other is taken as the base). */
  source: SyncSide;
  policy: ConflictPolicy;
  tieBreak: TieBreak;
  /** A person's decision for this one record (retry with a winner) overrides the policy. */
  winner?: SyncSide;
}

export interface FieldConflict {
  key: string;
  erp: CanonicalValue;
  sales: CanonicalValue;
}

export type ReconcileOutcome =
  | {
      kind: 'write';
      /** The values the pair holds after the writes (each side's; they differ only where both did). */
      final: PairBase;
      /** Fields whose final value must be written to the ERP / to Sales (may be empty). */
      toErp: string[];
      toSales: string[];
      /** Both sides had changed: how it was settled (for the log). */
      settled?: { by: ConflictPolicy | 'decision'; winner?: SyncSide; fields: string[] };
    }
  | {
      kind: 'conflict';
      /** Fields changed on both sides to different values. */
      fields: FieldConflict[];
      /** Fields changed on one side only, when the policy is Fail (both sides changed). */
      erpChanged: string[];
      salesChanged: string[];
    };

export function reconcile(input: ReconcileInput): ReconcileOutcome {
  const { erp, sales } = input;
  const fallback = input.source === 'erp' ? sales : erp;
  const erpBase = input.base?.erp ?? fallback;
  const salesBase = input.base?.sales ?? fallback;
  const final: CanonicalRecord = {};
  /** Fields left as each side has them (neither changed since the last sync, but they differ). */
  const divergent = new Set<string>();
  const conflicts: FieldConflict[] = [];
  const erpOnly: string[] = [];
  const salesOnly: string[] = [];
  for (const f of input.fields) {
    const a = erp[f.key] ?? null;
    const b = sales[f.key] ?? null;
    if (f.toSales && !f.toErp) final[f.key] = a;
    else if (f.toErp && !f.toSales) final[f.key] = b;
    else if (!f.toSales && !f.toErp) continue;
    else if (sameValue(a, b)) final[f.key] = a;
    else {
      // A field added to the mapping since the last sync has no base: the source's value counts as the change.
      const unknown = input.source === 'erp' ? b : a;
      const erpChanged = !sameValue(a, f.key in erpBase ? (erpBase[f.key] ?? null) : unknown);
      const salesChanged = !sameValue(b, f.key in salesBase ? (salesBase[f.key] ?? null) : unknown);
      if (!erpChanged && !salesChanged) {
        divergent.add(f.key);
        final[f.key] = a;
      } else if (erpChanged && !salesChanged) {
        final[f.key] = a;
        erpOnly.push(f.key);
      } else if (salesChanged && !erpChanged) {
        final[f.key] = b;
        salesOnly.push(f.key);
      } else conflicts.push({ key: f.key, erp: a, sales: b });
    }
  }

  const bothChanged = conflicts.length > 0 || (erpOnly.length > 0 && salesOnly.length > 0);
  let settled: Extract<ReconcileOutcome, { kind: 'write' }>['settled'];
  const take = (winner: SyncSide, keys: string[]) => {
    for (const key of keys) final[key] = (winner === 'erp' ? erp[key] : sales[key]) ?? null;
  };
  if (bothChanged) {
    const twoWay = input.fields.filter((f) => f.toSales && f.toErp).map((f) => f.key);
    const changed = [...conflicts.map((c) => c.key), ...erpOnly, ...salesOnly];
    if (input.winner) {
      take(input.winner, twoWay);
      settled = { by: 'decision', winner: input.winner, fields: changed };
    } else if (input.policy === 'ErpWins' || input.policy === 'SalesWins') {
      const winner = input.policy === 'ErpWins' ? 'erp' : 'sales';
      take(winner, twoWay);
      settled = { by: input.policy, winner, fields: changed };
    } else if (input.policy === 'Merge') {
      if (conflicts.length > 0) {
        if (input.tieBreak === 'Fail')
          return { kind: 'conflict', fields: conflicts, erpChanged: [], salesChanged: [] };
        const winner = input.tieBreak === 'ErpWins' ? 'erp' : 'sales';
        take(
          winner,
          conflicts.map((c) => c.key),
        );
        settled = { by: 'Merge', winner, fields: changed };
      } else settled = { by: 'Merge', fields: changed };
    } else {
      return { kind: 'conflict', fields: conflicts, erpChanged: erpOnly, salesChanged: salesOnly };
    }
  }

  const toErp: string[] = [];
  const toSales: string[] = [];
  const finalErp: CanonicalRecord = {};
  const finalSales: CanonicalRecord = {};
  for (const f of input.fields) {
    if (!(f.key in final)) continue;
    if (divergent.has(f.key) && !(bothChanged && settled?.winner)) {
      finalErp[f.key] = erp[f.key] ?? null;
      finalSales[f.key] = sales[f.key] ?? null;
      continue;
    }
    finalErp[f.key] = f.toErp ? final[f.key]! : (erp[f.key] ?? null);
    finalSales[f.key] = f.toSales ? final[f.key]! : (sales[f.key] ?? null);
    if (f.toErp && !sameValue(final[f.key], erp[f.key])) toErp.push(f.key);
    if (f.toSales && !sameValue(final[f.key], sales[f.key])) toSales.push(f.key);
  }
  return {
    kind: 'write',
    final: { erp: finalErp, sales: finalSales },
    toErp,
    toSales,
    ...(settled ? { settled } : {}),
  };
}
