/**
 * Sales throttles the integration user (Dataverse service protection: 429 with Retry-After) in the
 * middle of a sync: the bridge waits as told and goes on; no record fails, nothing is duplicated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from './support/bridge.js';
import { connectSystem, erpApi, salesApi, syncNow, type ConnectedSystem } from './support/sync.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let c: ConnectedSystem;
const lines: string[] = [];

beforeAll(async () => {
  system = await startTestSystem(
    {
      TANDEM_SYNC_POLL_MS: '0',
      // 10 requests per user in any 2 s: a sync of 30 customers is throttled, each wait short.
      TANDEM_SALES_REQUEST_LIMIT: '10',
      TANDEM_SALES_WINDOW_SECONDS: '2',
      LOG_LEVEL: 'info',
    },
    { logStream: { write: (line: string) => lines.push(line) } },
  );
  c = await connectSystem(system);
  await ok(system, 'POST', '/bridge/sync/review/start');
});
afterAll(async () => {
  await system?.stop();
});

describe('sync under Sales service protection', () => {
  it('waits out 429 Retry-After and fails no record', async () => {
    const erp = erpApi(c);
    for (let i = 0; i < 30; i++)
      await erp.create('customers', { displayName: `Throttled ${i}`, salespersonCode: c.sellers[0]!.code });
    const before = lines.length;
    const results = await syncNow(c, { mapping: 'CUSTOMER' });
    const customer = results.find((r) => r.mapping === 'CUSTOMER')!;
    expect(customer.status).toBe('succeeded');
    expect(customer.toSales.inserted).toBe(30);
    expect(customer.toSales.failed).toBe(0);
    // Sales did refuse some of the run's requests: its log has the service protection refusals.
    const throttled = lines.slice(before).filter((l) => /"status":429/.test(l) && /0x80072322/.test(l));
    expect(throttled.length).toBeGreaterThan(0);
    const errors = await ok(system, 'GET', '/bridge/sync/errors?mapping=CUSTOMER');
    expect(errors.value).toHaveLength(0);
    const accounts = await salesApi(c).list('accounts', "startswith(name,'Throttled ')", 'name');
    expect(accounts).toHaveLength(30);
  });
});
