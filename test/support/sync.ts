import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/database.js';
import { expect } from 'vitest';
import { getToken } from './auth.js';
import { giveRoles, ok, provisionAll, runFullSetup } from './bridge.js';
import { erpClient } from './erp.js';
import { createDirectoryUser, systemUserOf } from './sales-users.js';
import { webApi } from './sales-webapi.js';
import type { TestSystem } from './test-system.js';

type Counter =
  'inserted' | 'modified' | 'deleted' | 'unchanged' | 'skipped' | 'failed' | 'coupled' | 'uncoupled';

export const INTEGRATION_PASSWORD = 'Integr4tion-Passw0rd!';
const SELLER_PASSWORD = 'Sell3r-Passw0rd!';

export interface Seller {
  upn: string;
  systemUserId: string;
  token: string;
  /** The ERP salesperson code setup created and coupled for this user. */
  code: string;
}

export interface ConnectedSystem {
  system: TestSystem;
  domain: string;
  companyId: string;
  sellers: Seller[];
  integration: { upn: string; systemUserId: string; token: string };
  adminToken: string;
}

/**
 * A system with an enabled connection: two licensed salespeople with Salesperson (coupled to ERP
 * salespeople by setup), a licensed integration user, the assisted setup run to the end.
 */
export async function connectSystem(
  system: TestSystem,
  sellerNames = ['alex', 'bea'],
): Promise<ConnectedSystem> {
  const domain = system.admin.upn.split('@')[1]!;
  const upns = sellerNames.map((n) => `${n}@${domain}`);
  const ids: string[] = [];
  for (const [i, upn] of upns.entries())
    ids.push(
      await createDirectoryUser(system, upn, {
        licences: ['DYN365_ENTERPRISE_PLAN1', 'DYN365_BUSCENTRAL_ESSENTIAL'],
        password: SELLER_PASSWORD,
        displayName: `${sellerNames[i]![0]!.toUpperCase()}${sellerNames[i]!.slice(1)} Seller`,
      }),
    );
  const integrationUpn = `integration@${domain}`;
  await createDirectoryUser(system, integrationUpn, {
    licences: ['DYN365_ENTERPRISE_PLAN1', 'DYN365_BUSCENTRAL_ESSENTIAL'],
    password: INTEGRATION_PASSWORD,
    displayName: 'Integration',
  });
  await provisionAll(system);
  await giveRoles(system, upns, ['Salesperson']);
  await giveRoles(system, [integrationUpn], ['Salesperson']);
  await giveRoles(system, [system.admin.upn], ['System Customizer', 'Sales Manager']);
  await runFullSetup(system, { kind: 'user', userName: integrationUpn, password: INTEGRATION_PASSWORD });
  const coupling = await ok(system, 'GET', '/bridge/coupling/salespeople');
  const sellers: Seller[] = [];
  for (const [i, upn] of upns.entries()) {
    const row = await systemUserOf(system, ids[i]!);
    const user = coupling.users.find((u: { domainname: string }) => u.domainname === upn);
    expect(user?.salesperson?.code, `${upn} coupled`).toBeTruthy();
    sellers.push({
      upn,
      systemUserId: row!.systemuserid,
      token: await getToken(system.url, upn, SELLER_PASSWORD),
      code: user.salesperson.code,
    });
  }
  const companies = await erpClient(system).call<{ value: Array<{ id: string }> }>(
    'GET',
    '/api/v2.0/companies',
  );
  const integrationRow = await webApi<{ value: Array<{ systemuserid: string }> }>(
    system,
    await getToken(system.url, system.admin.upn, system.admin.password),
    'GET',
    `systemusers?$filter=domainname eq '${integrationUpn}'&$select=systemuserid`,
  );
  return {
    system,
    domain,
    companyId: companies.body.value[0]!.id,
    sellers,
    integration: {
      upn: integrationUpn,
      systemUserId: integrationRow.body.value[0]!.systemuserid,
      token: await getToken(system.url, integrationUpn, INTEGRATION_PASSWORD),
    },
    adminToken: await getToken(system.url, system.admin.upn, system.admin.password),
  };
}

