import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders } from './support/auth.js';
import { bearer, createDirectoryUser, erpClient, eventually } from './support/erp.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

type Json = Record<string, unknown>;
interface BcError {
  error: { code: string; message: string };
}
interface ErpUser {
  id: string;
  userName: string;
  state: 'Enabled' | 'Disabled';
  disabledReason: string | null;
  permissionSets: string[];
  applicationId: string | null;
}

const BC = 'DYN365_BUSCENTRAL_ESSENTIAL';
let system: TestSystem;
let call: ReturnType<typeof erpClient>['call'];
let base: string;
let companyId: string;

async function erpUser(id: string): Promise<ErpUser> {
  const response = await call<ErpUser>('GET', `/api/tandem/admin/v1.0/users(${id})`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

async function directory(method: string, path: string, body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      ...(await adminHeaders(system)),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);
  return text ? (JSON.parse(text) as Json) : {};
}

beforeAll(async () => {
  system = await startTestSystem();
  call = erpClient(system).call;
  const companies = await call<{ value: Json[] }>('GET', '/api/v2.0/companies');
  companyId = String(companies.body.value[0]!.id);
  base = `/api/v2.0/companies(${companyId})`;
});
afterAll(async () => {
  await system?.stop();
});

describe('ERP users from the directory', () => {
  it('makes the Global administrator a SUPER user without a licence', async () => {
    const users = await call<{ value: ErpUser[] }>('GET', '/api/tandem/admin/v1.0/users');
    const admin = users.body.value.find((u) => u.userName === system.admin.upn)!;
    expect(admin).toMatchObject({ state: 'Enabled', permissionSets: ['SUPER'] });
  });

  it('provisions a licensed user with BASIC, refuses writes, and disables the user when the licence goes', async () => {
    const person = await createDirectoryUser(system, 'erp.clerk@contoso.com', { licences: [BC] });
    await eventually(async () => expect((await erpUser(person.id)).state).toBe('Enabled'));
    expect((await erpUser(person.id)).permissionSets).toEqual(['BASIC']);
    const as = await bearer(system, person.upn, person.password);
    expect((await call('GET', `${base}/customers`, { as })).status).toBe(200);
    const before = (await call<{ value: Json[] }>('GET', `${base}/customers`)).body.value.length;
    const refused = await call<BcError>('POST', `${base}/customers`, {
      as,
      body: { displayName: 'Not allowed' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('Authorization_InsufficientPermissions');
    expect(refused.body.error.message).toMatch(/TableData Customer Insert.*BASIC.*SALES/);
    expect((await call<{ value: Json[] }>('GET', `${base}/customers`)).body.value.length).toBe(before);

    await directory('POST', `/directory/users/${person.id}/assign-licences`, {
      addLicences: [],
      removeLicences: [BC],
    });
    await eventually(async () => expect((await erpUser(person.id)).state).toBe('Disabled'));
    const disabled = await call<BcError>('GET', `${base}/customers`, { as });
    expect(disabled.status).toBe(403);
    expect(disabled.body.error.message).toMatch(/no Business Central licence; assign one in the directory/);

    await directory('POST', `/directory/users/${person.id}/assign-licences`, {
      addLicences: [BC],
      removeLicences: [],
    });
    await eventually(async () => expect((await erpUser(person.id)).state).toBe('Enabled'));
    await directory('POST', '/directory/users/block', { userIds: [person.id], signInAllowed: false });
    await eventually(async () =>
      expect((await erpUser(person.id)).disabledReason).toMatch(/sign-in is blocked/),
    );
    // A token issued before the block is refused, with Business Central's code for a disabled user.
    const blocked = await call<BcError>('GET', `${base}/customers`, { as });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('Authorization_UserDisabled');
    await directory('DELETE', `/directory/users/${person.id}`);
    await eventually(async () => expect((await erpUser(person.id)).disabledReason).toMatch(/deleted/));
  });

  it('answers a directory user without a Business Central licence with a clear 401', async () => {
    const person = await createDirectoryUser(system, 'no.licence@contoso.com');
    const as = await bearer(system, person.upn, person.password);
    const response = await call<BcError>('GET', '/api/v2.0/companies', { as });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('Authentication_InvalidCredentials');
    expect(response.body.error.message).toMatch(
      /no.licence@contoso.com.*no Business Central licence; assign one in the directory/,
    );
    const noToken = await fetch(`${system.url}/api/v2.0/companies`);
    expect(noToken.status).toBe(401);
    const bad = await call<BcError>('GET', '/api/v2.0/companies', {
      as: { authorization: 'Bearer not.a.token' },
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('Authentication_InvalidCredentials');
    expect(bad.body.error.message).not.toMatch(/not\.a\.token/);
  });
});

describe('permission sets', () => {
  let integration: { id: string; headers: Record<string, string> };

  beforeAll(async () => {
    const person = await createDirectoryUser(system, 'integration@contoso.com', { licences: [BC] });
    await eventually(async () => expect((await erpUser(person.id)).state).toBe('Enabled'));
    integration = { id: person.id, headers: await bearer(system, person.upn, person.password) };
  });

  it('only SUPER assigns and removes sets, and every change is audited', async () => {
    const refused = await call<BcError>(
      'POST',
      `/api/tandem/admin/v1.0/users(${integration.id})/permissionSets`,
      {
        as: integration.headers,
        body: { permissionSet: 'SUPER' },
      },
    );
    expect(refused.status).toBe(403);
    const assigned = await call<ErpUser>(
      'POST',
      `/api/tandem/admin/v1.0/users(${integration.id})/permissionSets`,
      {
        body: { permissionSet: 'integration' },
      },
    );
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
    expect(assigned.body.permissionSets).toEqual(['BASIC', 'INTEGRATION']);
    const removed = await call(
      'DELETE',
      `/api/tandem/admin/v1.0/users(${integration.id})/permissionSets('BASIC')`,
    );
    expect(removed.status).toBe(204);
    expect((await erpUser(integration.id)).permissionSets).toEqual(['INTEGRATION']);
    const unknown = await call<BcError>(
      'POST',
      `/api/tandem/admin/v1.0/users(${integration.id})/permissionSets`,
      {
        body: { permissionSet: 'GOD' },
      },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/GOD.*SUPER, BASIC, SALES, INTEGRATION/);
    const audit = await call<{ value: Array<{ action: string; targetId: string; details: Json }> }>(
      'GET',
      '/api/tandem/admin/v1.0/auditLog',
    );
    const mine = audit.body.value
      .filter((e) => e.targetId === integration.id)
      .map((e) => [e.action, e.details.permissionSet]);
    expect(mine).toEqual([
      ['permissionSet.remove', 'BASIC'],
      ['permissionSet.assign', 'INTEGRATION'],
    ]);
  });

  it('INTEGRATION does the bridge work and nothing administrative', async () => {
    const as = integration.headers;
    const person = await call('POST', `${base}/salespeoplePurchasers`, {
      as,
      body: { code: 'JR', displayName: 'John Roberts' },
    });
    expect(person.status, JSON.stringify(person.body)).toBe(201);
    const currency = await call('POST', `${base}/currencies`, {
      as,
      body: { code: 'EUR', displayName: 'Euro', symbol: '€' },
    });
    expect(currency.status).toBe(201);
    const customer = await call('POST', `${base}/customers`, {
      as,
      body: { displayName: 'Bridge Ltd', salespersonCode: 'JR', currencyCode: 'EUR' },
    });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    const contact = await call('POST', `${base}/contacts`, {
      as,
      body: { type: 'Person', displayName: 'Pat' },
    });
    expect(contact.status).toBe(201);
    expect(
      (await call('POST', `${base}/items`, { as, body: { displayName: 'Widget', unitPrice: 5 } })).status,
    ).toBe(201);
    const patched = await call('PATCH', `${base}/customers(${String(customer.body.id)})`, {
      as,
      body: { city: 'Lyon' },
      headers: { 'if-match': String(customer.body['@odata.etag']) },
    });
    expect(patched.status).toBe(200);
    for (const path of ['paymentTerms', 'unitsOfMeasure', 'generalLedgerSetup'])
      expect((await call('GET', `${base}/${path}`, { as })).status, path).toBe(200);
    const feed = await call<{ value: Array<{ lastModifiedBy: string }> }>(
      'GET',
      `/api/tandem/sync/v1.0/companies(${companyId})/changes?entity=customers&after=0`,
      { as },
    );
    expect(feed.status).toBe(200);
    expect(feed.body.value.at(-1)!.lastModifiedBy).toBe(integration.id);
    expect(
      (
        await call('DELETE', `${base}/contacts(${String(contact.body.id)})`, {
          as,
          headers: { 'if-match': '*' },
        })
      ).status,
    ).toBe(204);

    const forbidden: Array<[string, string, unknown]> = [
      ['POST', '/api/v2.0/companies', { name: 'Sneaky' }],
      ['GET', '/api/tandem/admin/v1.0/users', undefined],
      ['GET', '/api/tandem/admin/v1.0/auditLog', undefined],
      ['POST', `/api/tandem/admin/v1.0/users(${integration.id})/permissionSets`, { permissionSet: 'SUPER' }],
      [
        'POST',
        '/api/tandem/admin/v1.0/applications',
        { applicationId: crypto.randomUUID(), displayName: 'x' },
      ],
      ['POST', `${base}/paymentTerms`, { code: 'X' }],
      ['DELETE', `${base}/currencies(${String(currency.body.id)})`, undefined],
    ];
    for (const [method, path, body] of forbidden) {
      const response = await call<BcError>(method, path, { as, body, headers: { 'if-match': '*' } });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body.error.code).toBe('Authorization_InsufficientPermissions');
    }
  });

  it('registers an application identity by appId; its writes carry its object id', async () => {
    const app = await directory('POST', '/directory/applications', { displayName: 'Bridge app' });
    const tokenResponse = await fetch(`${system.url}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(app.appId),
        client_secret: String(app.clientSecret),
        scope: 'https://api.businesscentral.dynamics.com/.default',
      }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const as = { authorization: `Bearer ${token}` };
    const unknown = await call<BcError>('GET', '/api/v2.0/companies', { as });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toMatch(/is not registered in Business Central/);

    const registered = await call<ErpUser>('POST', '/api/tandem/admin/v1.0/applications', {
      body: { applicationId: app.appId, displayName: 'Bridge app', permissionSets: ['INTEGRATION'] },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    expect(registered.body).toMatchObject({
      applicationId: app.appId,
      permissionSets: ['INTEGRATION'],
      state: 'Enabled',
    });
    const again = await call<BcError>('POST', '/api/tandem/admin/v1.0/applications', {
      body: { applicationId: app.appId, displayName: 'Bridge app' },
    });
    expect(again.status).toBe(409);

    const created = await call('POST', `${base}/customers`, { as, body: { displayName: 'Made by an app' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const oid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).oid as string;
    const feed = await call<{ value: Array<{ id: string; lastModifiedBy: string }> }>(
      'GET',
      `/api/tandem/sync/v1.0/companies(${companyId})/changes?entity=customers&after=0`,
      { as },
    );
    expect(feed.body.value.find((c) => c.id === created.body.id)!.lastModifiedBy).toBe(oid);
    expect((await call('POST', '/api/v2.0/companies', { as, body: { name: 'Nope' } })).status).toBe(403);
  });

  it('lets SUPER add a company with its own local currency', async () => {
    const created = await call('POST', '/api/v2.0/companies', {
      body: { name: 'CRONUS Canada', localCurrencyCode: 'CAD' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const setup = await call<{ value: Json[] }>(
      'GET',
      `/api/v2.0/companies(${String(created.body.id)})/generalLedgerSetup`,
    );
    expect(setup.body.value[0]).toMatchObject({ localCurrencyCode: 'CAD' });
    const duplicate = await call<BcError>('POST', '/api/v2.0/companies', { body: { name: 'cronus canada' } });
    expect(duplicate.status).toBe(409);
    // Records belong to one company: another company's id does not find them.
    const customers = await call<{ value: Json[] }>(
      'GET',
      `/api/v2.0/companies(${String(created.body.id)})/customers`,
    );
    expect(customers.body.value).toEqual([]);
  });

  it('never lets a SUPER user remove SUPER from themselves', async () => {
    const users = await call<{ value: ErpUser[] }>('GET', '/api/tandem/admin/v1.0/users');
    const admin = users.body.value.find((u) => u.userName === system.admin.upn)!;
    const response = await call<BcError>(
      'DELETE',
      `/api/tandem/admin/v1.0/users(${admin.id})/permissionSets('SUPER')`,
    );
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(/another SUPER user/);
  });
});
