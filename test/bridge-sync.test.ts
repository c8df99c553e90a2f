/**
 * The sync engine over real HTTP: records flow both ways as the integration user, owners by the
 * salesperson coupling (rule A6), no echoes (rule A3), conflicts and deletions by policy, the run and
 * error logs, retry and skip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ok } from './support/bridge.js';
import { connectSystem, erpApi, salesApi, syncNow, type ConnectedSystem } from './support/sync.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let c: ConnectedSystem;

beforeAll(async () => {
  system = await startTestSystem();
  c = await connectSystem(system);
  const review = await ok(system, 'GET', '/bridge/sync/review');
  expect(review.value.find((r: { mapping: string }) => r.mapping === 'CURRENCY')).toMatchObject({
    recommendation: 'couple-by-match',
  });
  await ok(system, 'POST', '/bridge/sync/review/start');
});
afterAll(async () => {
  await system?.stop();
});

describe('sync', () => {
  it('creates an ERP customer in Sales, owned by its salesperson’s user (rule A6)', async () => {
    const erp = erpApi(c);
    const seller = c.sellers[0]!;
    const customer = await erp.create('customers', {
      displayName: 'Adatum Corporation',
      city: 'Oslo',
      email: 'info@adatum.example',
      salespersonCode: seller.code,
    });
    const results = await syncNow(c);
    expect(results.find((r) => r.mapping === 'CUSTOMER')!.toSales.inserted).toBe(1);
    const accounts = await salesApi(c).list(
      'accounts',
      `accountnumber eq '${customer.number as string}'`,
      'name,address1_city,emailaddress1,_ownerid_value,_modifiedby_value',
    );
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      name: 'Adatum Corporation',
      address1_city: 'Oslo',
      emailaddress1: 'info@adatum.example',
      _ownerid_value: seller.systemUserId,
      _modifiedby_value: c.integration.systemUserId,
    });
    // The bridge's own write does not come back (rule A3): the next runs change nothing.
    const again = await syncNow(c);
    for (const r of again) {
      expect(r.toSales.modified + r.toSales.inserted, r.mapping).toBe(0);
      expect(r.toErp.modified + r.toErp.inserted, r.mapping).toBe(0);
    }
  });

  it('carries a salesperson’s edit in Sales to the ERP', async () => {
    const erp = erpApi(c);
    const seller = c.sellers[0]!;
    const [customer] = await erp.list('customers', "displayName eq 'Adatum Corporation'");
    const [account] = await salesApi(c).list(
      'accounts',
      `accountnumber eq '${customer!.number as string}'`,
      'accountid',
    );
    await salesApi(c, seller.token).update('accounts', account!.accountid as string, {
      address1_city: 'Bergen',
    });
    const results = await syncNow(c);
    console.log(JSON.stringify(results.find((r) => r.mapping === 'CUSTOMER')), JSON.stringify(await ok(system, 'GET', '/bridge/sync/errors')));
    expect(results.find((r) => r.mapping === 'CUSTOMER')!.toErp.modified).toBe(1);
    const after = await erp.get('customers', customer!.id);
    expect(after.body).toMatchObject({ city: 'Bergen', salespersonCode: seller.code });
    const again = await syncNow(c);
    expect(again.find((r) => r.mapping === 'CUSTOMER')!.toSales.modified).toBe(0);
  });
});
