import { DynamicsWebApi, type RequestError } from 'dynamics-web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * "Works unchanged with common Dataverse client libraries": the npm package dynamics-web-api (v2)
 * pointed at our server, doing what an integration does. Only the library talks to the Web API here.
 */

interface Account {
  accountid: string;
  name: string;
  accountnumber?: string | null;
  telephone1?: string | null;
  '@odata.etag'?: string;
}

let system: TestSystem;
let token: string;
let api: DynamicsWebApi;
/** The same client, but errors from update/upsert/delete propagate instead of becoming false/null. */
let strict: DynamicsWebApi;

beforeAll(async () => {
  system = await startTestSystem();
  token = await adminToken(system);
  const config = { serverUrl: system.url, dataApi: { version: '9.2' }, onTokenRefresh: async () => token };
  api = new DynamicsWebApi(config);
  strict = new DynamicsWebApi({ ...config, propagateErrors: true });
});
afterAll(async () => {
  await system?.stop();
});

async function failure(promise: Promise<unknown>): Promise<RequestError> {
  try {
    await promise;
  } catch (error) {
    return error as RequestError;
  }
  throw new Error('expected the request to fail');
}

describe('dynamics-web-api against the Sales Web API', () => {
  it('creates (with and without representation), retrieves, updates with If-Match and deletes', async () => {
    const created = await api.create<Partial<Account>, Account>({
      collection: 'accounts',
      data: { name: 'Library account', telephone1: '555-0101' },
      returnRepresentation: true,
      select: ['name', 'telephone1'],
    });
    expect(created.accountid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.name).toBe('Library account');
    expect(created.telephone1).toBe('555-0101');
    expect(created['@odata.etag']).toMatch(/^W\/"\d+"$/);

    // Without representation the library reads the id from OData-EntityId.
    const id = await api.create<Partial<Account>, string>({
      collection: 'accounts',
      data: { name: 'Library account 2' },
    });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const read = await api.retrieve<Account>({
      collection: 'accounts',
      key: id,
      select: ['name', 'accountnumber'],
    });
    expect(read.accountid).toBe(id);
    expect(read.name).toBe('Library account 2');
    expect(read.accountnumber).toBeNull();
    expect(read).not.toHaveProperty('telephone1');
    const etag = read['@odata.etag']!;
    expect(etag).toMatch(/^W\/"\d+"$/);

    const updated = await api.update<Partial<Account>, Account>({
      collection: 'accounts',
      key: id,
      data: { telephone1: '555-0202' },
      ifmatch: etag,
      returnRepresentation: true,
      select: ['name', 'telephone1'],
    });
    expect(updated.telephone1).toBe('555-0202');
    expect(updated['@odata.etag']).not.toBe(etag);

    // A stale etag: the library's legacy wrapper answers false, the strict one carries our 412.
    const stale = await api.update({
      collection: 'accounts',
      key: id,
      data: { telephone1: 'x' },
      ifmatch: etag,
    });
    expect(stale).toBe(false);
    const error = await failure(
      strict.update({ collection: 'accounts', key: id, data: { telephone1: 'x' }, ifmatch: etag }),
    );
    expect(error.status).toBe(412);
    expect(error.message).toBe(
      "The version of the existing record doesn't match the RowVersion property provided.",
    );
    expect(
      (await api.retrieve<Account>({ collection: 'accounts', key: id, select: ['telephone1'] })).telephone1,
    ).toBe('555-0202');

    // Update without ifmatch: the library sends If-Match: * (update only, never create).
    await api.update({ collection: 'accounts', key: id, data: { telephone1: '555-0303' } });
    const missing = await failure(
      strict.update({
        collection: 'accounts',
        key: '00000000-0000-0000-0000-000000000001',
        data: { name: 'no' },
      }),
    );
    expect(missing.status).toBe(404);

    expect(await api.deleteRecord({ collection: 'accounts', key: id })).toBe(true);
    expect(await api.deleteRecord({ collection: 'accounts', key: created.accountid })).toBe(true);
    const gone = await failure(api.retrieve({ collection: 'accounts', key: id }));
    expect(gone.status).toBe(404);
    expect(gone.message).toContain(id);
  });

  it('upserts by alternate key: creates, then updates the same record', async () => {
    const first = await api.upsert<Partial<Account>, Account>({
      collection: 'accounts',
      key: "accountnumber='A-1'",
      data: { name: 'Upserted' },
      returnRepresentation: true,
      select: ['name', 'accountnumber'],
    });
    expect(first.name).toBe('Upserted');
    expect(first.accountnumber).toBe('A-1');

    await api.upsert({
      collection: 'accounts',
      key: "accountnumber='A-1'",
      data: { name: 'Upserted again' },
    });
    const all = await api.retrieveMultiple<Account>({
      collection: 'accounts',
      select: ['name', 'accountnumber'],
      filter: "accountnumber eq 'A-1'",
    });
    expect(all.value).toHaveLength(1);
    expect(all.value[0]!.accountid).toBe(first.accountid);
    expect(all.value[0]!.name).toBe('Upserted again');

    // Update-only (If-Match: *) on a key that does not exist: the library turns our 404 into null.
    expect(
      await api.upsert({
        collection: 'accounts',
        key: "accountnumber='A-404'",
        data: { name: 'x' },
        ifmatch: '*',
      }),
    ).toBeNull();
    // Create-only (If-None-Match: *) on a key that exists: our 412 becomes null too.
    expect(
      await api.upsert({
        collection: 'accounts',
        key: "accountnumber='A-1'",
        data: { name: 'x' },
        ifnonematch: '*',
      }),
    ).toBeNull();
    expect(await api.count({ collection: 'accounts', filter: "accountnumber eq 'A-404'" })).toBe(0);
  });

  it('pages with maxPageSize, follows the next link, and counts', async () => {
    for (let i = 0; i < 7; i++) {
      await api.create({ collection: 'accounts', data: { name: `Paged ${i}`, telephone1: 'paged' } });
    }
    const page = await api.retrieveMultiple<Account>({
      collection: 'accounts',
      select: ['name'],
      filter: "telephone1 eq 'paged'",
      orderBy: ['name asc'],
      maxPageSize: 3,
      count: true,
    });
    expect(page.value.map((a) => a.name)).toEqual(['Paged 0', 'Paged 1', 'Paged 2']);
    expect(page.oDataNextLink).toMatch(/\$skiptoken=/);
    expect(page.oDataCount).toBe(7);

    // As in Dataverse, the page size is a preference of each request: the next request states it again.
    const next = await api.retrieveMultiple<Account>(
      { collection: 'accounts', maxPageSize: 3 },
      page.oDataNextLink,
    );
    expect(next.oDataNextLink).toMatch(/\$skiptoken=/);
    expect(next.value.map((a) => a.name)).toEqual(['Paged 3', 'Paged 4', 'Paged 5']);

    const all = await api.retrieveAll<Account>({
      collection: 'accounts',
      select: ['name'],
      filter: "startswith(name,'Paged') and telephone1 eq 'paged'",
      orderBy: ['name desc'],
      maxPageSize: 2,
    });
    expect(all.value.map((a) => a.name)).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `Paged ${i}`));

    expect(await api.count({ collection: 'accounts', filter: "telephone1 eq 'paged'" })).toBe(7);

    // Regression: the library's fetch() sends accounts?fetchXml=…, which we used to ignore, answering
    // every account with every column. FetchXML is not supported, so it is refused rather than ignored.
    const fetchXml = await failure(
      api.fetch({
        collection: 'accounts',
        fetchXml: `<fetch><entity name="account"><attribute name="name"/><filter><condition attribute="name" operator="eq" value="Paged 0"/></filter></entity></fetch>`,
      }),
    );
    expect(fetchXml.status).toBe(400);
    expect(fetchXml.message).toBe(
      'The query parameter fetchXml is not supported. Query accounts with $select, $filter, $orderby, $top and $expand.',
    );
    expect(await api.countAll({ collection: 'accounts', filter: "telephone1 eq 'paged'" })).toBe(7);
  });

  it('runs a $batch with a change set and a Content-ID reference', async () => {
    api.startBatch();
    api.create({ collection: 'accounts', data: { name: 'Batched account' }, contentId: '1' });
    api.create({
      collection: 'contacts',
      data: { lastname: 'Batched contact', 'parentcustomerid_account@odata.bind': '$1' },
    });
    api.retrieveMultiple({ collection: 'accounts', select: ['name'], filter: "name eq 'Batched account'" });
    const responses = await api.executeBatch();
    expect(responses).toHaveLength(3);
    const [accountId, contactId, query] = responses as [string, string, { value: Account[] }];
    expect(accountId).toMatch(/^[0-9a-f-]{36}$/);
    expect(contactId).toMatch(/^[0-9a-f-]{36}$/);
    // The GET runs after the change set committed.
    expect(query.value.map((a) => a.accountid)).toEqual([accountId]);

    const contact = await api.retrieve<{ lastname: string; _parentcustomerid_value: string }>({
      collection: 'contacts',
      key: contactId,
      select: ['lastname', '_parentcustomerid_value'],
    });
    expect(contact.lastname).toBe('Batched contact');
    expect(contact._parentcustomerid_value).toBe(accountId);

    // A failing change set rolls back; the library hands back our error as the batch's one response.
    api.startBatch();
    api.create({ collection: 'accounts', data: { name: 'Rolled back' } });
    api.update({ collection: 'accounts', key: '00000000-0000-0000-0000-000000000002', data: { name: 'no' } });
    const failed = await api.executeBatch();
    expect(failed).toHaveLength(1);
    // (Inside a batch the library keeps the part's body as is: our Dataverse error sits under .error.)
    const error = failed[0] as RequestError & { error: { code: string; message: string } };
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(404);
    expect(error.error.code).toMatch(/^0x[0-9a-f]{8}$/);
    expect(error.error.message).toContain('00000000-0000-0000-0000-000000000002');
    expect(await api.count({ collection: 'accounts', filter: "name eq 'Rolled back'" })).toBe(0);
  });

  it('associates and disassociates a role with a system user (systemuserroles_association)', async () => {
    const users = await api.retrieveMultiple<{ systemuserid: string; _businessunitid_value: string }>({
      collection: 'systemusers',
      select: ['domainname', '_businessunitid_value'],
      filter: `domainname eq '${system.admin.upn}'`,
    });
    expect(users.value).toHaveLength(1);
    const user = users.value[0]!;
    const roles = await api.retrieveMultiple<{ roleid: string; name: string }>({
      collection: 'roles',
      select: ['name'],
      filter: `_businessunitid_value eq ${user._businessunitid_value} and name ne 'System Administrator'`,
      orderBy: ['name'],
      top: 1,
    });
    const role = roles.value[0]!;
    expect(role.roleid).toMatch(/^[0-9a-f-]{36}$/);

    const rolesOf = async () =>
      (
        await api.retrieveMultiple<{ name: string }>({
          collection: `systemusers(${user.systemuserid})/systemuserroles_association`,
          select: ['name'],
        })
      ).value
        .map((r) => r.name)
        .sort();

    expect(await rolesOf()).toEqual(['System Administrator']);
    await api.associate({
      collection: 'systemusers',
      primaryKey: user.systemuserid,
      relationshipName: 'systemuserroles_association',
      relatedCollection: 'roles',
      relatedKey: role.roleid,
    });
    expect(await rolesOf()).toEqual([role.name, 'System Administrator'].sort());

    await api.disassociate({
      collection: 'systemusers',
      primaryKey: user.systemuserid,
      relationshipName: 'systemuserroles_association',
      relatedKey: role.roleid,
    });
    expect(await rolesOf()).toEqual(['System Administrator']);
  });
});
