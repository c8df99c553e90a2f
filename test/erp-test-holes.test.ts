/**
 * Test holes (issue 12, item 16): two deliberate bugs used to pass every ERP test.
 * - A Global administrator's SUPER permission set must go when the directory role goes (an
 *   unguarded privilege escalation otherwise), while SUPER a person assigned stays.
 * - A customer created without a number draws the next number of its series; when that number was
 *   already entered by hand, the one after it is drawn, never a 409.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders } from './support/auth.js';
import { bearer, createDirectoryUser, erpClient, eventually } from './support/erp.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const BC = 'DYN365_BUSCENTRAL_ESSENTIAL';
let system: TestSystem;
let call: ReturnType<typeof erpClient>['call'];
let base: string;

beforeAll(async () => {
  system = await startTestSystem();
  call = erpClient(system).call;
  const companies = await call<{ value: Json[] }>('GET', '/api/v2.0/companies');
  base = `/api/v2.0/companies(${String(companies.body.value[0]!.id)})`;
});
afterAll(async () => {
  await system?.stop();
});

async function setRole(id: string, role: string) {
  const response = await fetch(`${system.url}/directory/users/${id}/role`, {
    method: 'PUT',
    headers: { ...(await adminHeaders(system)), 'content-type': 'application/json' },
    body: JSON.stringify({ role }),
  });
  expect(response.status, await response.text()).toBe(200);
}

async function permissionSets(id: string): Promise<string[]> {
  const response = await call<{ permissionSets: string[] }>('GET', `/api/tandem/admin/v1.0/users(${id})`);
  expect(response.status).toBe(200);
  return [...response.body.permissionSets].sort();
}

describe('SUPER follows the Global administrator role', () => {
  it('is given with the role and taken away with it, and the former administrator can no longer write', async () => {
    const person = await createDirectoryUser(system, 'erp.promoted@contoso.com', { licences: [BC] });
    await eventually(async () => expect(await permissionSets(person.id)).toEqual(['BASIC']));
    await setRole(person.id, 'global_administrator');
    await eventually(async () => expect(await permissionSets(person.id)).toEqual(['BASIC', 'SUPER']));
    const as = await bearer(system, person.upn, person.password);
    const created = await call('POST', `${base}/customers`, { as, body: { displayName: 'While SUPER' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    await setRole(person.id, 'user');
    await eventually(async () => expect(await permissionSets(person.id)).toEqual(['BASIC']));
    const refused = await call<Json>('POST', `${base}/customers`, {
      as,
      body: { displayName: 'After SUPER' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('Authorization_InsufficientPermissions');
  });
});

describe('number series', () => {
  it('draws the number after one entered by hand instead of refusing', async () => {
    const drawnNumber = async (displayName: string) => {
      const reply = await call<Json>('POST', `${base}/customers`, { body: { displayName } });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return String(reply.body.number);
    };
    const first = await drawnNumber('Numbered first');
    const second = await drawnNumber('Numbered second');
    const [, prefix, digits] = /^(.*?)(\d+)$/.exec(second)!;
    const increment = Number(digits) - Number(/(\d+)$/.exec(first)![1]);
    expect(increment).toBeGreaterThan(0);
    const following = (steps: number) =>
      `${prefix}${String(Number(digits) + steps * increment).padStart(digits!.length, '0')}`;

    const byHand = await call<Json>('POST', `${base}/customers`, {
      body: { number: following(1), displayName: 'Entered by hand' },
    });
    expect(byHand.status, JSON.stringify(byHand.body)).toBe(201);

    const next = await call<Json>('POST', `${base}/customers`, { body: { displayName: 'Numbered next' } });
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(next.body.number).toBe(following(2));
  });
});
