import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/directory/schema.js';
import { adminHeaders, getToken } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

interface UserBody {
  id: string;
  userPrincipalName: string;
  displayName: string;
  jobTitle: string | null;
  usageLocation: string | null;
  signInAllowed: boolean;
  directoryRole: string;
  mustChangePassword: boolean;
  rowVersion: number;
  temporaryPassword?: string;
  passwordHash?: unknown;
}
interface Problem {
  code: string;
  detail: string;
  problems?: Array<{ field: string; message: string }>;
}

let system: TestSystem;
let admin: Record<string, string>;

async function call<T = unknown>(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(path.startsWith('http') ? path : `${system.url}${path}`, {
    method,
    headers: {
      ...(options.headers ?? admin),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
  };
}

async function createUser(body: Record<string, unknown>, headers?: Record<string, string>) {
  return call<UserBody & Problem>('POST', '/directory/users', { body, headers });
}

/** A user with a chosen password and bearer headers for it. */
async function signedInUser(
  upn: string,
  role?: string,
): Promise<{ id: string; headers: Record<string, string> }> {
  const password = 'Sal3s-Person!';
  const created = await createUser({ userPrincipalName: upn, displayName: upn.split('@')[0], password });
  expect(created.status).toBe(201);
  if (role) {
    const set = await call('PUT', `/directory/users/${created.body.id}/role`, { body: { role } });
    expect(set.status).toBe(200);
  }
  const token = await getToken(system.url, upn, password);
  return { id: created.body.id, headers: { authorization: `Bearer ${token}` } };
}

beforeAll(async () => {
  system = await startTestSystem();
  admin = await adminHeaders(system);
});
afterAll(async () => {
  await system?.stop();
});

describe('users: create, read, update, delete', () => {
  it('creates a user with a generated temporary password shown once', async () => {
    const created = await createUser({
      userPrincipalName: 'Chris.Green@Contoso.com',
      displayName: 'Chris Green',
      firstName: 'Chris',
      lastName: 'Green',
      jobTitle: 'IT Manager',
      usageLocation: 'us',
    });
    expect(created.status).toBe(201);
    expect(created.body.userPrincipalName).toBe('chris.green@contoso.com');
    expect(created.body.usageLocation).toBe('US');
    expect(created.body.mustChangePassword).toBe(true);
    expect(created.body.temporaryPassword).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){4}$/);
    expect(created.body).not.toHaveProperty('passwordHash');
    expect(created.headers.get('location')).toContain(`/directory/users/${created.body.id}`);

    const byUpn = await call<UserBody>('GET', '/directory/users/CHRIS.GREEN@contoso.com');
    expect(byUpn.status).toBe(200);
    expect(byUpn.body.id).toBe(created.body.id);
    expect(byUpn.body).not.toHaveProperty('temporaryPassword');
    expect(byUpn.headers.get('etag')).toBe(`"${byUpn.body.rowVersion}"`);
  });

  it('creates a user with a chosen password that can sign in without a forced change', async () => {
    const created = await createUser({
      userPrincipalName: 'ben@contoso.com',
      displayName: 'Ben',
      password: 'Ch0sen-Passw0rd',
    });
    expect(created.status).toBe(201);
    expect(created.body.mustChangePassword).toBe(false);
    expect(created.body).not.toHaveProperty('temporaryPassword');
    await expect(getToken(system.url, 'ben@contoso.com', 'Ch0sen-Passw0rd')).resolves.toBeTruthy();
  });

  it('updates only the fields sent and guards with If-Match', async () => {
    const created = await createUser({ userPrincipalName: 'david@contoso.com', displayName: 'David' });
    const id = created.body.id;
    const patched = await call<UserBody>('PATCH', `/directory/users/${id}`, {
      body: { jobTitle: 'Sales Manager', usageLocation: 'DK' },
      headers: { ...admin, 'if-match': `"${created.body.rowVersion}"` },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.jobTitle).toBe('Sales Manager');
    expect(patched.body.displayName).toBe('David');
    expect(patched.body.rowVersion).toBeGreaterThan(created.body.rowVersion);

    const stale = await call<Problem>('PATCH', `/directory/users/${id}`, {
      body: { jobTitle: 'Lost update' },
      headers: { ...admin, 'if-match': String(created.body.rowVersion) },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PreconditionFailed');
    expect(stale.body.detail).toContain('david@contoso.com');
    expect((await call<UserBody>('GET', `/directory/users/${id}`)).body.jobTitle).toBe('Sales Manager');

    const cleared = await call<UserBody>('PATCH', `/directory/users/${id}`, { body: { jobTitle: null } });
    expect(cleared.body.jobTitle).toBeNull();
  });

  it('deletes a user', async () => {
    const created = await createUser({ userPrincipalName: 'gone@contoso.com', displayName: 'Gone' });
    expect((await call('DELETE', `/directory/users/${created.body.id}`)).status).toBe(204);
    const after = await call<Problem>('GET', `/directory/users/${created.body.id}`);
    expect(after.status).toBe(404);
    expect(after.body.detail).toContain(created.body.id);
  });

  it('resets a password: a new temporary one, once, and the old one stops working', async () => {
    const password = 'Old-Passw0rd!';
    const created = await createUser({
      userPrincipalName: 'reset@contoso.com',
      displayName: 'Reset',
      password,
    });
    await getToken(system.url, 'reset@contoso.com', password);
    const reset = await call<UserBody>('POST', `/directory/users/${created.body.id}/reset-password`);
    expect(reset.status).toBe(200);
    expect(reset.body.temporaryPassword).toBeTruthy();
    expect(reset.body.mustChangePassword).toBe(true);
    await expect(getToken(system.url, 'reset@contoso.com', password)).rejects.toThrow();
  });
});

describe('users: validation', () => {
  async function expectProblem(body: Record<string, unknown>, field: string, text: RegExp | string) {
    const response = await createUser(body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('ValidationFailed');
    const problem = response.body.problems?.find((p) => p.field === field);
    expect(problem?.message).toMatch(text);
    expect(response.body.detail).toMatch(text);
  }

  it('refuses a UPN outside the verified domains', async () => {
    await expectProblem(
      { userPrincipalName: 'eve@fabrikam.com', displayName: 'Eve' },
      'userPrincipalName',
      /"fabrikam.com", which is not a verified domain .*contoso.com/,
    );
  });

  it('refuses illegal characters in a UPN', async () => {
    await expectProblem(
      { userPrincipalName: 'eve smith@contoso.com', displayName: 'Eve' },
      'userPrincipalName',
      /may contain only letters, digits/,
    );
  });

  it('refuses over-long fields with the limit', async () => {
    await expectProblem(
      { userPrincipalName: 'long@contoso.com', displayName: 'Long', jobTitle: 'x'.repeat(65) },
      'jobTitle',
      /Job Title is 65 characters; the limit is 64/,
    );
    await expectProblem(
      { userPrincipalName: `${'a'.repeat(70)}@contoso.com`, displayName: 'Long' },
      'userPrincipalName',
      /the limit is 79/,
    );
  });

  it('refuses a usage location that is not an ISO country code', async () => {
    await expectProblem(
      { userPrincipalName: 'loc@contoso.com', displayName: 'Loc', usageLocation: 'XX' },
      'usageLocation',
      /"XX" is not an ISO 3166/,
    );
  });

  it('refuses a missing display name and a weak password', async () => {
    await expectProblem(
      { userPrincipalName: 'nodn@contoso.com', displayName: ' ' },
      'displayName',
      /required/,
    );
    await expectProblem(
      { userPrincipalName: 'weak@contoso.com', displayName: 'Weak', password: 'password' },
      'password',
      /at least 8|three of/,
    );
  });

  it('refuses a duplicate UPN (any case) with 409 naming it', async () => {
    const again = await createUser({ userPrincipalName: 'CHRIS.green@contoso.com', displayName: 'Again' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('AlreadyExists');
    expect(again.body.detail).toContain('chris.green@contoso.com');
  });

  it('refuses renaming onto an existing UPN and unknown body fields', async () => {
    const ben = await call<UserBody>('GET', '/directory/users/ben@contoso.com');
    const rename = await call<Problem>('PATCH', `/directory/users/${ben.body.id}`, {
      body: { userPrincipalName: 'chris.green@contoso.com' },
    });
    expect(rename.status).toBe(409);
    const unknown = await createUser({
      userPrincipalName: 'x@contoso.com',
      displayName: 'X',
      jobtitle: 'typo',
    });
    expect(unknown.status).toBe(400);
  });
});

describe('users: permissions and directory roles', () => {
  let plain: { id: string; headers: Record<string, string> };
  let helpdesk: { id: string; headers: Record<string, string> };

  beforeAll(async () => {
    plain = await signedInUser('plain@contoso.com');
    helpdesk = await signedInUser('helpdesk@contoso.com', 'user_administrator');
  });

  it('lets a plain user read only himself', async () => {
    const me = await call<UserBody>('GET', '/directory/me', { headers: plain.headers });
    expect(me.status).toBe(200);
    expect(me.body.userPrincipalName).toBe('plain@contoso.com');
    expect((await call('GET', `/directory/users/${plain.id}`, { headers: plain.headers })).status).toBe(200);
    const other = await call<Problem>('GET', `/directory/users/${helpdesk.id}`, { headers: plain.headers });
    expect(other.status).toBe(403);
    expect(other.body.detail).toContain('plain@contoso.com');
    expect((await call('GET', '/directory/users', { headers: plain.headers })).status).toBe(403);
    const create = await createUser(
      { userPrincipalName: 'nope@contoso.com', displayName: 'Nope' },
      plain.headers,
    );
    expect(create.status).toBe(403);
    expect((await call('GET', '/directory/audit', { headers: plain.headers })).status).toBe(403);
  });

  it('lets any signed-in user list the verified domains, and nobody anonymous', async () => {
    const domains = await call<{ value: Array<{ name: string; isDefault: boolean }> }>(
      'GET',
      '/directory/domains',
      {
        headers: plain.headers,
      },
    );
    expect(domains.body.value).toEqual([{ name: 'contoso.com', isDefault: true }]);
    expect((await call('GET', '/directory/domains', { headers: {} })).status).toBe(401);
  });

  it('lets a User administrator manage plain users but not promote anyone or touch a Global administrator', async () => {
    const created = await createUser(
      { userPrincipalName: 'byhelpdesk@contoso.com', displayName: 'H' },
      helpdesk.headers,
    );
    expect(created.status).toBe(201);
    const list = await call('GET', '/directory/users', { headers: helpdesk.headers });
    expect(list.status).toBe(200);

    const promote = await call<Problem>('PUT', `/directory/users/${created.body.id}/role`, {
      body: { role: 'user_administrator' },
      headers: helpdesk.headers,
    });
    expect(promote.status).toBe(403);
    expect(promote.body.detail).toMatch(
      /Only a Global administrator can grant or remove administrator roles/,
    );

    const adminUser = await call<UserBody>('GET', `/directory/users/${system.admin.upn}`);
    const patchAdmin = await call<Problem>('PATCH', `/directory/users/${adminUser.body.id}`, {
      body: { jobTitle: 'Hacked' },
      headers: helpdesk.headers,
    });
    expect(patchAdmin.status).toBe(403);
    expect(patchAdmin.body.detail).toContain(system.admin.upn);
    const resetAdmin = await call('POST', `/directory/users/${adminUser.body.id}/reset-password`, {
      headers: helpdesk.headers,
    });
    expect(resetAdmin.status).toBe(403);
    expect((await call('GET', '/directory/audit', { headers: helpdesk.headers })).status).toBe(403);
  });

  it('never lets the last Global administrator be deleted, blocked or demoted', async () => {
    const adminUser = await call<UserBody>('GET', '/directory/me');
    const del = await call<Problem>('DELETE', `/directory/users/${adminUser.body.id}`);
    expect(del.status).toBe(409);
    expect(del.body.detail).toMatch(/last Global administrator .* cannot be deleted/);
    const block = await call<Problem>('PATCH', `/directory/users/${adminUser.body.id}`, {
      body: { signInAllowed: false },
    });
    expect(block.status).toBe(409);
    const bulk = await call<Problem>('POST', '/directory/users/block', {
      body: { userIds: [adminUser.body.id], signInAllowed: false },
    });
    expect(bulk.status).toBe(409);
    const demote = await call<Problem>('PUT', `/directory/users/${adminUser.body.id}/role`, {
      body: { role: 'user' },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.detail).toMatch(/Make another user a Global administrator first/);
    expect((await call<UserBody>('GET', '/directory/me')).body.directoryRole).toBe('global_administrator');

    // With a second Global administrator, that one can be demoted again.
    const second = await createUser({ userPrincipalName: 'second@contoso.com', displayName: 'Second' });
    const grant = await call<UserBody>('PUT', `/directory/users/${second.body.id}/role`, {
      body: { role: 'global_administrator' },
    });
    expect(grant.body.directoryRole).toBe('global_administrator');
    const back = await call<UserBody>('PUT', `/directory/users/${second.body.id}/role`, {
      body: { role: 'user' },
    });
    expect(back.status).toBe(200);
    expect(back.body.directoryRole).toBe('user');
  });

  it('blocks and unblocks sign-in in bulk, and a blocked user loses access at once', async () => {
    const victim = await signedInUser('blockme@contoso.com');
    const blocked = await call<{ changed: number; value: UserBody[] }>('POST', '/directory/users/block', {
      body: { userIds: [victim.id, plain.id], signInAllowed: false },
    });
    expect(blocked.status).toBe(200);
    expect(blocked.body.changed).toBe(2);
    expect(blocked.body.value.every((u) => !u.signInAllowed)).toBe(true);
    expect((await call('GET', '/directory/me', { headers: victim.headers })).status).toBe(401);
    await expect(getToken(system.url, 'blockme@contoso.com', 'Sal3s-Person!')).rejects.toThrow();

    const filtered = await call<{ value: UserBody[] }>('GET', '/directory/users?signInAllowed=false');
    expect(filtered.body.value.map((u) => u.userPrincipalName).sort()).toEqual([
      'blockme@contoso.com',
      'plain@contoso.com',
    ]);

    const allowed = await call<{ changed: number }>('POST', '/directory/users/block', {
      body: { userIds: [victim.id, plain.id], signInAllowed: true },
    });
    expect(allowed.body.changed).toBe(2);
    await expect(getToken(system.url, 'blockme@contoso.com', 'Sal3s-Person!')).resolves.toBeTruthy();
  });
});

describe('users: listing 250 users', () => {
  beforeAll(async () => {
    const adminId = (await call<UserBody>('GET', '/directory/me')).body.id;
    // One statement: every row gets the same created_at, so ties on every sort key are the norm here.
    await system.running.database.db.insert(users).values(
      Array.from({ length: 250 }, (_, i) => ({
        userPrincipalName: `pager${String(i).padStart(3, '0')}@contoso.com`,
        displayName: `Pager ${i % 40}`,
        firstName: i % 2 ? 'Odd' : 'Even',
        lastName: 'Pager',
        modifiedBy: adminId,
      })),
    );
  });

  async function collect(first: string): Promise<{ ids: string[]; pages: number[] }> {
    const ids: string[] = [];
    const pages: number[] = [];
    let link: string | undefined = first;
    while (link) {
      const page: { status: number; body: { value: UserBody[]; nextLink?: string } } = await call(
        'GET',
        link,
      );
      expect(page.status).toBe(200);
      pages.push(page.body.value.length);
      ids.push(...page.body.value.map((u) => u.id));
      link = page.body.nextLink;
      if (link) expect(link.startsWith(`${system.url}/directory/users?`)).toBe(true);
    }
    return { ids, pages };
  }

  it('pages through in pages of 100 with nextLink, each user once, in stable order', async () => {
    for (const orderBy of ['displayName', 'createdAt desc', 'userPrincipalName desc']) {
      const q = `search=pager&orderBy=${encodeURIComponent(orderBy)}`;
      const first = await call<{ count: number }>('GET', `/directory/users?${q}&top=100&count=true`);
      expect(first.body.count).toBe(250);
      const paged = await collect(`/directory/users?${q}&top=100`);
      expect(paged.pages).toEqual([100, 100, 50]);
      expect(new Set(paged.ids).size).toBe(250);
      const whole = await call<{ value: UserBody[] }>('GET', `/directory/users?${q}&top=999`);
      expect(paged.ids).toEqual(whole.body.value.map((u) => u.id));
    }
  });

  it('orders by user name as asked', async () => {
    const page = await call<{ value: UserBody[] }>(
      'GET',
      '/directory/users?search=pager&orderBy=userPrincipalName&top=3',
    );
    expect(page.body.value.map((u) => u.userPrincipalName)).toEqual([
      'pager000@contoso.com',
      'pager001@contoso.com',
      'pager002@contoso.com',
    ]);
  });

  it('searches by prefix of user name, display name, first or last name, ignoring case', async () => {
    const byUpn = await call<{ count: number }>('GET', '/directory/users?search=PAGER01&count=true&top=1');
    expect(byUpn.body.count).toBe(10);
    const byDisplay = await call<{ count: number }>(
      'GET',
      `/directory/users?search=${encodeURIComponent('pager 3')}&count=true`,
    );
    // "Pager 3" (i % 40 = 3: 7 users) and "Pager 30"…"Pager 39" (6 users each).
    expect(byDisplay.body.count).toBe(7 + 60);
    const byFirst = await call<{ count: number }>('GET', '/directory/users?search=odd&count=true');
    expect(byFirst.body.count).toBe(125);
    const literal = await call<{ count: number }>('GET', '/directory/users?search=pager%25&count=true');
    expect(literal.body.count).toBe(0);
  });

  it('refuses a skipToken used with another sort and a page size out of range', async () => {
    const first = await call<{ nextLink: string }>('GET', '/directory/users?search=pager&top=10');
    const token = new URL(first.body.nextLink).searchParams.get('skipToken')!;
    const other = await call<Problem>(
      'GET',
      `/directory/users?search=pager&orderBy=createdAt&skipToken=${token}`,
    );
    expect(other.status).toBe(400);
    expect(other.body.detail).toContain('skipToken');
    expect((await call('GET', '/directory/users?top=1000')).status).toBe(400);
    expect((await call('GET', '/directory/users?top=0')).status).toBe(400);
    expect((await call('GET', '/directory/users?orderBy=passwordHash')).status).toBe(400);
  });
});

describe('audit log', () => {
  it('records administrative actions, newest first, paged with before', async () => {
    const first = await call<{
      value: Array<{ id: number; action: string; actorName: string; details: Record<string, unknown> }>;
      nextLink?: string;
    }>('GET', '/directory/audit?top=5');
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(5);
    const ids = first.body.value.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const next = await call<{ value: Array<{ id: number }> }>('GET', first.body.nextLink!);
    expect(next.body.value[0]!.id).toBeLessThan(ids[ids.length - 1]!);

    const all = await call<{
      value: Array<{ action: string; actorName: string; details: Record<string, unknown> }>;
    }>('GET', '/directory/audit?top=1000');
    const actions = new Set(all.body.value.map((e) => e.action));
    for (const action of [
      'user.created',
      'user.updated',
      'user.deleted',
      'user.password_reset',
      'user.role_changed',
      'user.sign_in_blocked',
    ]) {
      expect(actions).toContain(action);
    }
    const created = all.body.value.find(
      (e) => e.action === 'user.created' && e.details.userPrincipalName === 'ben@contoso.com',
    );
    expect(created?.actorName).toBe(system.admin.upn);
    expect(JSON.stringify(all.body)).not.toContain('Ch0sen-Passw0rd');
  });
});
