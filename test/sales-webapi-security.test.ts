import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, giveRole, salesUser, webApi, type SalesTestUser } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * Privileges on every call (Salesperson at User depth for writes, Sales Manager at Business Unit
 * depth, Basic User reading own records only), role assignment refused to non-administrators, and
 * every bad input answered with a Dataverse error that changes nothing.
 */

let system: TestSystem;
let admin: string;
let seller: SalesTestUser;
let colleague: SalesTestUser;
let manager: SalesTestUser;
let basic: SalesTestUser;

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_SALES_REQUEST_LIMIT: '40', TANDEM_SALES_WINDOW_SECONDS: '300' });
  admin = await adminToken(system);
  seller = await salesUser(system, 'sam.seller@contoso.com');
  colleague = await salesUser(system, 'cora.colleague@contoso.com');
  manager = await salesUser(system, 'mia.manager@contoso.com');
  basic = await salesUser(system, 'bob.basic@contoso.com');
  await giveRole(system, admin, seller, 'Salesperson');
  await giveRole(system, admin, colleague, 'Salesperson');
  await giveRole(system, admin, manager, 'Sales Manager');
  await giveRole(system, admin, basic, 'Basic User');
});
afterAll(async () => {
  await system?.stop();
});

async function create(user: SalesTestUser, name: string): Promise<string> {
  const r = await webApi(system, user.token, 'POST', 'accounts', { body: { name } });
  expect(r.status, r.text).toBe(204);
  return /\(([^)]+)\)$/.exec(r.headers.get('odata-entityid')!)![1]!;
}

