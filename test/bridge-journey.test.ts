/**
 * The source article's journey, end to end over HTTP: an empty tenant → salespeople imported from the
 * M365 CSV with a Sales licence → Salesperson role in bulk → a licensed integration user → the admin
 * made System Customizer + Sales Manager → the assisted setup → roles on both sides, Non-interactive
 * → salespeople coupled → doctor all green. Then setup again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, getToken } from './support/auth.js';
import { createDirectoryUser } from './support/sales-users.js';
import { call, giveRoles, ok, provisionAll, salesUser, step } from './support/bridge.js';
import { erpClient } from './support/erp.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let domain: string;
const INTEGRATION_PASSWORD = 'Integr4tion-Passw0rd!';
const SAMPLE_UPNS = ['chris', 'ben', 'david', 'cynthia', 'melissa'];

beforeAll(async () => {
  system = await startTestSystem();
  domain = system.admin.upn.split('@')[1]!;
});
afterAll(async () => {
  await system?.stop();
});

/** Every step with its input, in order; stops at the first step that fails (its checks say why). */
async function runSetup(integration: string) {
  const steps: Array<[string, Record<string, unknown>]> = [
    ['sales-url', { salesUrl: system.url, allowHttp: true }],
    ['admin', { userName: system.admin.upn, password: system.admin.password }],
    ['integration-user', { kind: 'user', userName: integration, password: INTEGRATION_PASSWORD }],
    ['solution', {}],
    ['erp-permissions', {}],
    ['access-mode', { nonInteractive: true }],
    ['currency', { createIfMissing: true }],
    ['mappings', {}],
    ['salespeople', { auto: true, createMissing: true }],
    ['finish', {}],
  ];
  await ok(system, 'POST', '/bridge/setup/start', { restart: true });
  const results = [];
  for (const [id, input] of steps) {
    const result = await step(system, id, input);
    results.push(result);
    expect(result.ok, `${id}: ${JSON.stringify(result.checks, null, 2)}`).toBe(true);
  }
  return results;
}

