import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './support/test-system.js';
import { erpClient } from './support/erp.js';

/**
 * A $batch's creates and updates of one entity set run set-based (src/erp/record-set-writes.ts):
 * these tests hold them to what the same requests give one at a time — the same records, numbers,
 * errors per request, ETags and change feed.
 */

type Json = Record<string, unknown>;
interface BatchResult {
  responses: Array<{ id: string; status: number; headers: Record<string, string>; body: Json }>;
}

let system: TestSystem;
let call: ReturnType<typeof erpClient>['call'];
let companyId: string;
let base: string;

beforeAll(async () => {
  system = await startTestSystem();
  call = erpClient(system).call;
  const companies = await call<{ value: Json[] }>('GET', '/api/v2.0/companies');
  companyId = String(companies.body.value[0]!.id);
  base = `/api/v2.0/companies(${companyId})`;
  const salesperson = await call('POST', `${base}/salespeoplePurchasers`, {
    body: { code: 'SB1', displayName: 'Set Based' },
  });
  expect(salesperson.status).toBe(201);
  const blocked = await call('POST', `${base}/salespeoplePurchasers`, {
    body: { code: 'SBX', displayName: 'Blocked', blocked: true },
  });
  expect(blocked.status).toBe(201);
});
afterAll(async () => {
  await system?.stop();
});

const post = (id: string, body: Json) => ({
  id,
  method: 'POST',
  url: `companies(${companyId})/customers`,
  headers: { 'Content-Type': 'application/json' },
  body,
});
const patch = (id: string, recordId: string, etag: string, body: Json) => ({
  id,
  method: 'PATCH',
  url: `companies(${companyId})/customers(${recordId})`,
  headers: { 'Content-Type': 'application/json', 'If-Match': etag },
  body,
});

async function batch(requests: Json[], headers: Record<string, string> = {}): Promise<BatchResult> {
  const result = await call<BatchResult>('POST', '/api/v2.0/$batch', { headers, body: { requests } });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body;
}

function withoutVolatile(record: Json): Json {
  const { id, number, lastModifiedDateTime, ...rest } = record;
  void id;
  void number;
  void lastModifiedDateTime;
  return { ...rest, '@odata.etag': undefined };
}

