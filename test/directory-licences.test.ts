import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, getToken } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

interface Licence {
  skuId: string;
  partNumber: string;
  name: string;
  seats: number;
  consumed: number;
  available: number;
}
interface UserBody {
  id: string;
  userPrincipalName: string;
  usageLocation: string | null;
  licences: Array<{ skuId: string; partNumber: string; name: string }>;
}
interface Problem {
  code: string;
  detail: string;
}

const CE = 'DYN365_ENTERPRISE_PLAN1';
const BC = 'DYN365_BUSCENTRAL_ESSENTIAL';
const RACE = 'DYN365_BUSCENTRAL_PREMIUM';

let system: TestSystem;
let admin: Record<string, string>;

async function call<T = unknown>(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      ...(options.headers ?? admin),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function licence(partNumber: string): Promise<Licence> {
  const list = await call<{ value: Licence[] }>('GET', '/directory/licences');
  const found = list.body.value.find((l) => l.partNumber === partNumber);
  if (!found) throw new Error(`no ${partNumber}`);
  return found;
}

let counter = 0;
async function newUser(extra: Record<string, unknown> = {}): Promise<UserBody> {
  counter += 1;
  const created = await call<UserBody & Problem>('POST', '/directory/users', {
    body: { userPrincipalName: `lic${counter}@contoso.com`, displayName: `Licensed ${counter}`, ...extra },
  });
  expect(created.status, created.body.detail).toBe(201);
  return created.body;
}

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_LICENCES: `${CE}:10,${BC}:3,${RACE}:5` });
  admin = await adminHeaders(system);
});
afterAll(async () => {
  await system?.stop();
});