/** ERP API calls for a company as the Global administrator (or a given token). */
export function erpApi(c: ConnectedSystem) {
  const client = erpClient(c.system);
  const base = `/api/v2.0/companies(${c.companyId})`;
  return {
    async create(set: string, body: Record<string, unknown>) {
      const r = await client.call('POST', `${base}/${set}`, { body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body as Record<string, unknown> & { id: string; '@odata.etag': string };
    },
    async get(set: string, id: string) {
      return client.call('GET', `${base}/${set}(${id})`);
    },
    async list(set: string, filter?: string) {
      const r = await client.call<{ value: Array<Record<string, unknown> & { id: string }> }>(
        'GET',
        `${base}/${set}${filter ? `?$filter=${encodeURIComponent(filter)}` : ''}`,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.value;
    },
    async update(set: string, id: string, body: Record<string, unknown>) {
      const r = await client.call('PATCH', `${base}/${set}(${id})`, { body, headers: { 'If-Match': '*' } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    },
    async remove(set: string, id: string) {
      const r = await client.call('DELETE', `${base}/${set}(${id})`, { headers: { 'If-Match': '*' } });
      expect(r.status, JSON.stringify(r.body)).toBe(204);
    },
    /** An edit or deletion that may race with the sync deleting the record: false when it was gone. */
    async tryWrite(method: 'PATCH' | 'DELETE', set: string, id: string, body?: Record<string, unknown>) {
      const r = await client.call(method, `${base}/${set}(${id})`, {
        ...(body ? { body } : {}),
        headers: { 'If-Match': '*' },
      });
      if (r.status === 404) return false;
      expect(r.status, JSON.stringify(r.body)).toBe(method === 'PATCH' ? 200 : 204);
      return true;
    },
  };
}

/** Sales Web API calls with a token (a salesperson's, the admin's). */
export function salesApi(c: ConnectedSystem, token = c.adminToken) {
  return {
    async create(set: string, body: Record<string, unknown>) {
      const r = await webApi(c.system, token, 'POST', set, {
        body,
        headers: { Prefer: 'return=representation' },
      });
      expect(r.status, r.text).toBe(201);
      return r.body;
    },
    async get(set: string, id: string, select?: string) {
      return webApi(c.system, token, 'GET', `${set}(${id})${select ? `?$select=${select}` : ''}`);
    },
    async list(set: string, filter: string, select?: string) {
      const r = await webApi<{ value: Array<Record<string, unknown>> }>(
        c.system,
        token,
        'GET',
        `${set}?$filter=${encodeURIComponent(filter)}${select ? `&$select=${select}` : ''}`,
      );
      expect(r.status, r.text).toBe(200);
      return r.body.value;
    },
    async update(set: string, id: string, body: Record<string, unknown>) {
      const r = await webApi(c.system, token, 'PATCH', `${set}(${id})`, {
        body,
        headers: { 'If-Match': '*' },
      });
      expect(r.status, r.text).toBe(204);
    },
    async remove(set: string, id: string) {
      const r = await webApi(c.system, token, 'DELETE', `${set}(${id})`);
      expect(r.status, r.text).toBe(204);
    },
    /** An edit or deletion that may race with the sync deleting the record: false when it was gone. */
    async tryWrite(method: 'PATCH' | 'DELETE', set: string, id: string, body?: Record<string, unknown>) {
      const r = await webApi(c.system, token, method, `${set}(${id})`, {
        ...(body ? { body } : {}),
        headers: { 'If-Match': '*' },
      });
      if (r.status === 404) return false;
      expect(r.status, r.text).toBe(204);
      return true;
    },
  };
}

/** Runs every mapping once (incremental) through the API, returning the results. */
export async function syncNow(c: ConnectedSystem, body: Record<string, unknown> = {}) {
  const result = await ok(c.system, 'POST', '/bridge/sync/run', body);
  for (const r of result.value) expect(r.status, JSON.stringify(r)).not.toBe('failed');
  return result.value as Array<{
    mapping: string;
    status: string;
    toSales: Record<Counter, number>;
    toErp: Record<Counter, number>;
  }>;
}

/** Runs sync passes until one writes and fails nothing (at most `passes`); returns the last pass's writes and failures. */
export async function quiesce(c: ConnectedSystem, passes = 6): Promise<number> {
  let writes = Number.POSITIVE_INFINITY;
  for (let i = 0; i < passes && writes > 0; i++) {
    const result = await ok(c.system, 'POST', '/bridge/sync/run', {});
    writes = 0;
    for (const r of result.value as Array<{
      status: string;
      toSales?: Record<Counter, number>;
      toErp?: Record<Counter, number>;
    }>) {
      if (r.status === 'busy') {
        writes = 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      // A failure counts too: the next pass retries it, so the sides are not settled yet.
      for (const side of [r.toSales!, r.toErp!])
        writes += side.inserted + side.modified + side.deleted + side.coupled + side.uncoupled + side.failed;
    }
  }
  return writes;
}

const blank = (v: unknown) => (v === null || v === undefined || v === '' ? null : v);

/**
 * Both sides equal under the CUSTOMER mapping: every live customer has exactly one account with its
 * number and the same values, every account is a customer, the owner is the salesperson's user.
 */
export async function expectCustomersConverged(c: ConnectedSystem): Promise<{ customers: number }> {
  const customers = await erpApi(c).list('customers', "blocked eq ' '");
  const accounts = await salesApi(c).list(
    'accounts',
    'statecode eq 0',
    'accountnumber,name,address1_city,telephone1,emailaddress1,websiteurl,_ownerid_value',
  );
  const byNumber = new Map<string, Array<Record<string, unknown>>>();
  for (const a of accounts) {
    const key = String(a.accountnumber ?? '(none)');
    byNumber.set(key, [...(byNumber.get(key) ?? []), a]);
  }
  const duplicates = [...byNumber].filter(([, list]) => list.length > 1).map(([n]) => n);
  expect(duplicates, 'accounts sharing a number (duplicated records)').toEqual([]);
  expect(byNumber.has('(none)'), 'an account without a number (never reached the ERP)').toBe(false);
  if (accounts.length !== customers.length) {
    // Say which records are unpaired and what the bridge holds for them, to find the cause.
    const numbers = new Set(customers.map((x) => String(x.number)));
    const lonelyCustomers = customers.filter((x) => !byNumber.has(String(x.number)));
    const lonelyAccounts = accounts.filter((a) => !numbers.has(String(a.accountnumber)));
    const couplingRows = await queryRows(
      c.system.running.database.db,
      sql`select erp_id, sales_id, state, pending_side, erp_version, sales_version from bridge.couplings where mapping = 'CUSTOMER'`,
    );
    const runs = await ok(c.system, 'GET', '/bridge/sync/runs?mapping=CUSTOMER&top=30');
    // What Sales recorded of the coupled accounts that are gone, and where the bridge reads from.
    const goneAccounts = await queryRows(
      c.system.running.database.db,
      sql`select d.objectid, d.versionnumber, d.ownerid from sales.deleted_records d
          where d.entitylogicalname = 'account' and d.objectid in
            (select sales_id from bridge.couplings where mapping = 'CUSTOMER')`,
    );
    const cursors = await queryRows(
      c.system.running.database.db,
      sql`select erp_watermark, sales_cursor, (select last_value from sales.version) as sales_version
          from bridge.sync_state where mapping = 'CUSTOMER'`,
    );
    expect.fail(
      `accounts vs customers: ${accounts.length} accounts, ${customers.length} customers. Customers without an account: ${JSON.stringify(lonelyCustomers)}. Accounts without a customer: ${JSON.stringify(lonelyAccounts)}. Couplings: ${JSON.stringify(couplingRows)}. Deleted coupled accounts: ${JSON.stringify(goneAccounts)}. Cursors: ${JSON.stringify(cursors)}. Runs: ${JSON.stringify(runs.value.map((r: { kind: string; status: string; toSales: unknown; toErp: unknown; message: unknown }) => [r.kind, r.status, r.toSales, r.toErp, r.message]))}`,
    );
  }
  const sellerOf = new Map(c.sellers.map((s) => [s.code, s.systemUserId]));
  for (const customer of customers) {
    const [account] = byNumber.get(String(customer.number)) ?? [];
    expect(account, `an account for customer ${String(customer.number)}`).toBeDefined();
    expect(
      {
        name: blank(account!.name),
        city: blank(account!.address1_city),
        phone: blank(account!.telephone1),
        email: blank(account!.emailaddress1),
        website: blank(account!.websiteurl),
      },
      `customer ${String(customer.number)}`,
    ).toEqual({
      name: blank(customer.displayName),
      city: blank(customer.city),
      phone: blank(customer.phoneNumber),
      email: blank(customer.email),
      website: blank(customer.website),
    });
    const code = String(customer.salespersonCode ?? '');
    if (code) expect(account!._ownerid_value, `owner of ${String(customer.number)}`).toBe(sellerOf.get(code));
    else expect([...sellerOf.values()]).not.toContain(account!._ownerid_value);
  }
  return { customers: customers.length };
}