describe("the article's journey", () => {
  const integration = () => `integration@${domain}`;

  it('imports the salespeople from the M365 CSV with a Sales licence and gives them Salesperson in bulk', async () => {
    const headers = await adminHeaders(system);
    const csv = await (
      await fetch(`${system.url}/directory/imports/template.csv?sample=true`, { headers })
    ).text();
    const uploaded = await fetch(`${system.url}/directory/imports`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: csv,
    });
    const verified = (await uploaded.json()) as { id: string; validRowCount: number };
    expect(verified.validRowCount).toBe(5);
    const applied = await ok(system, 'POST', `/directory/imports/${verified.id}/apply`, {
      licence: 'DYN365_ENTERPRISE_PLAN1',
    });
    expect(applied).toMatchObject({ created: 5, licensed: 5 });
    await provisionAll(system);
    const upns = SAMPLE_UPNS.map((u) => `${u}@${domain}`);
    await giveRoles(system, upns, ['Salesperson']);
    for (const upn of upns)
      expect((await salesUser(system, upn)).roles.map((r) => r.name)).toContain('Salesperson');
  });

  it('creates a licensed integration user and makes the admin System Customizer + Sales Manager', async () => {
    await createDirectoryUser(system, integration(), {
      licences: ['DYN365_ENTERPRISE_PLAN1', 'DYN365_BUSCENTRAL_ESSENTIAL'],
      password: INTEGRATION_PASSWORD,
      displayName: 'Integration',
    });
    await provisionAll(system);
    await giveRoles(system, [integration()], ['Salesperson']);
    await giveRoles(system, [system.admin.upn], ['System Customizer', 'Sales Manager']);
  });

  it('runs the assisted setup to an enabled connection', async () => {
    const results = await runSetup(integration());
    for (const result of results) expect(result.ok, JSON.stringify(result.checks)).toBe(true);
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection).toMatchObject({
      state: 'enabled',
      enabled: true,
      writing: true,
      integrationIdentity: { kind: 'user', name: integration() },
      localCurrency: 'USD',
      erpCompanyName: 'CRONUS USA, Inc.',
      solutionVersion: '1.0.0.0',
    });
    expect(JSON.stringify(connection)).not.toContain(INTEGRATION_PASSWORD);
  });

  it('left the roles on both sides and the integration user Non-interactive', async () => {
    const user = await salesUser(system, integration());
    expect(user.roles.map((r) => r.name)).toEqual(
      expect.arrayContaining(['Integration Administrator', 'Integration User']),
    );
    expect(user.roles.map((r) => r.name)).not.toContain('System Administrator');
    expect(user.accessmode).toBe(4);
    const erpUsers = await ok<{ value: Array<{ userName: string; permissionSets: string[] }> }>(
      system,
      'GET',
      '/api/tandem/admin/v1.0/users',
    );
    expect(erpUsers.value.find((u) => u.userName === integration())?.permissionSets).toContain('INTEGRATION');
  });

  it('coupled every salesperson one-to-one, with derived codes', async () => {
    const coupling = await ok(system, 'GET', '/bridge/coupling/salespeople');
    expect(coupling.summary).toEqual({ eligibleUsers: 5, coupledUsers: 5, uncoupledUsers: 0 });
    const codes = coupling.users.map((u: { salesperson: { code: string } }) => u.salesperson.code);
    expect(new Set(codes).size).toBe(5);
    for (const user of coupling.users) expect(user.domainname).not.toBe(integration());
  });

  it('doctor is all green', async () => {
    const report = await ok(system, 'GET', '/bridge/doctor');
    const notPassing = report.checks.filter((c: { status: string }) => c.status !== 'pass');
    expect(notPassing, JSON.stringify(notPassing, null, 2)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('running setup again on the enabled connection changes nothing twice', async () => {
    const before = (await ok(system, 'GET', '/bridge/audit')).value.length;
    const results = await runSetup(integration());
    for (const result of results) {
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
      expect(result.changes, `${result.summary}`).toEqual([]);
    }
    const connection = await ok(system, 'GET', '/bridge/connection');
    expect(connection.state).toBe('enabled');
    const audit = (await ok(system, 'GET', '/bridge/audit')).value.slice(
      0,
      (await ok(system, 'GET', '/bridge/audit')).value.length - before,
    );
    expect(audit.map((a: { action: string }) => a.action)).not.toContain('connection.disable');
  });

  it('only a Global administrator may use the bridge API', async () => {
    const anonymous = await fetch(`${system.url}/bridge/connection`);
    expect(anonymous.status).toBe(401);
    const seller = await createDirectoryUser(system, `plain@${domain}`, { password: 'Pl4in-Passw0rd!' });
    expect(seller).toBeTruthy();
    const token = await getToken(system.url, `plain@${domain}`, 'Pl4in-Passw0rd!');
    const refused = await call(system, 'GET', '/bridge/connection', undefined, token);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('Global administrator');
  });

  // Part 2: records flow. The background scheduler (polling both sides' changes) does the work here;
  // the test only makes changes as people would and waits for them to arrive.
  describe('then records flow between the ERP and Sales', () => {
    const erpBase = () => `/api/v2.0/companies(${companyId})`;
    let companyId: string;
    let chris: { systemUserId: string; token: string; code: string };

    /** Polls until `probe` returns a value (the sync is asynchronous), for at most 20 s. */
    async function eventually<T>(
      probe: () => Promise<T | undefined | null | false>,
      what: string,
    ): Promise<T> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const value = await probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const erpPatch = async (path: string, body: Record<string, unknown>) => {
      const r = await erpClient(system).call('PATCH', path, { body, headers: { 'If-Match': '*' } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    const webApi = async (method: string, path: string, body?: unknown, token?: string) =>
      call(
        system,
        method,
        `/api/data/v9.2/${path}`,
        body,
        token ?? (await getToken(system.url, system.admin.upn, system.admin.password)),
      );
    const accountByNumber = async (number: string) =>
      (
        await webApi(
          'GET',
          `accounts?$filter=accountnumber eq '${number}'&$select=name,address1_city,telephone1,_ownerid_value`,
        )
      ).body.value[0];

    it('reviews the first sync (nothing written) and starts it', async () => {
      companyId = (await ok(system, 'GET', '/api/v2.0/companies')).value[0].id;
      const review = await ok(system, 'GET', '/bridge/sync/review');
      // In dependency order: what a mapping depends on comes first.
      expect(review.value.map((r: { mapping: string }) => r.mapping)).toEqual([
        'SALESPEOPLE',
        'CURRENCY',
        'CUSTOMER',
        'CONTACT',
        'ITEM-PRODUCT',
        'OPPORTUNITY',
      ]);
      await ok(system, 'POST', '/bridge/sync/review/start', { wait: false });
      const user = await salesUser(system, `chris@${domain}`);
      const coupling = await ok(system, 'GET', '/bridge/coupling/salespeople');
      const directoryUser = await ok(
        system,
        'GET',
        `/directory/users?search=${encodeURIComponent(`chris@${domain}`)}`,
      );
      const id = (directoryUser.value ?? directoryUser.users ?? directoryUser)[0].id;
      await ok(system, 'POST', `/directory/users/${id}/reset-password`, {
        password: 'Chr1s-Passw0rd!',
        mustChangePassword: false,
      });
      chris = {
        systemUserId: user.systemuserid,
        token: await getToken(system.url, `chris@${domain}`, 'Chr1s-Passw0rd!'),
        code: coupling.users.find((u: { domainname: string }) => u.domainname === `chris@${domain}`)
          .salesperson.code,
      };
    });

    it('a customer made in the ERP appears in Sales, owned by its salesperson’s user', async () => {
      const customer = await ok(system, 'POST', `${erpBase()}/customers`, {
        displayName: 'Coho Winery',
        city: 'Napa',
        salespersonCode: chris.code,
      });
      const account = await eventually(() => accountByNumber(customer.number), 'the account in Sales');
      expect(account).toMatchObject({
        name: 'Coho Winery',
        address1_city: 'Napa',
        _ownerid_value: chris.systemUserId,
      });
    });

    it('an account the salesperson edits in Sales reaches the ERP', async () => {
      const [customer] = (
        await ok(system, 'GET', `${erpBase()}/customers?$filter=displayName eq 'Coho Winery'`)
      ).value;
      const account = (
        await webApi('GET', `accounts?$filter=accountnumber eq '${customer.number}'&$select=accountid`)
      ).body.value[0];
      const edit = await webApi(
        'PATCH',
        `accounts(${account.accountid})`,
        { address1_city: 'Sonoma' },
        chris.token,
      );
      expect(edit.status).toBe(204);
      await eventually(
        async () => (await ok(system, 'GET', `${erpBase()}/customers(${customer.id})`)).city === 'Sonoma',
        'the city in the ERP',
      );
    });

    it('an edit made as the integration user in Sales does not come back', async () => {
      const [customer] = (
        await ok(system, 'GET', `${erpBase()}/customers?$filter=displayName eq 'Coho Winery'`)
      ).value;
      const account = (
        await webApi('GET', `accounts?$filter=accountnumber eq '${customer.number}'&$select=accountid`)
      ).body.value[0];
      const token = await getToken(system.url, integration(), INTEGRATION_PASSWORD);
      expect(
        (await webApi('PATCH', `accounts(${account.accountid})`, { telephone1: '555-0142' }, token)).status,
      ).toBe(204);
      // A later change made in the ERP arrives, proving the sync ran past the integration user's edit.
      await erpPatch(`${erpBase()}/customers(${customer.id})`, {
        website: 'https://coho.example',
      });
      await eventually(
        async () =>
          (await webApi('GET', `accounts(${account.accountid})?$select=websiteurl`)).body.websiteurl ===
          'https://coho.example',
        'the website in Sales',
      );
      expect((await ok(system, 'GET', `${erpBase()}/customers(${customer.id})`)).phoneNumber).toBe('');
      const edits = await ok(system, 'GET', '/bridge/connection/person-edits');
      expect(JSON.stringify(edits)).toContain(account.accountid);
    });

    it('a contact and an item follow', async () => {
      const company = await ok(system, 'POST', `${erpBase()}/contacts`, {
        type: 'Company',
        displayName: 'Coho Winery',
      });
      await ok(system, 'POST', `${erpBase()}/contacts`, {
        type: 'Person',
        displayName: 'Ina Ross',
        email: 'ina@coho.example',
        companyNumber: company.number,
      });
      await ok(system, 'POST', `${erpBase()}/items`, { displayName: 'Barrel', unitPrice: 250 });
      const contact = await eventually(
        async () =>
          (await webApi('GET', `contacts?$filter=emailaddress1 eq 'ina@coho.example'&$select=fullname`)).body
            .value[0],
        'the contact in Sales',
      );
      expect(contact.fullname).toBe('Ina Ross');
      const product = await eventually(
        async () => (await webApi('GET', `products?$filter=name eq 'Barrel'&$select=price`)).body.value[0],
        'the product in Sales',
      );
      expect(product.price).toBe(250);
    });

    it('a conflict waits under the Fail policy, then is settled by a person', async () => {
      // Both sides change the same customer before the sync sees either: pause it to make that happen.
      await ok(system, 'POST', '/bridge/connection/disable', { reason: 'the journey makes a conflict' });
      const [customer] = (
        await ok(system, 'GET', `${erpBase()}/customers?$filter=displayName eq 'Coho Winery'`)
      ).value;
      const account = (
        await webApi('GET', `accounts?$filter=accountnumber eq '${customer.number}'&$select=accountid`)
      ).body.value[0];
      await erpPatch(`${erpBase()}/customers(${customer.id})`, { city: 'Healdsburg' });
      await webApi('PATCH', `accounts(${account.accountid})`, { address1_city: 'Calistoga' }, chris.token);
      await ok(system, 'POST', '/bridge/connection/enable');
      const error = await eventually(
        async () =>
          (await ok(system, 'GET', '/bridge/sync/errors?mapping=CUSTOMER')).value.find(
            (e: { message: string }) => e.message.includes('both changed'),
          ),
        'the conflict in the error log',
      );
      expect(error.message).toContain('Healdsburg');
      expect(error.message).toContain('Calistoga');
      expect((await ok(system, 'GET', `${erpBase()}/customers(${customer.id})`)).city).toBe('Healdsburg');
      await ok(system, 'POST', '/bridge/sync/errors/retry', { ids: [error.id], winner: 'erp' });
      await eventually(
        async () =>
          (await webApi('GET', `accounts(${account.accountid})?$select=address1_city`)).body.address1_city ===
          'Healdsburg',
        'the ERP value in Sales',
      );
    });

    it('a deleted customer follows the deletion policy (the account stays, uncoupled)', async () => {
      const customer = await ok(system, 'POST', `${erpBase()}/customers`, { displayName: 'Short Lived' });
      const account = await eventually(() => accountByNumber(customer.number), 'the account in Sales');
      expect(account).toBeTruthy();
      const removed = await erpClient(system).call('DELETE', `${erpBase()}/customers(${customer.id})`, {
        headers: { 'If-Match': '*' },
      });
      expect(removed.status).toBe(204);
      await eventually(
        async () =>
          (await ok(system, 'GET', '/bridge/sync/runs?mapping=CUSTOMER&top=20')).value.some(
            (r: { toSales: { uncoupled: number } }) => r.toSales.uncoupled > 0,
          ),
        'the coupling to be removed',
      );
      expect(await accountByNumber(customer.number)).toBeTruthy();
      const status = await ok(system, 'GET', '/bridge/sync/status');
      expect(status.paused).toBeNull();
    });
  });
});