describe('licences', () => {
  it('lists the SKUs with seats, consumed and available', async () => {
    const list = await call<{ value: Licence[] }>('GET', '/directory/licences');
    expect(list.status).toBe(200);
    expect(list.body.value.map((l) => l.partNumber)).toEqual([BC, RACE, CE]);
    const ce = list.body.value.find((l) => l.partNumber === CE)!;
    expect(ce).toMatchObject({
      skuId: 'ea126fc5-a19e-42e2-a731-da9d437bffcf',
      name: 'Dynamics 365 Customer Engagement Plan',
      seats: 10,
      consumed: 0,
      available: 10,
    });
  });

  it('assigns licences when creating a user, in the same transaction', async () => {
    const user = await newUser({ usageLocation: 'US', licences: [CE.toLowerCase()] });
    expect(user.licences.map((l) => l.partNumber)).toEqual([CE]);
    expect((await licence(CE)).consumed).toBe(1);

    // Without a usage location the licence is refused and the user is not created either.
    const refused = await call<Problem>('POST', '/directory/users', {
      body: { userPrincipalName: 'nolocation@contoso.com', displayName: 'No Location', licences: [CE] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('UsageLocationRequired');
    expect(refused.body.detail).toContain('nolocation@contoso.com');
    expect((await call('GET', '/directory/users/nolocation@contoso.com')).status).toBe(404);
    expect((await licence(CE)).consumed).toBe(1);
  });

  it('refuses a licence for a user without usage location, naming the user', async () => {
    const user = await newUser();
    const response = await call<Problem>('POST', `/directory/users/${user.id}/assign-licences`, {
      body: { addLicences: [CE], removeLicences: [] },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('UsageLocationRequired');
    expect(response.body.detail).toContain(user.userPrincipalName);
    const bulk = await call<Problem>('POST', `/directory/licences/${CE}/assign`, {
      body: { userIds: [user.id] },
    });
    expect(bulk.status).toBe(400);
    expect(bulk.body.detail).toContain(user.userPrincipalName);
    expect((await licence(CE)).consumed).toBe(1);
  });

  it("follows Graph's assignLicense: add and remove together, adding a held licence is a no-op", async () => {
    const user = await newUser({ usageLocation: 'DK' });
    const both = await call<UserBody>('POST', `/directory/users/${user.id}/assign-licences`, {
      body: { addLicences: [CE, BC], removeLicences: [] },
    });
    expect(both.status).toBe(200);
    expect(both.body.licences.map((l) => l.partNumber)).toEqual([BC, CE]);
    const ceBefore = (await licence(CE)).consumed;

    const again = await call<UserBody>('POST', `/directory/users/${user.userPrincipalName}/assign-licences`, {
      body: { addLicences: ['ea126fc5-a19e-42e2-a731-da9d437bffcf'], removeLicences: [BC] },
    });
    expect(again.status).toBe(200);
    expect(again.body.licences.map((l) => l.partNumber)).toEqual([CE]);
    expect((await licence(CE)).consumed).toBe(ceBefore);
    expect((await licence(BC)).consumed).toBe(0);

    const missingArray = await call('POST', `/directory/users/${user.id}/assign-licences`, {
      body: { addLicences: [CE] },
    });
    expect(missingArray.status).toBe(400);
    const inBoth = await call<Problem>('POST', `/directory/users/${user.id}/assign-licences`, {
      body: { addLicences: [BC], removeLicences: [BC] },
    });
    expect(inBoth.status).toBe(400);
    expect(inBoth.body.detail).toContain(BC);
  });

  it('answers an unknown licence with 404 listing the known ones', async () => {
    const user = await newUser({ usageLocation: 'US' });
    const response = await call<Problem>('POST', `/directory/users/${user.id}/assign-licences`, {
      body: { addLicences: ['NO_SUCH_SKU'], removeLicences: [] },
    });
    expect(response.status).toBe(404);
    expect(response.body.detail).toContain('NO_SUCH_SKU');
    expect(response.body.detail).toContain(CE);
    expect(
      (await call('POST', '/directory/licences/NO_SUCH_SKU/assign', { body: { userIds: [user.id] } })).status,
    ).toBe(404);
  });

  it('refuses a bulk assignment beyond the free seats with CountViolation and assigns nothing', async () => {
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await newUser({ usageLocation: 'GB' }));
    const before = await licence(BC);
    expect(before.available).toBe(3);
    const response = await call<Problem>('POST', `/directory/licences/${BC}/assign`, {
      body: { userIds: users.map((u) => u.id) },
    });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('CountViolation');
    expect(response.body.detail).toMatch(/4 needed, 3 of 3 available/);
    expect(await licence(BC)).toEqual(before);
    const holders = await call<{ count: number }>('GET', `/directory/users?licence=${BC}&count=true`);
    expect(holders.body.count).toBe(0);

    // Three fit; assigning them again changes nothing; removing gives the seats back.
    const three = users.slice(0, 3).map((u) => u.id);
    const ok = await call<{ licence: Licence; assigned: string[] }>(
      'POST',
      `/directory/licences/${BC}/assign`,
      {
        body: { userIds: three },
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.assigned.sort()).toEqual([...three].sort());
    expect(ok.body.licence.available).toBe(0);
    const repeat = await call<{ assigned: string[]; unchanged: string[] }>(
      'POST',
      `/directory/licences/${BC}/assign`,
      {
        body: { userIds: three },
      },
    );
    expect(repeat.body.assigned).toEqual([]);
    expect(repeat.body.unchanged).toHaveLength(3);
    const removed = await call<{ licence: Licence; removed: string[] }>(
      'POST',
      `/directory/licences/${BC}/remove`,
      {
        body: { userIds: three },
      },
    );
    expect(removed.body.removed).toHaveLength(3);
    expect(removed.body.licence).toMatchObject({ consumed: 0, available: 3 });
  });

  // A race only on PostgreSQL, where the requests' transactions overlap and the SKU row lock decides.
  // PGlite runs one transaction at a time, so there this checks the seat counting, not the lock.
  it('gives exactly the free seats to 20 concurrent single-user requests, never more (a race on PostgreSQL only)', async () => {
    const users = [];
    for (let i = 0; i < 20; i++) users.push(await newUser({ usageLocation: 'US' }));
    expect((await licence(RACE)).available).toBe(5);
    const responses = await Promise.all(
      users.map((u) =>
        call<Problem>('POST', `/directory/licences/${RACE}/assign`, { body: { userIds: [u.id] } }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(15);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'CountViolation')).toBe(
      true,
    );
    const after = await licence(RACE);
    expect(after).toMatchObject({ seats: 5, consumed: 5, available: 0 });
    const holders = await call<{ count: number }>('GET', `/directory/users?licence=${RACE}&count=true`);
    expect(holders.body.count).toBe(5);
  });

  it('releases the seat when a licensed user is deleted, and keeps the usage location of a licensed user', async () => {
    const user = await newUser({ usageLocation: 'US', licences: [CE] });
    const clear = await call<Problem>('PATCH', `/directory/users/${user.id}`, {
      body: { usageLocation: null },
    });
    expect(clear.status).toBe(400);
    expect(clear.body.code).toBe('UsageLocationRequired');
    const before = (await licence(CE)).consumed;
    expect((await call('DELETE', `/directory/users/${user.id}`)).status).toBe(204);
    expect((await licence(CE)).consumed).toBe(before - 1);
  });

  it('lets only user administrators assign licences', async () => {
    const password = 'Pl4in-User!';
    const plain = await newUser({ password, usageLocation: 'US' });
    const token = await getToken(system.url, plain.userPrincipalName, password);
    const headers = { authorization: `Bearer ${token}` };
    const assign = await call<Problem>('POST', `/directory/users/${plain.id}/assign-licences`, {
      body: { addLicences: [CE], removeLicences: [] },
      headers,
    });
    expect(assign.status).toBe(403);
    expect(
      (await call('POST', `/directory/licences/${CE}/assign`, { body: { userIds: [plain.id] }, headers }))
        .status,
    ).toBe(403);
    expect((await call('GET', '/directory/licences', { headers })).status).toBe(403);
  });

  it('audits assignments and removals with the users concerned', async () => {
    const audit = await call<{
      value: Array<{ action: string; targetId: string; details: { users?: string[] } }>;
    }>('GET', '/directory/audit?top=1000');
    const assigned = audit.body.value.filter((e) => e.action === 'licence.assigned' && e.targetId === BC);
    expect(assigned).toHaveLength(2);
    const removed = audit.body.value.find((e) => e.action === 'licence.removed' && e.targetId === BC);
    expect(removed?.details.users).toHaveLength(3);
    expect(
      audit.body.value.filter((e) => e.action === 'licence.assigned' && e.targetId === RACE),
    ).toHaveLength(5);
  });
});
