import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationSets, queryRows } from '../src/platform/db/database.js';
import { bearer, createDirectoryUser, erpClient, eventually } from './support/erp.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

type Json = Record<string, unknown>;
interface Collection {
  value: Json[];
}
interface BcError {
  error: { code: string; message: string };
}
interface Change {
  rowVersion: number;
  changeType: 'upserted' | 'deleted';
  id: string;
  key: string;
  lastModifiedBy: string;
  record?: Json;
}

const BC_LICENCE = 'DYN365_BUSCENTRAL_ESSENTIAL';
/** BC API v2.0 opportunity properties in BC's order (resource type `opportunity`). */
const OPPORTUNITY_KEYS = [
  'id',
  'number',
  'contactNumber',
  'contactName',
  'contactCompanyName',
  'salespersonCode',
  'description',
  'status',
  'closed',
  'creationDate',
  'dateClosed',
  'calculatedCurrentValue',
  'chancesOfSuccessPrc',
  'completedPrc',
  'estimatedClosingDate',
  'estimatedValue',
  'lastModifiedDateTime',
];

let system: TestSystem;
let call: ReturnType<typeof erpClient>['call'];
let companyId: string;
let base: string;
let person: Json;
let company: Json;

const today = () => new Date().toISOString().slice(0, 10);

