/**
 * The bridge's HTTP clients (src/bridge/clients) against the real servers: tokens from the directory,
 * the Sales Web API and the ERP API with its change feed, over loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErpClient,
  RemoteApiError,
  SalesClient,
  TokenRequestError,
  alternateKey,
  createTokenSource,
  type TokenSource,
} from '../src/bridge/clients/index.js';
import { erpSide, salesSide } from '../src/bridge/sync/sides.js';
import { eventually } from './support/erp.js';
import { createDirectoryUser } from './support/sales-users.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let adminTokens: TokenSource;
let sales: SalesClient;
let erp: ErpClient;
let domain: string;
const SELLER_PASSWORD = 'Br1dge-Passw0rd!';

async function caught(promise: Promise<unknown>): Promise<RemoteApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RemoteApiError);
  return error as RemoteApiError;
}

beforeAll(async () => {
  system = await startTestSystem();
  domain = system.admin.upn.split('@')[1]!;
  adminTokens = createTokenSource({
    directoryUrl: system.url,
    identity: { kind: 'user', userName: system.admin.upn, password: system.admin.password },
  });
  // Small pages, so that following @odata.nextLink is exercised.
  sales = new SalesClient({ salesUrl: system.url, tokens: adminTokens, pageSize: 2 });
  erp = new ErpClient({ erpUrl: system.url, tokens: adminTokens, pageSize: 2 });
});

afterAll(async () => {
  await system?.stop();
});

describe('token source', () => {
  it('gets a token for a user and caches it', async () => {
    const first = await adminTokens.getToken();
    expect(first.split('.')).toHaveLength(3);
    expect(await adminTokens.getToken()).toBe(first);
  });

  it('names the identity and the directory reason when the grant is refused, never the password', async () => {
    const wrong = createTokenSource({
      directoryUrl: system.url,
      identity: { kind: 'user', userName: system.admin.upn, password: 'Wrong-Passw0rd-SECRET' },
    });
    const error = (await wrong.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error.oauthError).toBe('invalid_grant');
    expect(error.message).toContain(`user ${system.admin.upn}`);
    expect(error.message).toContain('invalid_grant');
    expect(error.errorDescription).toBeTruthy();
    expect(error.message).toContain(error.errorDescription!);
    expect(error.message).not.toContain('SECRET');
  });

  it('gets a token for an application (client credentials)', async () => {
    const created = await fetch(`${system.url}/directory/applications`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await adminTokens.getToken()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ displayName: 'Bridge clients test app' }),
    });
    expect(created.status).toBe(201);
    const app = (await created.json()) as { appId: string; clientSecret: string };
    const tokens = createTokenSource({
      directoryUrl: system.url,
      identity: { kind: 'application', clientId: app.appId, clientSecret: app.clientSecret },
    });
    expect((await tokens.getToken()).split('.')).toHaveLength(3);
    const wrong = createTokenSource({
      directoryUrl: system.url,
      identity: { kind: 'application', clientId: app.appId, clientSecret: 'not-the-secret' },
    });
    const error = (await wrong.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(error.message).toContain(`application ${app.appId}`);
    expect(error.oauthError).toBe('invalid_client');
    expect(error.message).not.toContain('not-the-secret');
  });
});

describe('Sales client', () => {
  let sellerId: string;

  it('whoAmI, listSystemUsers (paged), getSystemUser as the administrator and as a new seller', async () => {
    const me = await sales.whoAmI();
    expect(me.UserId).toMatch(/^[0-9a-f-]{36}$/);
    const directoryId = await createDirectoryUser(system, `seller@${domain}`, {
      licences: ['DYN365_ENTERPRISE_PLAN1', 'DYN365_BUSCENTRAL_ESSENTIAL'],
      password: SELLER_PASSWORD,
    });
    await eventually(async () => {
      const found = await sales.listSystemUsers({ filter: `azureactivedirectoryobjectid eq ${directoryId}` });
      expect(found).toHaveLength(1);
      sellerId = found[0]!.systemuserid;
    });
    const all = await sales.listSystemUsers({ select: ['domainname', 'fullname'] });
    expect(all.length).toBeGreaterThan(2); // more than one page of 2
    expect(new Set(all.map((u) => u.systemuserid)).size).toBe(all.length);
    expect(all.map((u) => u.domainname)).toEqual(
      expect.arrayContaining([system.admin.upn, `seller@${domain}`]),
    );
    const admin = await sales.getSystemUser(me.UserId, ['domainname']);
    expect(admin.domainname).toBe(system.admin.upn);

    const sellerSales = new SalesClient({
      salesUrl: system.url,
      tokens: createTokenSource({
        directoryUrl: system.url,
        identity: { kind: 'user', userName: `seller@${domain}`, password: SELLER_PASSWORD },
      }),
    });
    expect((await sellerSales.whoAmI()).UserId).toBe(sellerId);
  });

  it('listRoles and associateRole', async () => {
    const seller = await sales.getSystemUser(sellerId, ['_businessunitid_value']);
    const roles = await sales.listRoles(
      `name eq 'Salesperson' and _businessunitid_value eq ${String(seller._businessunitid_value)}`,
    );
    expect(roles).toHaveLength(1);
    await sales.associateRole(sellerId, roles[0]!.roleid);
    const held = await sales.listUserRoles(sellerId);
    expect(held.map((r) => r.name)).toContain('Salesperson');
    expect((await sales.listRoles()).length).toBeGreaterThan(2);
  });

  it('retrieve, create, update with If-Match (stale → 412 RemoteApiError), upsert by key, delete', async () => {
    const created = await sales.create<{ accountid: string; name: string; '@odata.etag': string }>(
      'accounts',
      {
        name: 'Bridge Client Ltd',
        accountnumber: 'BRC-1',
      },
    );
    expect(created.accountid).toMatch(/^[0-9a-f-]{36}$/);
    const read = await sales.retrieve('accounts', created.accountid, ['name', 'accountnumber']);
    expect(read).toMatchObject({ name: 'Bridge Client Ltd', accountnumber: 'BRC-1' });

    const updated = await sales.update(
      'accounts',
      created.accountid,
      { telephone1: '555-0100' },
      {
        ifMatch: created['@odata.etag'],
      },
    );
    expect(updated['@odata.etag']).not.toBe(created['@odata.etag']);

    const stale = await caught(
      sales.update(
        'accounts',
        created.accountid,
        { telephone1: '555-0199' },
        { ifMatch: created['@odata.etag'] },
      ),
    );
    expect(stale.status).toBe(412);
    expect(stale.code).toBe('0x80060882');
    expect(stale.remoteMessage).toBe(
      "The version of the existing record doesn't match the RowVersion property provided.",
    );
    expect(stale.method).toBe('PATCH');
    expect(stale.path).toBe(`/api/data/v9.2/accounts(${created.accountid})`);
    expect(stale.message).toContain(stale.remoteMessage!);
    expect((await sales.retrieve('accounts', created.accountid, ['telephone1'])).telephone1).toBe('555-0100');

    const upserted = await sales.upsert('accounts', alternateKey('accountnumber', 'BRC-2'), {
      name: 'Upserted',
    });
    expect(upserted).toMatchObject({ accountnumber: 'BRC-2', name: 'Upserted' });
    const again = await sales.upsert('accounts', alternateKey('accountnumber', 'BRC-2'), {
      name: 'Upserted 2',
    });
    expect(again.accountid).toBe(upserted.accountid);

    const missing = await caught(
      sales.update('accounts', '00000000-0000-0000-0000-000000000001', { name: 'x' }),
    );
    expect(missing.status).toBe(404);

    await sales.delete('accounts', String(upserted.accountid), { ifMatch: String(again['@odata.etag']) });
    const gone = await caught(sales.retrieve('accounts', String(upserted.accountid)));
    expect(gone).toMatchObject({ status: 404, code: '0x80040217' });
  });

  it('readChanges returns a created and a deleted record and the next delta link', async () => {
    const doomed = await sales.create<{ accountid: string }>('accounts', { name: 'Doomed' });
    const first = await sales.readChanges('accounts', undefined, { select: ['name'] });
    expect(first.rows.map((r) => r.name)).toContain('Doomed');
    expect(first.deltaLink).toContain('$deltatoken=');

    const born = await sales.create<{ accountid: string }>('accounts', { name: 'Newborn' });
    await sales.delete('accounts', doomed.accountid);
    const delta = await sales.readChanges('accounts', first.deltaLink);
    expect(delta.rows.map((r) => r.accountid)).toEqual([born.accountid]);
    expect(delta.deleted).toEqual([doomed.accountid]);

    const quiet = await sales.readChanges('accounts', delta.deltaLink);
    expect(quiet).toMatchObject({ rows: [], deleted: [] });
  });
});

describe('ERP client', () => {
  let companyId: string;

  it('listCompanies and generalLedgerSetup', async () => {
    const companies = await erp.listCompanies();
    expect(companies.length).toBeGreaterThanOrEqual(1);
    companyId = companies[0]!.id;
    expect((await erp.generalLedgerSetup(companyId)).localCurrencyCode).toBe('USD');
  });

  it('list (paged), get, create, update with If-Match (stale → 412), delete', async () => {
    for (const n of [1, 2, 3]) {
      await erp.create(companyId, 'customers', { number: `BRC${n}`, displayName: `Bridge customer ${n}` });
    }
    const listed = await erp.list<{ id: string; number: string }>(companyId, 'customers', {
      filter: "startswith(number,'BRC')",
    });
    expect(listed.map((c) => c.number).sort()).toEqual(['BRC1', 'BRC2', 'BRC3']);
    // top caps the total across pages (pages of 2 here)
    expect(await erp.list(companyId, 'customers', { top: 3 })).toHaveLength(3);

    const one = await erp.get<{ id: string; displayName: string; '@odata.etag': string }>(
      companyId,
      'customers',
      listed[0]!.id,
    );
    const updated = await erp.update(
      companyId,
      'customers',
      one.id,
      { displayName: 'Renamed' },
      one['@odata.etag'],
    );
    expect(updated.displayName).toBe('Renamed');

    const stale = await caught(
      erp.update(companyId, 'customers', one.id, { displayName: 'Lost' }, one['@odata.etag']),
    );
    expect(stale.status).toBe(412);
    expect(stale.code).toBe('Request_EntityChanged');
    expect(stale.remoteMessage).toBeTruthy();
    expect(stale.path).toBe(`/api/v2.0/companies(${companyId})/customers(${one.id})`);

    await erp.delete(companyId, 'customers', one.id, String(updated['@odata.etag']));
    const gone = await caught(erp.get(companyId, 'customers', one.id));
    expect(gone.status).toBe(404);
    expect(gone.code).toBeTruthy();
  });

  it('readChanges shows a created and a deleted record after a row version', async () => {
    const doomed = await erp.create(companyId, 'customers', { number: 'BRCDOOMED', displayName: 'Doomed' });
    let cursor = 0;
    for (;;) {
      const page = await erp.readChanges(companyId, 'customers', cursor, 2);
      cursor = page.lastRowVersion;
      if (!page.more) break;
    }
    const born = await erp.create(companyId, 'customers', { number: 'BRCBORN', displayName: 'Born' });
    await erp.delete(companyId, 'customers', doomed.id);
    const changes = await erp.readChanges(companyId, 'customers', cursor);
    expect(changes.changes.map((c) => [c.changeType, c.key])).toEqual([
      ['upserted', 'BRCBORN'],
      ['deleted', 'BRCDOOMED'],
    ]);
    expect(changes.changes[0]!.record?.id).toBe(born.id);
    expect(changes.changes[0]!.lastModifiedBy).toBeTruthy();
    expect(changes.lastRowVersion).toBe(changes.changes[1]!.rowVersion);
    expect(changes.more).toBe(false);
    expect((await erp.readChanges(companyId, 'customers', changes.lastRowVersion)).changes).toEqual([]);
  });

  it('a BASIC user reads but cannot write, and the refusal is a typed error', async () => {
    const seller = new ErpClient({
      erpUrl: system.url,
      tokens: createTokenSource({
        directoryUrl: system.url,
        identity: { kind: 'user', userName: `seller@${domain}`, password: SELLER_PASSWORD },
      }),
    });
    await eventually(async () => {
      expect((await seller.listCompanies()).map((c) => c.id)).toContain(companyId);
    });
    const refused = await caught(seller.create(companyId, 'customers', { displayName: 'Nope' }));
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('Authorization_InsufficientPermissions');
  });
});

describe('the sync sides (src/bridge/sync/sides.ts)', () => {
  it('delete only the version they read: an edit made after the read is not deleted unseen (412)', async () => {
    const companyId = (await erp.listCompanies())[0]!.id;
    const sides = [salesSide(sales, 'accounts', 'accountid', ['name']), erpSide(erp, companyId, 'customers')];
    for (const side of sides) {
      const made = await side.create(crypto.randomUUID(), {
        [side.side === 'sales' ? 'name' : 'displayName']: 'Read Ltd',
      });
      const read = (await side.get(made.id))!;
      // A person edits the record between the bridge's read and its delete.
      await side.update(read, { [side.side === 'sales' ? 'telephone1' : 'phoneNumber']: '555-0142' });
      const refused = await caught(side.delete(read));
      expect(refused.status, side.side).toBe(412);
      expect(await side.get(made.id), side.side).not.toBeNull();
      // The version as it is now deletes; deleting what is already gone is done, not an error.
      const fresh = (await side.get(made.id))!;
      await side.delete(fresh);
      expect(await side.get(made.id), side.side).toBeNull();
      await side.delete(fresh);
    }
  });
});