describe('privileges on every call', () => {
  it('a Salesperson writes their own accounts but not a colleague’s (User depth), with the Dataverse privilege error', async () => {
    const own = await create(seller, 'Seller own');
    const theirs = await create(colleague, 'Colleague own');
    const ownRead = await webApi(
      system,
      seller.token,
      'GET',
      `accounts(${own})?$select=name,_ownerid_value,_modifiedby_value`,
    );
    expect(ownRead.body).toMatchObject({
      _ownerid_value: seller.systemUserId,
      _modifiedby_value: seller.systemUserId,
    });
    expect(
      (await webApi(system, seller.token, 'PATCH', `accounts(${own})`, { body: { telephone1: '1' } })).status,
    ).toBe(204);
    const denied = await webApi<{ error: { code: string; message: string } }>(
      system,
      seller.token,
      'PATCH',
      `accounts(${theirs})`,
      {
        body: { name: 'Hijacked' },
      },
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('0x80040220');
    expect(denied.body.error.message).toContain(`(Id=${seller.systemUserId})`);
    expect(denied.body.error.message).toContain('is missing prvWriteAccount privilege');
    expect((await webApi(system, seller.token, 'DELETE', `accounts(${theirs})`)).status).toBe(403);
    const after = await webApi(system, admin, 'GET', `accounts(${theirs})?$select=name`);
    expect(after.body.name).toBe('Colleague own');
  });

  it('a Basic User (User-depth read) neither lists nor reads others’ accounts', async () => {
    const theirs = await create(colleague, 'Hidden from basic');
    const own = await create(basic, 'Basic own');
    const list = await webApi<{ value: Array<{ accountid: string }> }>(
      system,
      basic.token,
      'GET',
      'accounts?$select=name',
    );
    expect(list.body.value.map((r) => r.accountid)).toEqual([own]);
    const count = await webApi(system, basic.token, 'GET', 'accounts/$count');
    expect(count.text).toBe('1');
    const read = await webApi<{ error: { code: string; message: string } }>(
      system,
      basic.token,
      'GET',
      `accounts(${theirs})`,
    );
    expect(read.status).toBe(403);
    expect(read.body.error.message).toContain('prvReadAccount');
  });

  it('a Sales Manager (Business Unit depth) updates and assigns any account of the business unit', async () => {
    const theirs = await create(seller, 'Managed');
    expect(
      (await webApi(system, manager.token, 'PATCH', `accounts(${theirs})`, { body: { telephone1: '42' } }))
        .status,
    ).toBe(204);
    const assign = await webApi(system, manager.token, 'PATCH', `accounts(${theirs})`, {
      body: { 'ownerid@odata.bind': `/systemusers(${colleague.systemUserId})` },
    });
    expect(assign.status, assign.text).toBe(204);
    const read = await webApi(
      system,
      admin,
      'GET',
      `accounts(${theirs})?$select=_ownerid_value,_modifiedby_value`,
    );
    expect(read.body).toMatchObject({
      _ownerid_value: colleague.systemUserId,
      _modifiedby_value: manager.systemUserId,
    });
  });

  it('a Salesperson cannot give roles: 403 with the Dataverse error, nothing assigned', async () => {
    const roles = await webApi<{ value: Array<{ roleid: string }> }>(
      system,
      admin,
      'GET',
      `roles?$select=name&$filter=name eq 'System Administrator' and _businessunitid_value eq ${seller.businessUnitId}`,
    );
    const roleUrl = `${system.url}/api/data/v9.2/roles(${roles.body.value[0]!.roleid})`;
    const r = await webApi<{ error: { code: string; message: string } }>(
      system,
      seller.token,
      'POST',
      `systemusers(${seller.systemUserId})/systemuserroles_association/$ref`,
      { body: { '@odata.id': roleUrl } },
    );
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('0x80040220');
    expect(r.body.error.message).toContain('prvAssignRole');
    const held = await webApi<{ value: Array<{ name: string }> }>(
      system,
      admin,
      'GET',
      `systemusers(${seller.systemUserId})/systemuserroles_association?$select=name`,
    );
    expect(held.body.value.map((x) => x.name)).toEqual(['Salesperson']);
  });

  it('the administrator associates and disassociates roles with both documented DELETE forms', async () => {
    const roles = await webApi<{ value: Array<{ roleid: string }> }>(
      system,
      admin,
      'GET',
      `roles?$select=name&$filter=name eq 'Basic User' and _businessunitid_value eq ${seller.businessUnitId}`,
    );
    const roleId = roles.body.value[0]!.roleid;
    const path = `systemusers(${seller.systemUserId})/systemuserroles_association`;
    const roleUrl = `${system.url}/api/data/v9.2/roles(${roleId})`;
    const names = async () =>
      (
        await webApi<{ value: Array<{ name: string }> }>(
          system,
          admin,
          'GET',
          `${path}?$select=name&$orderby=name`,
        )
      ).body.value.map((x) => x.name);
    expect(
      (await webApi(system, admin, 'POST', `${path}/$ref`, { body: { '@odata.id': roleUrl } })).status,
    ).toBe(204);
    expect(await names()).toEqual(['Basic User', 'Salesperson']);
    expect((await webApi(system, admin, 'DELETE', `${path}(${roleId})/$ref`)).status).toBe(204);
    expect(await names()).toEqual(['Salesperson']);
    await webApi(system, admin, 'POST', `${path}/$ref`, { body: { '@odata.id': roleUrl } });
    expect(
      (await webApi(system, admin, 'DELETE', `${path}/$ref?$id=${encodeURIComponent(roleUrl)}`)).status,
    ).toBe(204);
    expect(await names()).toEqual(['Salesperson']);
  });
});

describe('bad input gets a Dataverse error and changes nothing', () => {
  it('missing, forged and foreign tokens are 401', async () => {
    const none = await webApi(system, undefined, 'GET', 'accounts');
    expect(none.status).toBe(401);
    expect((none.body as { error: { code: string } }).error.code).toBe('0x80072560');
    const [h, p] = admin.split('.');
    const forged = await webApi(system, `${h}.${p}.AAAA`, 'GET', 'accounts');
    expect(forged.status).toBe(401);
    expect(forged.text).not.toContain(admin);
    const wrongCreate = await webApi(system, 'garbage', 'POST', 'accounts', { body: { name: 'No token' } });
    expect(wrongCreate.status).toBe(401);
  });

  it('unknown entity sets and segments are 404 worded as Dataverse', async () => {
    const r = await webApi(system, admin, 'GET', 'Account');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      error: { code: '0x8006088a', message: "Resource not found for the segment 'Account'." },
    });
  });

  it('query errors: unknown column, malformed $filter, $skip, oversize $top', async () => {
    for (const query of [
      '$select=Name',
      "$filter=name eq 'x",
      '$skip=10',
      '$top=5001',
      "$filter=creditlimit eq 'a'",
    ]) {
      const r = await webApi<{ error: { code: string; message: string } }>(
        system,
        admin,
        'GET',
        `accounts?${query}`,
      );
      expect(r.status, query).toBe(400);
      expect(r.body.error.code, query).toBe('0x0');
      expect(r.body.error.message.length).toBeGreaterThan(10);
    }
  });

  it('body errors: malformed JSON, unknown column, wrong type, too long, unknown lookup target — nothing created', async () => {
    const bodies: Array<[string | Record<string, unknown>, RegExp]> = [
      ['{"name": "Broken"', /not valid JSON/],
      [{ name: 'Bad', nmae: 'typo' }, /Invalid property 'nmae'/],
      [{ name: 'Bad', creditlimit: 'a lot' }, /Edm.Decimal/],
      [{ name: 'x'.repeat(161) }, /exceeded the maximum allowed length of '160'/],
      [{ name: 'Bad', statecode: 7 }, /outside the valid range/],
      [
        { name: 'Bad', 'primarycontactid@odata.bind': '/contacts(00000000-0000-0000-0000-0000000000ff)' },
        /contact With Id = .* Does Not Exist/,
      ],
      [
        { name: 'Bad', _primarycontactid_value: '00000000-0000-0000-0000-0000000000ff' },
        /set it with "primarycontactid@odata.bind"/,
      ],
      [['not', 'an', 'object'], /JSON object/] as unknown as [Record<string, unknown>, RegExp],
    ];
    const before = (await webApi(system, admin, 'GET', 'accounts/$count')).text;
    for (const [body, message] of bodies) {
      const r = await webApi<{ error: { code: string; message: string } }>(
        system,
        admin,
        'POST',
        'accounts',
        { body },
      );
      expect([400, 404], JSON.stringify(body)).toContain(r.status);
      expect(r.body.error.message).toMatch(message);
    }
    expect((await webApi(system, admin, 'GET', 'accounts/$count')).text).toBe(before);
  });

  it('past the request limit: 429 with Retry-After and the documented code', async () => {
    const user = await salesUser(system, 'rita.ratelimit@contoso.com');
    let last: Awaited<ReturnType<typeof webApi>> | undefined;
    for (let i = 0; i < 41; i++) last = await webApi(system, user.token, 'GET', 'WhoAmI');
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.body).toEqual({
      error: {
        code: '0x80072322',
        message: 'Number of requests exceeded the limit of 40 over time window of 300 seconds.',
      },
    });
    // Other users are not throttled.
    expect((await webApi(system, admin, 'GET', 'WhoAmI')).status).toBe(200);
  });
});