async function post(body: Json, as?: Record<string, string>): Promise<Json> {
  const response = await call('POST', `${base}/opportunities`, { body, as });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

async function patch(record: Json, body: Json, as?: Record<string, string>) {
  return call<Json & BcError>('PATCH', `${base}/opportunities(${String(record.id)})`, {
    body,
    as,
    headers: { 'if-match': String(record['@odata.etag']) },
  });
}

async function opportunityCount(): Promise<number> {
  return (await call<Collection>('GET', `${base}/opportunities`)).body.value.length;
}

beforeAll(async () => {
  system = await startTestSystem();
  call = erpClient(system).call;
  const companies = await call<Collection>('GET', '/api/v2.0/companies');
  companyId = String(companies.body.value[0]!.id);
  base = `/api/v2.0/companies(${companyId})`;
  for (const body of [
    { code: 'BC', displayName: 'Benjamin Chiu' },
    { code: 'JR', displayName: 'John Roberts' },
    { code: 'BLK', displayName: 'Blocked Person', blocked: true },
  ])
    expect((await call('POST', `${base}/salespeoplePurchasers`, { body })).status).toBe(201);
  company = (
    await call('POST', `${base}/contacts`, { body: { type: 'Company', displayName: "A. Gibson's Law Firm" } })
  ).body;
  person = (
    await call('POST', `${base}/contacts`, {
      body: { type: 'Person', displayName: 'David Oliver Lawrence', companyNumber: company.number },
    })
  ).body;
  expect(person.companyName).toBe("A. Gibson's Law Firm");
});
afterAll(async () => {
  await system?.stop();
});

describe('opportunities', () => {
  it("creates BC's documented example with a number from the OPP series and the contact's names", async () => {
    // The body of BC's "Create opportunities" example, with this test's contact.
    const first = await post({
      contactNumber: String(person.number).toLowerCase(),
      salespersonCode: 'bc',
      description: 'New tables',
    });
    expect(Object.keys(first).filter((k) => !k.startsWith('@'))).toEqual(OPPORTUNITY_KEYS);
    expect(first).toMatchObject({
      number: expect.stringMatching(/^OP\d{6}$/),
      contactNumber: person.number,
      contactName: 'David Oliver Lawrence',
      contactCompanyName: "A. Gibson's Law Firm",
      salespersonCode: 'BC',
      description: 'New tables',
      status: 'Not Started',
      closed: false,
      creationDate: today(),
      dateClosed: '0001-01-01',
      calculatedCurrentValue: 0,
      estimatedClosingDate: '0001-01-01',
      estimatedValue: 0,
    });
    const second = await post({ description: 'Chairs' });
    expect(Number(String(second.number).slice(2)) - Number(String(first.number).slice(2))).toBe(1);
    expect(second).toMatchObject({ contactNumber: '', contactName: '', salespersonCode: '' });
    // A number given by hand is kept; a taken one is refused.
    expect((await post({ number: 'op-manual', description: 'By hand' })).number).toBe('OP-MANUAL');
    const taken = await call<BcError>('POST', `${base}/opportunities`, { body: { number: first.number } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('Internal_EntityWithSameKeyExists');

    const read = await call('GET', `${base}/opportunities(${String(first.id)})`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ number: first.number, '@odata.etag': first['@odata.etag'] });
    // A company contact is its own company.
    const forCompany = await post({ contactNumber: company.number, description: 'Firm-wide' });
    expect(forCompany.contactCompanyName).toBe("A. Gibson's Law Firm");
  });

  it('updates status and values, closes with a date, and deletes as BC allows', async () => {
    const opp = await post({ contactNumber: person.number, salespersonCode: 'BC', description: 'Desks' });
    const started = await patch(opp, {
      description: 'Standing desks',
      status: 'In_x0020_Progress', // BC's wire spelling is accepted as well as 'In Progress'
      estimatedValue: 200000,
      chancesOfSuccessPrc: 15,
      completedPrc: 2,
      estimatedClosingDate: '2027-03-31',
      closed: true, // read-only: ignored, as BC ignores non-editable properties
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({
      description: 'Standing desks',
      status: 'In Progress',
      closed: false,
      estimatedValue: 200000,
      calculatedCurrentValue: 600, // 200000 × 15 % × 2 %, as BC's default sales cycle calculates it
      estimatedClosingDate: '2027-03-31',
      dateClosed: '0001-01-01',
    });
    const active = await call<BcError>('DELETE', `${base}/opportunities(${String(opp.id)})`, {
      headers: { 'if-match': '*' },
    });
    expect(active.status).toBe(409);
    expect(active.body.error.code).toBe('Application_DialogException');
    expect(active.body.error.message).toMatch(/while it is active/);

    const won = await patch(started.body, { status: 'Won' });
    expect(won.body).toMatchObject({
      status: 'Won',
      closed: true,
      dateClosed: today(),
      calculatedCurrentValue: 200000,
    });
    for (const change of [{ salespersonCode: 'JR' }, { contactNumber: company.number }]) {
      const refused = await patch(won.body, change);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/of a Won or Lost Opportunity cannot be changed/);
    }
    // Sending back what was read changes nothing and is accepted.
    const echoed = await patch(won.body, { salespersonCode: 'BC', contactNumber: person.number });
    expect(echoed.status, JSON.stringify(echoed.body)).toBe(200);

    const deleted = await call('DELETE', `${base}/opportunities(${String(opp.id)})`, {
      headers: { 'if-match': String(echoed.body['@odata.etag']) },
    });
    expect(deleted.status).toBe(204);
    const gone = await call<BcError>('GET', `${base}/opportunities(${String(opp.id)})`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('Internal_RecordNotFound');
  });

  it('refuses unknown or blocked salespeople, unknown contacts and bad values, writing nothing', async () => {
    const before = await opportunityCount();
    const cases: Array<[string, Json, number, string, RegExp]> = [
      [
        'unknown salesperson',
        { salespersonCode: 'NOSUCH' },
        400,
        'Internal_InvalidTableRelation',
        /field Salesperson Code of table Opportunity contains a value \(NOSUCH\).*\(Salesperson\/Purchaser\)/,
      ],
      [
        'blocked salesperson',
        { salespersonCode: 'BLK' },
        400,
        'Application_FieldValidationException',
        /BLK is blocked/,
      ],
      [
        'unknown contact',
        { contactNumber: 'CT999999' },
        400,
        'Internal_InvalidTableRelation',
        /field Contact No\. of table Opportunity contains a value \(CT999999\).*\(Contact\)/,
      ],
      [
        'bad status',
        { status: 'Maybe' },
        400,
        'Application_EvaluateException',
        /"Not Started", "In Progress"/,
      ],
      [
        'percent over 100',
        { chancesOfSuccessPrc: 101 },
        400,
        'Application_FieldValidationException',
        /0 to 100/,
      ],
      ['negative value', { estimatedValue: -1 }, 400, 'Application_FieldValidationException', /negative/],
      ['bad date', { estimatedClosingDate: '31.03.2027' }, 400, 'BadRequest', /YYYY-MM-DD/],
      [
        'too long',
        { description: 'x'.repeat(101) },
        400,
        'Application_StringExceededLength',
        /100 characters/,
      ],
      [
        'unknown property',
        { descripton: 'x' },
        400,
        'BadRequest_PropertyNotFound',
        /Did you mean 'description'/,
      ],
    ];
    for (const [name, body, status, code, message] of cases) {
      const response = await call<BcError>('POST', `${base}/opportunities`, { body });
      expect(response.status, name).toBe(status);
      expect(response.body.error.code, name).toBe(code);
      expect(response.body.error.message, name).toMatch(message);
      expect(response.body.error.message, name).toMatch(/CorrelationId/);
    }
    expect(await opportunityCount()).toBe(before);

    // The same checks on PATCH.
    const opp = await post({ description: 'Lamps' });
    const badPatch = await patch(opp, { salespersonCode: 'NOSUCH' });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error.code).toBe('Internal_InvalidTableRelation');
  });

  it('refuses deleting a salesperson or contact an opportunity uses', async () => {
    const jr = (await call<Collection>('GET', `${base}/salespeoplePurchasers?$filter=code eq 'JR'`)).body
      .value[0]!;
    const contact = (
      await call('POST', `${base}/contacts`, { body: { type: 'Person', displayName: 'Sam Short' } })
    ).body;
    const opp = await post({ salespersonCode: 'JR', contactNumber: contact.number, description: 'Sofas' });
    const salesperson = await call<BcError>('DELETE', `${base}/salespeoplePurchasers(${String(jr.id)})`, {
      headers: { 'if-match': '*' },
    });
    expect(salesperson.status).toBe(409);
    expect(salesperson.body.error.message).toMatch(`JR because opportunity ${String(opp.number)} uses it`);
    const person = await call<BcError>('DELETE', `${base}/contacts(${String(contact.id)})`, {
      headers: { 'if-match': '*' },
    });
    expect(person.status).toBe(409);
    expect(person.body.error.message).toMatch(`opportunity ${String(opp.number)} is for it`);
  });

  it('filters, selects and orders', async () => {
    await post({ description: 'Filter me', status: 'Lost', salespersonCode: 'JR' });
    const lost = await call<Collection>(
      'GET',
      `${base}/opportunities?$filter=status eq 'Lost' and closed eq true&$select=number,description,status`,
    );
    expect(lost.status, JSON.stringify(lost.body)).toBe(200);
    expect(lost.body.value).toHaveLength(1);
    expect(Object.keys(lost.body.value[0]!)).toEqual([
      '@odata.etag',
      'id',
      'number',
      'description',
      'status',
    ]);
    expect(lost.body.value[0]).toMatchObject({ description: 'Filter me', status: 'Lost' });
    const byContact = await call<Collection>(
      'GET',
      `${base}/opportunities?$filter=contactName eq 'david oliver lawrence'&$orderby=number desc&$count=true`,
    );
    expect(byContact.status).toBe(200);
    expect(byContact.body.value.length).toBeGreaterThan(0);
    for (const o of byContact.body.value) expect(o.contactNumber).toBe(person.number);
    const numbers = byContact.body.value.map((o) => String(o.number));
    expect(numbers).toEqual([...numbers].sort().reverse());
  });

  it('reports creates, updates and deletions in the change feed', async () => {
    const feed = async (after: number) =>
      call<{ value: Change[]; lastRowVersion: number }>(
        'GET',
        `/api/tandem/sync/v1.0/companies(${companyId})/changes?entity=opportunities&after=${after}`,
      );
    const start = (await feed(0)).body.lastRowVersion;
    const opp = await post({ description: 'Feed me', salespersonCode: 'BC' });
    const updated = await patch(opp, { estimatedValue: 50 });
    expect(updated.status).toBe(200);
    const other = await post({ description: 'Delete me' });
    expect(
      (
        await call('DELETE', `${base}/opportunities(${String(other.id)})`, {
          headers: { 'if-match': String(other['@odata.etag']) },
        })
      ).status,
    ).toBe(204);
    const all = await feed(0);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.value.map((c) => c.rowVersion)).toEqual(
      [...all.body.value.map((c) => c.rowVersion)].sort((a, b) => a - b),
    );
    const changes = (await feed(start)).body.value;
    expect(changes.map((c) => [c.changeType, c.key])).toEqual([
      ['upserted', opp.number],
      ['deleted', other.number],
    ]);
    expect(changes[0]!.record).toMatchObject({ id: opp.id, description: 'Feed me', estimatedValue: 50 });
    expect(changes[1]).toMatchObject({ id: other.id });
    expect(changes[1]!.record).toBeUndefined();
  });
});

describe('opportunity permissions', () => {
  it('lets BASIC read but not write, and INTEGRATION and SALES do everything', async () => {
    const clerk = await createDirectoryUser(system, 'opp.clerk@contoso.com', { licences: [BC_LICENCE] });
    const bridge = await createDirectoryUser(system, 'opp.bridge@contoso.com', { licences: [BC_LICENCE] });
    const seller = await createDirectoryUser(system, 'opp.seller@contoso.com', { licences: [BC_LICENCE] });
    const userUrl = (id: string) => `/api/tandem/admin/v1.0/users(${id})`;
    for (const user of [clerk, bridge, seller])
      await eventually(async () =>
        expect((await call<{ state: string }>('GET', userUrl(user.id))).body.state).toBe('Enabled'),
      );
    for (const [user, set] of [
      [bridge, 'INTEGRATION'],
      [seller, 'SALES'],
    ] as const) {
      const assigned = await call('POST', `${userUrl(user.id)}/permissionSets`, {
        body: { permissionSet: set },
      });
      expect(assigned.status).toBe(201);
      expect((await call('DELETE', `${userUrl(user.id)}/permissionSets('BASIC')`)).status).toBe(204);
    }

    const basic = await bearer(system, clerk.upn, clerk.password);
    expect((await call('GET', `${base}/opportunities`, { as: basic })).status).toBe(200);
    const before = await opportunityCount();
    const refused = await call<BcError>('POST', `${base}/opportunities`, {
      as: basic,
      body: { description: 'Not allowed' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('Authorization_InsufficientPermissions');
    expect(refused.body.error.message).toMatch(/TableData Opportunity Insert.*BASIC.*SALES/);
    expect(await opportunityCount()).toBe(before);

    for (const user of [bridge, seller]) {
      const as = await bearer(system, user.upn, user.password);
      const created = await post({ description: `By ${user.upn}`, salespersonCode: 'BC' }, as);
      const modified = await patch(created, { description: 'Changed' }, as);
      expect(modified.status, user.upn).toBe(200);
      const deleted = await call('DELETE', `${base}/opportunities(${String(created.id)})`, {
        as,
        headers: { 'if-match': String(modified.body['@odata.etag']) },
      });
      expect(deleted.status, user.upn).toBe(204);
    }
    const bridgeAs = await bearer(system, bridge.upn, bridge.password);
    const feed = await call<{ value: Change[] }>(
      'GET',
      `/api/tandem/sync/v1.0/companies(${companyId})/changes?entity=opportunities&after=0`,
      { as: bridgeAs },
    );
    expect(feed.status).toBe(200);
    expect(feed.body.value.some((c) => c.changeType === 'deleted' && c.lastModifiedBy === bridge.id)).toBe(
      true,
    );
  });
});

describe('the OPP number series', () => {
  it('exists in new companies, and migration 0002 adds it to companies created before it', async () => {
    const created = await call('POST', '/api/v2.0/companies', { body: { name: 'Fabrikam Opportunities' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const other = `/api/v2.0/companies(${String(created.body.id)})`;
    const db = system.running.database.db;
    // A company from before the migration has no OPP series: take it away, then run the migration's insert.
    await db.execute(
      sql`delete from erp.number_series where company_id = ${String(created.body.id)}::uuid and code = 'OPP'`,
    );
    const erp = migrationSets().find((s) => s.app === 'erp')!;
    const migration = fs.readFileSync(`${erp.folder}/0002_opportunities.sql`, 'utf8');
    const insert = migration
      .split('--> statement-breakpoint')
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .find((s) => s.startsWith('INSERT INTO "erp"."number_series"'));
    expect(insert).toBeDefined();
    await db.execute(sql.raw(insert!));
    const series = await queryRows<{ company_id: string; prefix: string; last_no: number }>(
      db,
      sql`select company_id::text, prefix, last_no from erp.number_series where code = 'OPP' order by company_id`,
    );
    expect(series).toHaveLength(2);
    // The existing company's counter is left as it was.
    expect(series.find((s) => s.company_id === companyId)!.last_no).toBeGreaterThan(0);
    const first = await call('POST', `${other}/opportunities`, { body: { description: 'First' } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.number).toBe('OP000001');
  });
});