describe('set-based $batch creates', () => {
  it('answers each create as a single POST would, numbers drawn in request order', async () => {
    const body = {
      displayName: 'Same Shape',
      city: 'Redmond',
      salespersonCode: 'sb1',
      currencyCode: 'USD',
      creditLimit: 1200,
    };
    const single = await call<Json>('POST', `${base}/customers`, { body });
    expect(single.status).toBe(201);
    const result = await batch([post('1', body), post('2', body), post('3', { displayName: 'Other' })]);
    expect(result.responses.map((r) => r.status)).toEqual([201, 201, 201]);
    const [first, second, third] = result.responses.map((r) => r.body);
    for (const record of [first!, second!])
      expect(withoutVolatile(record)).toEqual(withoutVolatile(single.body));
    const n = (record: Json) => Number(String(record.number).slice(1));
    expect(n(first!)).toBe(n(single.body) + 10);
    expect(n(second!)).toBe(n(first!) + 10);
    expect(n(third!)).toBe(n(second!) + 10);
    // The response is what a read gives, ETag and Location included.
    const read = await call<Json>('GET', `${base}/customers(${String(second!.id)})`);
    expect(read.body).toEqual(second);
    expect(result.responses[1]!.headers.etag).toBe(read.body['@odata.etag']);
    expect(result.responses[1]!.headers.location).toMatch(
      new RegExp(`/customers\\(${String(second!.id)}\\)$`),
    );
    expect(second).toMatchObject({ salespersonCode: 'SB1', currencyCode: 'USD', creditLimit: 1200 });
  });

  it('keeps each refused create its own error and writes the rest', async () => {
    const taken = await call<Json>('POST', `${base}/customers`, {
      body: { number: 'SB-TAKEN', displayName: 'Taken' },
    });
    expect(taken.status).toBe(201);
    const result = await batch([
      post('ok1', { displayName: 'Fine 1' }),
      post('dup', { number: 'sb-taken', displayName: 'Duplicate' }),
      post('ref', { displayName: 'Bad ref', salespersonCode: 'NOBODY' }),
      post('blocked', { displayName: 'Blocked ref', salespersonCode: 'SBX' }),
      post('twice1', { number: 'SB-TWICE', displayName: 'Twice 1' }),
      post('twice2', { number: 'SB-TWICE', displayName: 'Twice 2' }),
      post('unknown', { displayName: 'x', nope: 1 }),
      post('cur', { displayName: 'Bad currency', currencyId: '11111111-1111-1111-1111-111111111111' }),
      post('ok2', { displayName: 'Fine 2' }),
    ]);
    const code = (id: string) =>
      (result.responses.find((r) => r.id === id)!.body as { error?: { code: string } }).error?.code;
    expect(result.responses.map((r) => [r.id, r.status])).toEqual([
      ['ok1', 201],
      ['dup', 409],
      ['ref', 400],
      ['blocked', 400],
      ['twice1', 201],
      ['twice2', 409],
      ['unknown', 400],
      ['cur', 400],
      ['ok2', 201],
    ]);
    expect(code('dup')).toBe('Internal_EntityWithSameKeyExists');
    expect(code('ref')).toBe('Internal_InvalidTableRelation');
    expect(code('blocked')).toBe('Application_FieldValidationException');
    expect(code('twice2')).toBe('Internal_EntityWithSameKeyExists');
    expect(code('unknown')).toBe('BadRequest_PropertyNotFound');
    expect(code('cur')).toBe('Internal_InvalidTableRelation');
    // Refused creates use no number: the two that were written have consecutive numbers.
    const n = (id: string) => Number(String(result.responses.find((r) => r.id === id)!.body.number).slice(1));
    expect(n('ok2')).toBe(n('ok1') + 10);
    // And the series goes on from the last number used.
    const next = await call<Json>('POST', `${base}/customers`, { body: { displayName: 'After' } });
    expect(Number(String(next.body.number).slice(1))).toBe(n('ok2') + 10);
  });

  it('skips numbers entered by hand, as a single create does', async () => {
    const probe = await call<Json>('POST', `${base}/customers`, { body: { displayName: 'Probe' } });
    const last = Number(String(probe.body.number).slice(1));
    const handNumber = `C${String(last + 20).padStart(5, '0')}`;
    const result = await batch([
      post('a', { displayName: 'A' }),
      post('hand', { number: handNumber, displayName: 'By hand' }),
      post('b', { displayName: 'B' }),
      post('c', { displayName: 'C' }),
    ]);
    expect(result.responses.map((r) => r.body.number)).toEqual([
      `C${String(last + 10).padStart(5, '0')}`,
      handNumber,
      `C${String(last + 30).padStart(5, '0')}`,
      `C${String(last + 40).padStart(5, '0')}`,
    ]);
  });

  it('rolls the whole batch back with Isolation: snapshot when one create is refused', async () => {
    const before = await call<{ value: Json[] }>('GET', `${base}/customers?$select=id`);
    const result = await batch(
      [
        post('a', { displayName: 'Atomic A' }),
        post('b', { displayName: 'Atomic B', salespersonCode: 'NOBODY' }),
        post('c', { displayName: 'Atomic C' }),
      ],
      { isolation: 'snapshot' },
    );
    expect(result.responses.map((r) => r.status)).toEqual([424, 400, 424]);
    const after = await call<{ value: Json[] }>('GET', `${base}/customers?$select=id`);
    expect(after.body.value.length).toBe(before.body.value.length);
    const ok = await batch(
      [post('a', { displayName: 'Atomic ok A' }), post('b', { displayName: 'Atomic ok B' })],
      {
        isolation: 'snapshot',
      },
    );
    expect(ok.responses.map((r) => r.status)).toEqual([201, 201]);
  });
});

