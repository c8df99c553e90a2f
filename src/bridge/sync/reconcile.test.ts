import { describe, expect, it } from 'vitest';
import { reconcile, type ReconcileInput } from './reconcile.js';

const fields = [
  { key: 'name', toSales: true, toErp: true },
  { key: 'city', toSales: true, toErp: true },
  { key: 'credit', toSales: true, toErp: false },
  { key: 'owner', toSales: false, toErp: true },
];
const base = { name: 'Adatum', city: 'Oslo', credit: 100, owner: 'JO' };
const input = (over: Partial<ReconcileInput>): ReconcileInput => ({
  fields,
  erp: base,
  sales: base,
  base: { erp: base, sales: base },
  source: 'erp',
  policy: 'Fail',
  tieBreak: 'Fail',
  ...over,
});

describe('reconcile', () => {
  it('writes nothing when both sides hold the base', () => {
    expect(reconcile(input({}))).toEqual({
      kind: 'write',
      final: { erp: base, sales: base },
      toErp: [],
      toSales: [],
    });
  });

  it('carries a one-sided change to the other side, field by field', () => {
    const r = reconcile(input({ erp: { ...base, name: 'Adatum Ltd' } }));
    expect(r).toMatchObject({ kind: 'write', toSales: ['name'], toErp: [] });
    const s = reconcile(input({ sales: { ...base, city: 'Bergen' } }));
    expect(s).toMatchObject({
      kind: 'write',
      toErp: ['city'],
      toSales: [],
      final: { erp: { city: 'Bergen' } },
    });
  });

  it('gives one-way fields their source’s value whoever changed them', () => {
    const r = reconcile(input({ sales: { ...base, credit: 5, owner: 'AB' }, erp: { ...base, owner: 'ZZ' } }));
    expect(r).toMatchObject({ kind: 'write', toSales: ['credit'], toErp: ['owner'] });
    if (r.kind === 'write') expect(r.final.sales).toMatchObject({ credit: 100, owner: 'AB' });
  });

  it('treats the same change made on both sides as in step (a replay after a crash)', () => {
    const r = reconcile(input({ erp: { ...base, name: 'X' }, sales: { ...base, name: 'X' } }));
    expect(r).toMatchObject({ kind: 'write', toErp: [], toSales: [] });
  });

  it('Fail: both sides changed (even different fields) waits for a decision and names the fields', () => {
    const r = reconcile(input({ erp: { ...base, name: 'E' }, sales: { ...base, city: 'S' } }));
    expect(r).toEqual({ kind: 'conflict', fields: [], erpChanged: ['name'], salesChanged: ['city'] });
    const same = reconcile(input({ erp: { ...base, name: 'E' }, sales: { ...base, name: 'S' } }));
    expect(same).toMatchObject({ kind: 'conflict', fields: [{ key: 'name', erp: 'E', sales: 'S' }] });
  });

  it('ErpWins / SalesWins: the winner takes every two-way field', () => {
    const changed = { erp: { ...base, name: 'E' }, sales: { ...base, name: 'S', city: 'Bergen' } };
    const e = reconcile(input({ ...changed, policy: 'ErpWins' }));
    expect(e).toMatchObject({
      kind: 'write',
      final: { sales: { name: 'E', city: 'Oslo' } },
      toSales: ['name', 'city'],
    });
    const s = reconcile(input({ ...changed, policy: 'SalesWins' }));
    expect(s).toMatchObject({
      kind: 'write',
      final: { erp: { name: 'S', city: 'Bergen' } },
      toErp: ['name', 'city'],
    });
  });

  it('Merge keeps changes to different fields from both sides', () => {
    const r = reconcile(
      input({ erp: { ...base, name: 'E' }, sales: { ...base, city: 'S' }, policy: 'Merge' }),
    );
    expect(r).toMatchObject({
      kind: 'write',
      final: { erp: { name: 'E', city: 'S' }, sales: { name: 'E', city: 'S' } },
      toErp: ['city'],
      toSales: ['name'],
    });
  });

  it('Merge settles the same field by the tie-break', () => {
    const same = {
      erp: { ...base, name: 'E', city: 'X' },
      sales: { ...base, name: 'S' },
      policy: 'Merge' as const,
    };
    expect(reconcile(input(same))).toMatchObject({ kind: 'conflict', fields: [{ key: 'name' }] });
    expect(reconcile(input({ ...same, tieBreak: 'SalesWins' }))).toMatchObject({
      kind: 'write',
      final: { erp: { name: 'S', city: 'X' } },
    });
    expect(reconcile(input({ ...same, tieBreak: 'ErpWins' }))).toMatchObject({
      kind: 'write',
      final: { sales: { name: 'E', city: 'X' } },
    });
  });

  it('a person’s decision overrides the Fail policy for one record', () => {
    const r = reconcile(
      input({ erp: { ...base, name: 'E' }, sales: { ...base, name: 'S' }, winner: 'sales' }),
    );
    expect(r).toMatchObject({
      kind: 'write',
      final: { erp: { name: 'S' } },
      toErp: ['name'],
      settled: { by: 'decision' },
    });
  });

  it('without a base, the source side’s values flow', () => {
    const r = reconcile(input({ base: null, source: 'sales', erp: { ...base, name: 'E' }, sales: base }));
    expect(r).toMatchObject({ kind: 'write', final: { erp: { name: 'Adatum' } }, toErp: ['name'] });
  });

  it('compares blank and null, and numbers by value', () => {
    const r = reconcile(
      input({
        erp: { ...base, city: null, credit: 100 },
        sales: { ...base, city: null, credit: 100.0 },
        base: { erp: { ...base, city: null }, sales: { ...base, city: null } },
      }),
    );
    expect(r).toMatchObject({ kind: 'write', toErp: [], toSales: [] });
  });

  it('leaves a divergence that was not carried over (rule A3) until a side changes that field', () => {
    // Sales holds an edit made as the integration user; its base took it in.
    const sales = { ...base, city: 'Integration edit' };
    const pairBase = { erp: base, sales };
    const quiet = reconcile(input({ sales, base: pairBase, erp: { ...base, name: 'E' } }));
    expect(quiet).toMatchObject({ kind: 'write', toSales: ['name'], toErp: [] });
    if (quiet.kind === 'write') expect(quiet.final.sales.city).toBe('Integration edit');
    const changed = reconcile(input({ sales, base: pairBase, erp: { ...base, city: 'Oslo 2' } }));
    expect(changed).toMatchObject({ kind: 'write', toSales: ['city'], final: { sales: { city: 'Oslo 2' } } });
  });
});
