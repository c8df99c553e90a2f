/**
 * The sync engine over real HTTP: records flow both ways as the integration user, owners by the
 * salesperson coupling (rule A6), no echoes (rule A3), conflicts and deletions by policy, the run and
 * error logs, retry and skip.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCompanyWrite } from '../src/erp/write-lock.js';
import { call, ok } from './support/bridge.js';
import { connectSystem, erpApi, salesApi, syncNow, type ConnectedSystem } from './support/sync.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let c: ConnectedSystem;

beforeAll(async () => {
  // Runs only when the test asks (no background polling), so counts are exact.
  system = await startTestSystem({ TANDEM_SYNC_POLL_MS: '0' });
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
    expect(results.find((r) => r.mapping === 'CUSTOMER')!.toErp.modified).toBe(1);
    const after = await erp.get('customers', customer!.id);
    expect(after.body).toMatchObject({ city: 'Bergen', salespersonCode: seller.code });
    const again = await syncNow(c);
    expect(again.find((r) => r.mapping === 'CUSTOMER')!.toSales.modified).toBe(0);
  });
  it('never sends back an edit made as the integration user (rule A3), and the watch reports it', async () => {
    const erp = erpApi(c);
    const [customer] = await erp.list('customers', "displayName eq 'Adatum Corporation'");
    const [account] = await salesApi(c).list(
      'accounts',
      `accountnumber eq '${customer!.number as string}'`,
      'accountid',
    );
    await salesApi(c, c.integration.token).update('accounts', account!.accountid as string, {
      telephone1: '555-0100',
    });
    const results = await syncNow(c);
    const customerRun = results.find((r) => r.mapping === 'CUSTOMER')!;
    expect(customerRun.toErp.modified).toBe(0);
    expect((await erp.get('customers', customer!.id)).body).toMatchObject({ phoneNumber: '' });
    const edits = await ok(system, 'GET', '/bridge/connection/person-edits');
    expect(edits.value.map((e: { recordId: string }) => e.recordId)).toContain(account!.accountid);
  });

  it('creates an account made in Sales as an ERP customer and writes the customer number back', async () => {
    const seller = c.sellers[1]!;
    const account = await salesApi(c, seller.token).create('accounts', {
      name: 'Fabrikam',
      address1_city: 'Lyon',
    });
    const results = await syncNow(c);
    expect(results.find((r) => r.mapping === 'CUSTOMER')!.toErp.inserted).toBe(1);
    const [customer] = await erpApi(c).list('customers', "displayName eq 'Fabrikam'");
    expect(customer).toMatchObject({ city: 'Lyon', salespersonCode: seller.code });
    const stored = await salesApi(c).get('accounts', account.accountid as string, 'accountnumber');
    expect(stored.body).toMatchObject({ accountnumber: customer!.number });
    const again = await syncNow(c);
    for (const r of again)
      expect(r.toSales.modified + r.toErp.modified + r.toErp.inserted, r.mapping).toBe(0);
  });

  it('follows a contact with its parent account both ways, and an item as a product', async () => {
    const erp = erpApi(c);
    // As in BC, a person belongs to a company contact; the company contact stands for the customer
    // with its name.
    const company = await erp.create('contacts', { type: 'Company', displayName: 'Fabrikam' });
    await erp.create('contacts', {
      type: 'Person',
      displayName: 'Jo Brown',
      email: 'jo@fabrikam.example',
      companyNumber: company.number,
    });
    await erp.create('items', { displayName: 'Bicycle', unitPrice: 420, unitCost: 300 });
    await syncNow(c);
    const [account] = await salesApi(c).list('accounts', "name eq 'Fabrikam'", 'accountid');
    const [contact] = await salesApi(c).list(
      'contacts',
      "emailaddress1 eq 'jo@fabrikam.example'",
      'firstname,lastname,fullname,_parentcustomerid_value',
    );
    expect(contact).toMatchObject({
      firstname: 'Jo',
      lastname: 'Brown',
      _parentcustomerid_value: account!.accountid,
    });
    const [product] = await salesApi(c).list(
      'products',
      "name eq 'Bicycle'",
      'productnumber,price,standardcost',
    );
    expect(product).toMatchObject({ price: 420, standardcost: 300 });
    expect(product!.productnumber).toMatch(/\S/);
    // A contact made in Sales under a coupled account reaches the ERP under its customer.
    await salesApi(c, c.sellers[1]!.token).create('contacts', {
      firstname: 'Ann',
      lastname: 'Lee',
      emailaddress1: 'ann@fabrikam.example',
      'parentcustomerid_account@odata.bind': `/accounts(${account!.accountid as string})`,
    });
    await syncNow(c);
    const [erpContact] = await erp.list('contacts', "email eq 'ann@fabrikam.example'");
    expect(erpContact).toMatchObject({
      displayName: 'Ann Lee',
      type: 'Person',
      companyNumber: company.number,
    });
  });

  it('follows an opportunity both ways with its owner', async () => {
    const seller = c.sellers[0]!;
    const opportunity = await erpApi(c).create('opportunities', {
      description: 'Fleet of bicycles',
      salespersonCode: seller.code,
      estimatedValue: 12000,
      estimatedClosingDate: '2027-03-31',
    });
    await syncNow(c);
    const [inSales] = await salesApi(c).list(
      'opportunities',
      "name eq 'Fleet of bicycles'",
      'estimatedvalue,estimatedclosedate,_ownerid_value',
    );
    expect(inSales).toMatchObject({
      estimatedvalue: 12000,
      estimatedclosedate: '2027-03-31',
      _ownerid_value: seller.systemUserId,
    });
    await salesApi(c, seller.token).update('opportunities', inSales!.opportunityid as string, {
      name: 'Fleet of e-bikes',
    });
    await syncNow(c);
    expect((await erpApi(c).get('opportunities', opportunity.id)).body).toMatchObject({
      description: 'Fleet of e-bikes',
    });
  });

  it('a contact whose customer is not coupled waits instead of failing', async () => {
    const erp = erpApi(c);
    const blocked = await erp.create('customers', { displayName: 'Blocked Co', blocked: 'All' });
    const company = await erp.create('contacts', { type: 'Company', displayName: 'Blocked Co' });
    await erp.create('contacts', { type: 'Person', displayName: 'Wai Ting', companyNumber: company.number });
    const results = await syncNow(c);
    const contacts = results.find((r) => r.mapping === 'CONTACT')!;
    expect(contacts.toSales.failed).toBe(0);
    expect(contacts.toSales.skipped).toBe(1);
    const errors = await ok(system, 'GET', '/bridge/sync/errors?mapping=CONTACT');
    expect(errors.value[0]).toMatchObject({ kind: 'waiting', skipped: false, direction: 'ERP → Sales' });
    expect(errors.value[0].message).toContain(`Customer ${blocked.number as string}`);
    // Waiting never turns into skipped.
    await syncNow(c);
    await syncNow(c);
    const still = await ok(system, 'GET', '/bridge/sync/errors?mapping=CONTACT');
    expect(still.value[0]).toMatchObject({ kind: 'waiting', skipped: false });
  });

  it('fails a customer whose salesperson is not coupled, naming the code and the fix (A6); skips after 2; retry restores', async () => {
    const erp = erpApi(c);
    await erp.create('salespeoplePurchasers', { code: 'JO', displayName: 'Jim Olive' });
    const customer = await erp.create('customers', { displayName: 'Olive Farms', salespersonCode: 'JO' });
    const first = await syncNow(c);
    expect(first.find((r) => r.mapping === 'CUSTOMER')!.toSales.failed).toBe(1);
    const log = await ok(system, 'GET', '/bridge/sync/errors?mapping=CUSTOMER');
    const error = log.value.find((e: { source: { id: string } }) => e.source.id === customer.id);
    expect(error.message).toContain('Salesperson JO');
    expect(error.message).toContain('Couple salesperson JO to a Sales user');
    expect(error.message).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    expect(error).toMatchObject({ skipped: false, failures: 1, direction: 'ERP → Sales', destination: null });
    await syncNow(c);
    const skipped = (await ok(system, 'GET', '/bridge/sync/errors?mapping=CUSTOMER')).value.find(
      (e: { source: { id: string } }) => e.source.id === customer.id,
    );
    expect(skipped).toMatchObject({ skipped: true, failures: 2 });
    const third = await syncNow(c);
    expect(third.find((r) => r.mapping === 'CUSTOMER')!.toSales.skipped).toBeGreaterThanOrEqual(0);
    // Fix it (a salesperson that is coupled) and retry: the record flows and its error goes.
    await erp.update('customers', customer.id, { salespersonCode: c.sellers[0]!.code });
    const retried = await ok(system, 'POST', '/bridge/sync/errors/retry', { ids: [skipped.id] });
    expect(retried.retried).toBe(1);
    expect(retried.errors).toEqual([]);
    const accounts = await salesApi(c).list('accounts', "name eq 'Olive Farms'", '_ownerid_value');
    expect(accounts[0]).toMatchObject({ _ownerid_value: c.sellers[0]!.systemUserId });
  });

  it('Fail policy: both sides changed → neither overwritten, the fields named; retry with a winner settles it', async () => {
    const erp = erpApi(c);
    const [customer] = await erp.list('customers', "displayName eq 'Adatum Corporation'");
    const [account] = await salesApi(c).list(
      'accounts',
      `accountnumber eq '${customer!.number as string}'`,
      'accountid',
    );
    await erp.update('customers', customer!.id, { city: 'Trondheim' });
    await salesApi(c, c.sellers[0]!.token).update('accounts', account!.accountid as string, {
      address1_city: 'Stavanger',
    });
    const results = await syncNow(c);
    expect(results.find((r) => r.mapping === 'CUSTOMER')!.toSales.failed).toBe(1);
    expect((await erp.get('customers', customer!.id)).body).toMatchObject({ city: 'Trondheim' });
    expect(
      (await salesApi(c).get('accounts', account!.accountid as string, 'address1_city')).body,
    ).toMatchObject({
      address1_city: 'Stavanger',
    });
    const [error] = (await ok(system, 'GET', '/bridge/sync/errors?mapping=CUSTOMER')).value.filter(
      (e: { message: string }) => e.message.includes('both changed'),
    );
    expect(error.message).toContain("city ↔ address1_city (ERP 'Trondheim', Sales 'Stavanger')");
    await ok(system, 'POST', '/bridge/sync/errors/retry', { ids: [error.id], winner: 'sales' });
    expect((await erp.get('customers', customer!.id)).body).toMatchObject({ city: 'Stavanger' });
  });

  it('Merge policy: different fields from both sides are kept; the same field goes by the tie-break', async () => {
    await ok(system, 'PATCH', '/bridge/mappings/CUSTOMER', {
      conflictPolicy: 'Merge',
      mergeTieBreak: 'ErpWins',
    });
    const erp = erpApi(c);
    const [customer] = await erp.list('customers', "displayName eq 'Adatum Corporation'");
    const [account] = await salesApi(c).list(
      'accounts',
      `accountnumber eq '${customer!.number as string}'`,
      'accountid',
    );
    await erp.update('customers', customer!.id, { website: 'https://adatum.example', city: 'Narvik' });
    await salesApi(c, c.sellers[0]!.token).update('accounts', account!.accountid as string, {
      telephone1: '555-0199',
      address1_city: 'Tromsø',
    });
    await syncNow(c);
    expect((await erp.get('customers', customer!.id)).body).toMatchObject({
      website: 'https://adatum.example',
      phoneNumber: '555-0199',
      city: 'Narvik',
    });
    const stored = await salesApi(c).get(
      'accounts',
      account!.accountid as string,
      'websiteurl,telephone1,address1_city',
    );
    expect(stored.body).toMatchObject({
      websiteurl: 'https://adatum.example',
      telephone1: '555-0199',
      address1_city: 'Narvik',
    });
  });

  it('deletion policies: remove coupling (default), propagate, restore, none', async () => {
    const erp = erpApi(c);
    const sales = salesApi(c);
    const make = async (name: string) => {
      const customer = await erp.create('customers', { displayName: name });
      await syncNow(c);
      const [account] = await sales.list('accounts', `name eq '${name}'`, 'accountid');
      return { customer, accountId: account!.accountid as string };
    };
    // RemoveCoupling: the account stays, uncoupled.
    const a = await make('Gone Ltd');
    await erp.remove('customers', a.customer.id);
    const removed = await syncNow(c);
    expect(removed.find((r) => r.mapping === 'CUSTOMER')!.toSales.uncoupled).toBe(1);
    expect((await sales.get('accounts', a.accountId)).status).toBe(200);
    // Propagate: deleting the account deletes the customer.
    await ok(system, 'PATCH', '/bridge/mappings/CUSTOMER', { deletionPolicy: 'Propagate' });
    const b = await make('Propagate Ltd');
    await sales.remove('accounts', b.accountId);
    const propagated = await syncNow(c);
    expect(propagated.find((r) => r.mapping === 'CUSTOMER')!.toErp.deleted).toBe(1);
    expect((await erp.get('customers', b.customer.id)).status).toBe(404);
    // Restore: the deleted account comes back with the same id.
    await ok(system, 'PATCH', '/bridge/mappings/CUSTOMER', { deletionPolicy: 'Restore' });
    const d = await make('Restore Ltd');
    await sales.remove('accounts', d.accountId);
    await syncNow(c);
    expect((await sales.get('accounts', d.accountId, 'name')).body).toMatchObject({ name: 'Restore Ltd' });
    // None: both stay, the record waits for a decision.
    await ok(system, 'PATCH', '/bridge/mappings/CUSTOMER', { deletionPolicy: 'None' });
    const e = await make('Keep Ltd');
    await sales.remove('accounts', e.accountId);
    const kept = await syncNow(c);
    expect(kept.find((r) => r.mapping === 'CUSTOMER')!.toErp.failed).toBe(1);
    expect((await erp.get('customers', e.customer.id)).status).toBe(200);
    await ok(system, 'POST', '/bridge/mappings/CUSTOMER/reset');
  });

  it('a full run finds a deletion whose tombstone never reached the bridge (set difference)', async () => {
    const erp = erpApi(c);
    const sales = salesApi(c);
    const customer = await erp.create('customers', { displayName: 'Vanished Ltd' });
    await syncNow(c);
    const [account] = await sales.list('accounts', "name eq 'Vanished Ltd'", 'accountid');
    await erp.remove('customers', customer.id as string);
    // As after a restore from backup: the deletion left no trace in the ERP's change feed.
    await withCompanyWrite(system.running.database.db, c.companyId, (tx) =>
      tx.execute(sql`delete from erp.tombstones where record_id = ${customer.id as string}`),
    );
    const coupledTo = async () =>
      (
        (await system.running.database.db.execute(
          sql`select sales_id from bridge.couplings where erp_id = ${customer.id as string}`,
        )) as unknown as { rows: unknown[] }
      ).rows.length;
    await syncNow(c, { mapping: 'CUSTOMER' });
    expect(await coupledTo()).toBe(1); // an incremental run cannot know
    const full = await syncNow(c, { mapping: 'CUSTOMER', full: true });
    // The default policy (RemoveCoupling): the account stays, uncoupled, and is neither deleted nor
    // given a new customer.
    expect(full[0]!.toSales.uncoupled).toBeGreaterThanOrEqual(1);
    expect(full[0]!.toSales.deleted).toBe(0);
    expect(await coupledTo()).toBe(0);
    expect((await sales.get('accounts', account!.accountid as string)).status).toBe(200);
    expect(await sales.list('accounts', "name eq 'Vanished Ltd'", 'accountid')).toHaveLength(1);
    expect(await erp.list('customers', "displayName eq 'Vanished Ltd'")).toHaveLength(0);
  });

  it('a first Sales read, which lists records but no deletions, still finds a coupled account deleted before it', async () => {
    const erp = erpApi(c);
    const sales = salesApi(c);
    const customer = await erp.create('customers', { displayName: 'First Read Ltd' });
    await syncNow(c, { mapping: 'CUSTOMER' });
    const [account] = await sales.list('accounts', "name eq 'First Read Ltd'", 'accountid');
    // The mapping has no delta link yet, as on its first run after setup coupled records by match
    // (the convergence test met it as a run's ERP pass coupling a record a person then deleted).
    await system.running.database.db.execute(
      sql`update bridge.sync_state set sales_cursor = null where mapping = 'CUSTOMER'`,
    );
    await sales.remove('accounts', account!.accountid as string);
    const [run] = await syncNow(c, { mapping: 'CUSTOMER' });
    // The default policy (RemoveCoupling): the customer stays, uncoupled.
    expect(run!.toErp.uncoupled).toBe(1);
    const coupled = (await system.running.database.db.execute(
      sql`select 1 from bridge.couplings where erp_id = ${customer.id as string}`,
    )) as unknown as { rows: unknown[] };
    expect(coupled.rows).toHaveLength(0);
    expect((await erp.get('customers', customer.id as string)).status).toBe(200);
  });

  it('refuses bad mapping edits with the property and the reason, changing nothing', async () => {
    const before = await ok(system, 'GET', '/bridge/mappings/CUSTOMER');
    const unknown = await call(system, 'PATCH', '/bridge/mappings/CUSTOMER', {
      fields: [
        ...before.fields,
        { erpField: 'shoeSize', salesAttribute: 'name', direction: 'Bidirectional' },
      ],
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('shoeSize');
    const badSales = await call(system, 'PATCH', '/bridge/mappings/CUSTOMER', {
      fields: [
        ...before.fields,
        { erpField: 'city', salesAttribute: 'favouritecolour', direction: 'Bidirectional' },
      ],
    });
    expect(badSales.status).toBe(400);
    expect(JSON.stringify(badSales.body)).toContain('favouritecolour');
    const badFilter = await call(system, 'PATCH', '/bridge/mappings/CUSTOMER', { erpFilter: "blocked eq '" });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.problems[0].field).toBe('erpFilter');
    const cycle = await call(system, 'PATCH', '/bridge/mappings/CURRENCY', { dependsOn: ['CONTACT'] });
    expect(cycle.status).toBe(400);
    expect(JSON.stringify(cycle.body)).toContain('depend on itself');
    const policy = await call(system, 'PATCH', '/bridge/mappings/CUSTOMER', { conflictPolicy: 'Whatever' });
    expect(policy.status).toBe(400);
    expect(await ok(system, 'GET', '/bridge/mappings/CUSTOMER')).toEqual(before);
  });

  it('keeps a run log with counts, durations and who started it, and an audit entry', async () => {
    const log = await ok(system, 'GET', '/bridge/sync/runs?mapping=CUSTOMER&top=5');
    expect(log.value.length).toBeGreaterThan(0);
    expect(log.value[0]).toMatchObject({
      mapping: 'CUSTOMER',
      status: 'succeeded',
      startedBy: { name: system.admin.upn },
    });
    expect(typeof log.value[0].durationMs).toBe('number');
    const audit = await ok(system, 'GET', '/bridge/audit?top=50');
    expect(audit.value.some((a: { action: string }) => a.action === 'sync.run')).toBe(true);
    const status = await ok(system, 'GET', '/bridge/sync/status');
    expect(status.paused).toBeNull();
    expect(status.value.find((m: { mapping: string }) => m.mapping === 'CUSTOMER')).toMatchObject({
      started: true,
    });
  });
});
