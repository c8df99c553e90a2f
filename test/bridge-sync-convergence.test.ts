/**
 * Convergence, as a property: rounds of random creates, edits and deletes on both sides through the
 * public APIs, some of them while a sync runs; then quiesce. Both sides must be equal under the
 * CUSTOMER mapping (no record lost or duplicated), no conflict may be left (policy Merge with the
 * ERP winning a field both changed, deletions propagated), the bridge must write nothing once in
 * step (an echo would keep it writing), and its writes stay within what the people's changes need.
 * Fixed seed in CI; SYNC_FUZZ_ROUNDS (default 5) and SYNC_FUZZ_SEED for longer runs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from './support/bridge.js';
import {
  connectSystem,
  erpApi,
  expectCustomersConverged,
  quiesce,
  salesApi,
  type ConnectedSystem,
} from './support/sync.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

const ROUNDS = Number(process.env.SYNC_FUZZ_ROUNDS ?? 5);
const SEED = Number(process.env.SYNC_FUZZ_SEED ?? 424242);

let system: TestSystem;
let c: ConnectedSystem;

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_SYNC_POLL_MS: '0' });
  c = await connectSystem(system);
  await ok(system, 'PATCH', '/bridge/mappings/CUSTOMER', {
    conflictPolicy: 'Merge',
    mergeTieBreak: 'ErpWins',
    deletionPolicy: 'Propagate',
  });
  await ok(system, 'POST', '/bridge/sync/review/start');
}, 300_000);
afterAll(async () => {
  await system?.stop();
});

const text = fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,11}$/);
const op = fc.oneof(
  fc.record({ kind: fc.constant('erp-create' as const), name: text, city: text, seller: fc.nat(2) }),
  fc.record({ kind: fc.constant('sales-create' as const), name: text, phone: text, seller: fc.nat(1) }),
  fc.record({
    kind: fc.constant('erp-edit' as const),
    pick: fc.nat(),
    field: fc.constantFrom('city', 'phoneNumber', 'website', 'displayName'),
    value: text,
  }),
  fc.record({
    kind: fc.constant('sales-edit' as const),
    pick: fc.nat(),
    field: fc.constantFrom('address1_city', 'telephone1', 'websiteurl', 'name'),
    value: text,
  }),
  fc.record({ kind: fc.constant('erp-delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('sales-delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('sync' as const) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

let unique = 0;

async function apply(o: Op): Promise<boolean> {
  const erp = erpApi(c);
  const sales = salesApi(c);
  const seller = (n: number) => c.sellers[n % c.sellers.length]!;
  switch (o.kind) {
    case 'erp-create':
      await erp.create('customers', {
        displayName: `${o.name} ${++unique}`,
        city: o.city,
        salespersonCode: o.seller === 2 ? '' : seller(o.seller).code,
      });
      return true;
    case 'sales-create':
      await salesApi(c, seller(o.seller).token).create('accounts', {
        name: `${o.name} ${++unique}`,
        telephone1: o.phone,
      });
      return true;
    case 'erp-edit':
    case 'erp-delete': {
      const list = await erp.list('customers', "blocked eq ' '");
      if (list.length === 0) return false;
      const target = list[o.pick % list.length]!;
      // A sync running meanwhile may have deleted it (deletions propagate): then nothing happened.
      if (o.kind === 'erp-delete') return erp.tryWrite('DELETE', 'customers', target.id);
      return erp.tryWrite('PATCH', 'customers', target.id, {
        [o.field]: o.field === 'displayName' ? `${o.value} ${++unique}` : o.value,
      });
    }
    case 'sales-edit':
    case 'sales-delete': {
      const list = await sales.list('accounts', 'statecode eq 0', 'accountid,_ownerid_value');
      if (list.length === 0) return false;
      const target = list[o.pick % list.length]!;
      const owner = c.sellers.find((s) => s.systemUserId === target._ownerid_value);
      const as = salesApi(c, owner?.token ?? c.adminToken);
      // A sync running meanwhile may have deleted it (deletions propagate): then nothing happened.
      if (o.kind === 'sales-delete') return as.tryWrite('DELETE', 'accounts', target.accountid as string);
      return as.tryWrite('PATCH', 'accounts', target.accountid as string, {
        [o.field]: o.field === 'name' ? `${o.value} ${++unique}` : o.value,
      });
    }
    default:
      return false;
  }
}

describe('sync convergence', () => {
  // Concurrent on PGlite as on PostgreSQL: the edits are separate HTTP requests landing between the
  // running sync's own requests (its read of a record and its write come in different calls), which
  // does not need overlapping transactions. PostgreSQL adds truly parallel queries on top.
  it(`converges with no echo after random concurrent changes on both sides (${ROUNDS} rounds, seed ${SEED})`, async () => {
    let bridgeWrites = 0;
    let personChanges = 0;
    const countWrites = (
      value: Array<{ status: string; toSales?: Record<string, number>; toErp?: Record<string, number> }>,
    ) => {
      for (const r of value)
        if (r.status !== 'busy')
          for (const side of [r.toSales!, r.toErp!])
            bridgeWrites += side.inserted! + side.modified! + side.deleted!;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 6, maxLength: 18 }), async (ops) => {
        const running: Array<Promise<void>> = [];
        for (const o of ops) {
          if (o.kind === 'sync') {
            // A sync that runs while the next changes are made.
            running.push(
              ok(system, 'POST', '/bridge/sync/run', { mapping: 'CUSTOMER' }).then((r) =>
                countWrites(r.value),
              ),
            );
            continue;
          }
          if (await apply(o)) personChanges++;
        }
        await Promise.all(running);
        const last = await quiesce(c);
        expect(last, 'the bridge keeps writing once in step (an echo)').toBe(0);
        await expectCustomersConverged(c);
        const errors = await ok(system, 'GET', '/bridge/sync/errors?mapping=CUSTOMER');
        expect(errors.value, `conflicts and failures left: ${JSON.stringify(errors.value)}`).toEqual([]);
      }),
      { numRuns: ROUNDS, seed: SEED, endOnFailure: true },
    );
    // Every bridge write answers a person's change: at most one write per side per change.
    const log = await ok(system, 'GET', '/bridge/sync/runs?mapping=CUSTOMER&top=5000');
    let total = 0;
    for (const r of log.value)
      for (const side of [r.toSales, r.toErp]) total += side.inserted + side.modified + side.deleted;
    expect(total).toBeLessThanOrEqual(2 * personChanges);
    expect(bridgeWrites).toBeLessThanOrEqual(total);
  }, 900_000);
});