describe('set-based $batch updates', () => {
  it('updates each record under its own If-Match and answers as a single PATCH would', async () => {
    const created = await batch([
      post('1', { displayName: 'Up 1' }),
      post('2', { displayName: 'Up 2' }),
      post('3', { displayName: 'Up 3' }),
      post('4', { displayName: 'Up 4' }),
    ]);
    const [r1, r2, r3, r4] = created.responses.map((r) => r.body);
    const result = await batch([
      patch('p1', String(r1!.id), String(r1!['@odata.etag']), { city: 'Oslo', salespersonCode: 'SB1' }),
      patch('p2', String(r2!.id), 'W/"1"', { city: 'Stale' }),
      patch('p3', String(r3!.id), '*', { city: 'Bergen', salespersonCode: 'NOBODY' }),
      patch('p4', String(r4!.id), String(r4!['@odata.etag']), { number: 'OTHER' }),
      patch('p5', '22222222-2222-2222-2222-222222222222', '*', { city: 'Nowhere' }),
      patch('p6', String(r3!.id), '*', { city: 'Bergen' }),
    ]);
    expect(result.responses.map((r) => [r.id, r.status])).toEqual([
      ['p1', 200],
      ['p2', 412],
      ['p3', 400],
      ['p4', 400],
      ['p5', 404],
      ['p6', 200],
    ]);
    const read = await call<Json>('GET', `${base}/customers(${String(r1!.id)})`);
    expect(result.responses[0]!.body).toEqual({
      ...read.body,
      '@odata.context': result.responses[0]!.body['@odata.context'],
    });
    expect(read.body).toMatchObject({ city: 'Oslo', salespersonCode: 'SB1' });
    expect(Number(String(read.body['@odata.etag']).replace(/\D/g, ''))).toBeGreaterThan(
      Number(String(r1!['@odata.etag']).replace(/\D/g, '')),
    );
    const untouched = await call<Json>('GET', `${base}/customers(${String(r2!.id)})`);
    expect(untouched.body['@odata.etag']).toBe(r2!['@odata.etag']);
  });

  it('records each write in the change feed with the caller as last modifier', async () => {
    const start = await call<{ lastRowVersion: number }>(
      'GET',
      `/api/tandem/sync/v1.0/companies(${companyId})/changes?entity=customers&after=0&top=20000`,
    );
    const after = start.body.lastRowVersion;
    const single = await call<Json>('POST', `${base}/customers`, { body: { displayName: 'Feed single' } });
    const created = await batch([post('1', { displayName: 'Feed 1' }), post('2', { displayName: 'Feed 2' })]);
    const ids = created.responses.map((r) => String(r.body.id));
    await batch(
      created.responses.map((r, i) => patch(`u${i}`, String(r.body.id), '*', { city: `Feed city ${i}` })),
    );
    const changes = await call<{ value: Array<Json> }>(
      'GET',
      `/api/tandem/sync/v1.0/companies(${companyId})/changes?entity=customers&after=${after}&top=100`,
    );
    const changed = changes.body.value.filter((c) => ids.includes(String(c.id)));
    expect(changed).toHaveLength(2);
    const singleChange = changes.body.value.find((c) => c.id === single.body.id)!;
    for (const change of changed) {
      expect(JSON.stringify(change)).toMatch(/Feed city/);
      expect(change.lastModifiedBy).toBe(singleChange.lastModifiedBy);
    }
    const versions = changes.body.value.map((c) => Number(c.rowVersion));
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });
});

describe('set-based $batch answers of every entity set', () => {
  // The records a set-based write answers with are built in the database as one JSON text, not
  // decoded field by field as a read is: each must still be exactly what a GET of it reads — dates,
  // decimals, booleans, empty values and the fields computed from other tables.
  const bodies: Record<string, Json[]> = {
    items: [
      { displayName: 'Desk', unitPrice: 129.5, unitCost: 80.25, blocked: true, gtin: '' },
      { displayName: 'Chair', unitPrice: 0 },
    ],
    opportunities: [
      {
        description: 'Desks for the new office',
        estimatedClosingDate: '2027-03-31',
        chancesOfSuccessPrc: 62.5,
      },
      { description: 'Nothing dated' },
    ],
    salespeoplePurchasers: [
      {
        code: 'SBP',
        displayName: 'Set Based',
        email: 'sbp@contoso.com',
        commisionPercent: 2.5,
        blocked: true,
      },
      { code: 'SBQ', displayName: 'Other One' },
    ],
  };
  for (const [entitySet, records] of Object.entries(bodies)) {
    it(`answers ${entitySet} created and updated set-based exactly as a GET reads them`, async () => {
      const created = await batch(
        records.map((body, i) => ({ ...post(String(i), body), url: `companies(${companyId})/${entitySet}` })),
      );
      expect(created.responses.map((r) => r.status)).toEqual(records.map(() => 201));
      for (const response of created.responses) {
        const read = await call<Json>('GET', `${base}/${entitySet}(${String(response.body!.id)})`);
        expect(response.body).toEqual(read.body);
      }
      const updated = await batch(
        created.responses.map((response, i) => ({
          ...patch(String(i), String(response.body!.id), String(response.body!['@odata.etag']), {
            [entitySet === 'opportunities' ? 'description' : 'displayName']: `Updated ${i}`,
          }),
          url: `companies(${companyId})/${entitySet}(${String(response.body!.id)})`,
        })),
      );
      expect(
        updated.responses.map((r) => r.status),
        JSON.stringify(updated.responses[0]!.body),
      ).toEqual(records.map(() => 200));
      for (const response of updated.responses) {
        const read = await call<Json>('GET', `${base}/${entitySet}(${String(response.body!.id)})`);
        expect(response.body).toEqual(read.body);
      }
    });
  }
});
