import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATION_SOLUTION } from '../src/bridge/setup/integration-solution.js';
import { provisionNow } from '../src/sales/provisioning.js';
import { adminHeaders, getToken } from './support/auth.js';
import { createDirectoryUser, directoryCall } from './support/sales-users.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

interface UserView {
  systemuserid: string;
  domainname: string;
  accessmode: number;
  islicensed: boolean;
  isdisabled: boolean;
  roles: Array<{ roleid: string; name: string }>;
}

const PASSWORD = 'Sal3s-Passw0rd!';

describe('Sales admin API (/sales/admin)', () => {
  let system: TestSystem;
  let admin: Record<string, string>;

  const call = async (headers: Record<string, string>, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : undefined,
    };
  };

  async function userHeaders(upn: string): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await getToken(system.url, upn, PASSWORD)}` };
  }

  async function salesUserId(upn: string): Promise<string> {
    await provisionNow(system.running.sales.context);
    const page = await call(admin, 'GET', `/sales/admin/users?search=${encodeURIComponent(upn)}`);
    const user = (page.body.value as UserView[]).find((u) => u.domainname === upn);
    if (!user) throw new Error(`${upn} is not a Sales user`);
    return user.systemuserid;
  }

  beforeAll(async () => {
    system = await startTestSystem();
    admin = await adminHeaders(system);
    for (const name of ['ann', 'bob', 'cat', 'dan']) {
      await createDirectoryUser(system, `${name}@contoso.com`, {
        licences: ['DYN365_ENTERPRISE_PLAN1'],
        password: PASSWORD,
      });
    }
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('asks for a bearer token', async () => {
    const response = await call({}, 'GET', '/sales/admin/users');
    expect(response.status).toBe(401);
    expect(response.type).toContain('application/problem+json');
    expect(response.body.detail).toMatch(/bearer token/);
  });

  it('refuses a directory user who is not in Sales, naming the licence to assign', async () => {
    await createDirectoryUser(system, 'nolicence@contoso.com', { password: PASSWORD });
    const response = await call(await userHeaders('nolicence@contoso.com'), 'GET', '/sales/admin/users');
    expect(response.status).toBe(403);
    expect(response.body.detail).toMatch(
      /nolicence@contoso.com is not enabled in Sales: assign a Dynamics 365 Sales licence/,
    );
  });

  it('tells a caller its own user, roles and privileges (GET /sales/admin/me), or that it is not a Sales user', async () => {
    const id = await salesUserId('ann@contoso.com');
    const none = await call(await userHeaders('ann@contoso.com'), 'GET', '/sales/admin/me');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({
      user: { systemuserid: id, domainname: 'ann@contoso.com', roles: [] },
      privileges: [],
    });
    await call(admin, 'POST', '/sales/admin/users/roles', {
      systemUserIds: [id],
      roleNames: ['Salesperson'],
      action: 'assign',
    });
    const salesperson = await call(await userHeaders('ann@contoso.com'), 'GET', '/sales/admin/me');
    expect(salesperson.body.user.roles.map((r: { name: string }) => r.name)).toEqual(['Salesperson']);
    expect(salesperson.body.privileges).toContain('prvReadAccount');
    expect(salesperson.body.privileges).not.toContain('prvAssignRole');
    await call(admin, 'POST', '/sales/admin/users/roles', {
      systemUserIds: [id],
      roleNames: ['Salesperson'],
      action: 'remove',
    });
    // Someone who is not a Sales user is told so, with the reason, without a refusal.
    const outsider = await call(await userHeaders('nolicence@contoso.com'), 'GET', '/sales/admin/me');
    expect(outsider.status).toBe(200);
    expect(outsider.body).toMatchObject({ user: null, privileges: [] });
    expect(outsider.body.reason).toMatch(/not enabled in Sales/);
    expect((await call({}, 'GET', '/sales/admin/me')).status).toBe(401);
  });

  it('lists users with roles, access mode and licence state; searches and pages', async () => {
    await provisionNow(system.running.sales.context);
    const all = await call(admin, 'GET', '/sales/admin/users');
    expect(all.status).toBe(200);
    const users = all.body.value as UserView[];
    expect(users.map((u) => u.domainname)).toEqual(
      expect.arrayContaining(['admin@contoso.com', 'ann@contoso.com', 'dan@contoso.com']),
    );
    expect(users.map((u) => u.domainname)).not.toContain('SYSTEM');
    expect(users.find((u) => u.domainname === 'admin@contoso.com')).toMatchObject({
      accessmode: 1,
      islicensed: false,
      roles: [{ name: 'System Administrator' }],
    });
    expect(users.find((u) => u.domainname === 'ann@contoso.com')).toMatchObject({
      accessmode: 0,
      islicensed: true,
      roles: [],
    });

    const searched = await call(admin, 'GET', '/sales/admin/users?search=BOB');
    expect((searched.body.value as UserView[]).map((u) => u.domainname)).toEqual(['bob@contoso.com']);
    // The list says its total: of the filtered list, on every page.
    expect(searched.body.count).toBe(1);

    const seen: string[] = [];
    let next: string | undefined = `${system.url}/sales/admin/users?top=2`;
    while (next) {
      const page = await call(admin, 'GET', next.slice(system.url.length));
      seen.push(...(page.body.value as UserView[]).map((u) => u.domainname));
      expect(page.body.count).toBe(users.length);
      next = page.body.nextLink;
    }
    expect(seen).toEqual(users.map((u) => u.domainname));
  });

  it('assigns Salesperson to many users in one call, idempotently, and removes it again (rule A5)', async () => {
    const ids = [
      await salesUserId('ann@contoso.com'),
      await salesUserId('bob@contoso.com'),
      await salesUserId('cat@contoso.com'),
    ];
    const assigned = await call(admin, 'POST', '/sales/admin/users/roles', {
      systemUserIds: ids,
      roleNames: ['Salesperson'],
      action: 'assign',
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toEqual({
      action: 'assign',
      users: 3,
      roles: ['Salesperson'],
      changed: 3,
      unchanged: 0,
    });
    const again = await call(admin, 'POST', '/sales/admin/users/roles', {
      systemUserIds: ids,
      roleNames: ['Salesperson'],
      action: 'assign',
    });
    expect(again.body).toMatchObject({ changed: 0, unchanged: 3 });
    const ann = await call(admin, 'GET', `/sales/admin/users/${ids[0]}`);
    expect(ann.body.roles.map((r: { name: string }) => r.name)).toEqual(['Salesperson']);

    const removed = await call(admin, 'POST', '/sales/admin/users/roles', {
      systemUserIds: ids.slice(2),
      roleNames: ['Salesperson'],
      action: 'remove',
    });
    expect(removed.body).toMatchObject({ changed: 1 });
  });

  it('assigns nothing when any user or role is wrong, and lists every problem', async () => {
    const dan = await salesUserId('dan@contoso.com');
    const blockedId = await createDirectoryUser(system, 'eve@contoso.com', {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    const eve = await salesUserId('eve@contoso.com');
    await directoryCall(system, 'PATCH', `/directory/users/${blockedId}`, { signInAllowed: false });
    await provisionNow(system.running.sales.context);
    const unknown = '00000000-0000-4000-8000-000000000001';
    const response = await call(admin, 'POST', '/sales/admin/users/roles', {
      systemUserIds: [dan, eve, unknown],
      roleNames: ['Salesperson', 'Chief Seller'],
      action: 'assign',
    });
    expect(response.status).toBe(400);
    expect(response.type).toContain('application/problem+json');
    const messages = (response.body.problems as Array<{ message: string }>).map((p) => p.message).join('\n');
    expect(messages).toContain(`No Sales user has the id ${unknown}`);
    expect(messages).toMatch(/eve@contoso.com is disabled in Sales/);
    expect(messages).toMatch(/no role "Chief Seller"/);
    const danView = await call(admin, 'GET', `/sales/admin/users/${dan}`);
    expect(danView.body.roles).toEqual([]);
  });

  it('lets only a System Administrator change roles or access modes: a Salesperson gets 403', async () => {
    const ann = await salesUserId('ann@contoso.com');
    const dan = await salesUserId('dan@contoso.com');
    const seller = await userHeaders('ann@contoso.com');
    const list = await call(seller, 'GET', '/sales/admin/users');
    expect(list.status).toBe(200);
    const assign = await call(seller, 'POST', '/sales/admin/users/roles', {
      systemUserIds: [dan],
      roleNames: ['Sales Manager'],
      action: 'assign',
    });
    expect(assign.status).toBe(403);
    expect(assign.body.detail).toMatch(/ann@contoso.com.*prvAssignRole/);
    const patch = await call(seller, 'PATCH', `/sales/admin/users/${ann}`, { accessmode: 4 });
    expect(patch.status).toBe(403);
    expect(patch.body.detail).toContain('prvWriteUser');
  });

  it("changes a user's access mode and refuses bad values", async () => {
    const dan = await salesUserId('dan@contoso.com');
    const patched = await call(admin, 'PATCH', `/sales/admin/users/${dan}`, { accessmode: 4 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ accessmode: 4 });
    expect((await call(admin, 'PATCH', `/sales/admin/users/${dan}`, { accessmode: 9 })).status).toBe(400);
    expect(
      (await call(admin, 'GET', '/sales/admin/users?accessmode=4')).body.value.map(
        (u: UserView) => u.domainname,
      ),
    ).toEqual(['dan@contoso.com']);
  });

  it('shows roles with their privilege matrix', async () => {
    const response = await call(admin, 'GET', '/sales/admin/roles');
    expect(response.status).toBe(200);
    type RoleView = {
      name: string;
      privileges: Record<string, Record<string, string>>;
      specialPrivileges: Record<string, string>;
    };
    const byName: Record<string, RoleView> = Object.fromEntries(
      (response.body.value as RoleView[]).map((r) => [r.name, r]),
    );
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining([
        'System Administrator',
        'System Customizer',
        'Sales Manager',
        'Salesperson',
        'Basic User',
      ]),
    );
    expect(byName['Salesperson']!.privileges['account']).toMatchObject({
      Read: 'BusinessUnit',
      Write: 'User',
    });
    expect(byName['Sales Manager']!.privileges['opportunity']!['Delete']).toBe('BusinessUnit');
    expect(byName['System Administrator']!.privileges['role']!['Assign']).toBe('Organization');
    expect(byName['System Customizer']!.specialPrivileges['prvImportCustomization']).toBe('Organization');
    expect(byName['System Customizer']!.privileges['role']!['Write']).toBe('None');
  });

  it('lets only a System Administrator create roles or change their privileges (not a System Customizer)', async () => {
    const cat = await salesUserId('cat@contoso.com');
    await call(admin, 'POST', '/sales/admin/users/roles', {
      systemUserIds: [cat],
      roleNames: ['System Customizer'],
      action: 'assign',
    });
    const customizer = await userHeaders('cat@contoso.com');
    const privileges = [{ table: 'account', right: 'Read', depth: 'Organization' }];
    const refused = await call(customizer, 'POST', '/sales/admin/roles', {
      name: 'Account Auditor',
      privileges,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(
      /prvCreateRole.*Only a System Administrator may create, change or assign security roles/,
    );

    const created = await call(admin, 'POST', '/sales/admin/roles', { name: 'Account Auditor', privileges });
    expect(created.status).toBe(201);
    const roleId = created.body.roleid as string;
    const edit = await call(customizer, 'PUT', `/sales/admin/roles/${roleId}/privileges`, { privileges: [] });
    expect(edit.status).toBe(403);
    expect(edit.body.detail).toContain('prvWriteRole');
    const grown = [...privileges, { table: 'contact', right: 'Read', depth: 'BusinessUnit' }];
    expect(
      (await call(admin, 'PUT', `/sales/admin/roles/${roleId}/privileges`, { privileges: grown })).status,
    ).toBe(204);
    const matrix = await call(admin, 'GET', '/sales/admin/roles');
    const auditor = (
      matrix.body.value as Array<{ name: string; privileges: Record<string, Record<string, string>> }>
    ).find((r) => r.name === 'Account Auditor');
    expect(auditor!.privileges['contact']!['Read']).toBe('BusinessUnit');
    expect(
      (await call(admin, 'POST', '/sales/admin/roles', { name: 'Account Auditor', privileges })).status,
    ).toBe(409);

    const sysAdmin = (matrix.body.value as Array<{ name: string; roleid: string }>).find(
      (r) => r.name === 'System Administrator',
    );
    const frozen = await call(admin, 'PUT', `/sales/admin/roles/${sysAdmin!.roleid}/privileges`, {
      privileges: [],
    });
    expect(frozen.status).toBe(400);
    expect(frozen.body.detail).toMatch(/cannot be changed/);
  });

  it('imports the integration solution (201), then reports it unchanged (200) and lists it', async () => {
    const first = await call(admin, 'POST', '/sales/admin/solutions', INTEGRATION_SOLUTION);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'installed', uniquename: 'TandemIntegration' });
    const second = await call(admin, 'POST', '/sales/admin/solutions', INTEGRATION_SOLUTION);
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('unchanged');
    const bad = await call(admin, 'POST', '/sales/admin/solutions', { uniquename: 'x y' });
    expect(bad.status).toBe(400);
    expect(bad.body.problems.length).toBeGreaterThan(0);
    const list = await call(admin, 'GET', '/sales/admin/solutions');
    expect(list.body.value.map((s: { uniquename: string }) => s.uniquename)).toEqual(['TandemIntegration']);
    expect(list.body.value[0].manifest.columns.length).toBe(INTEGRATION_SOLUTION.columns.length);
  });

  it('keeps an audit log of administrative actions, readable by a System Administrator only', async () => {
    const log = await call(admin, 'GET', '/sales/admin/audit?top=500');
    expect(log.status).toBe(200);
    const actions = (log.body.value as Array<{ action: string; actorname: string }>).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['role.bulk-assign', 'systemuser.accessmode', 'role.create', 'solution.import']),
    );
    expect((log.body.value as Array<{ actorname: string }>)[0]!.actorname).toBe('admin@contoso.com');
    const seller = await call(await userHeaders('ann@contoso.com'), 'GET', '/sales/admin/audit');
    expect(seller.status).toBe(403);
  });

  it('creates an application user that an application can then call with client credentials (rule A7)', async () => {
    const app = await directoryCall<{ id: string; appId: string; clientSecret: string }>(
      system,
      'POST',
      '/directory/applications',
      {
        displayName: 'Bridge',
      },
    );
    const tokenFor = async () => {
      const response = await fetch(`${system.url}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: app.appId,
          client_secret: app.clientSecret,
        }),
      });
      return {
        authorization: `Bearer ${((await response.json()) as { access_token: string }).access_token}`,
      };
    };
    const before = await call(await tokenFor(), 'GET', '/sales/admin/users');
    expect(before.status).toBe(403);
    expect(before.body.detail).toMatch(/has no application user in Sales/);

    const created = await call(admin, 'POST', '/sales/admin/application-users', {
      applicationId: app.appId,
      name: 'Bridge',
      directoryObjectId: app.id,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      accessmode: 4,
      islicensed: false,
      applicationid: app.appId,
      fullname: '# Bridge',
    });
    await call(admin, 'POST', '/sales/admin/users/roles', {
      systemUserIds: [created.body.systemuserid],
      roleNames: ['Basic User'],
      action: 'assign',
    });
    const after = await call(await tokenFor(), 'GET', '/sales/admin/users');
    expect(after.status).toBe(200);
    const duplicate = await call(admin, 'POST', '/sales/admin/application-users', {
      applicationId: app.appId,
      name: 'Again',
    });
    expect(duplicate.status).toBe(409);
  });
});
