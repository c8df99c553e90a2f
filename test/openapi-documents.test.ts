import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erpClient } from './support/erp.js';
import { fetchDocument, schemaProperties, structuralProblems, type OpenApi } from './support/openapi.js';
import { adminToken, webApi } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * The OpenAPI documents of the ERP API and the Sales Web API: sound OpenAPI 3.0, listed in /docs,
 * and true to the APIs — they name the entity sets and fields the APIs really serve, checked against
 * live responses rather than against the definitions the documents are generated from.
 */

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.stop();
});

type Json = Record<string, unknown>;

/** The properties a record schema declares for plain values: navigation properties come with $expand. */
function valueProperties(document: OpenApi, schema: string): string[] {
  const properties = (document.components!.schemas![schema] as { properties: Record<string, Json> })
    .properties;
  return Object.entries(properties)
    .filter(
      ([, p]) => !('allOf' in p) && !(p.type === 'array' && 'items' in p && '$ref' in (p.items as Json)),
    )
    .map(([name]) => name)
    .sort();
}

describe('/docs lists every document', () => {
  it("offers the ERP's and the Sales Web API's documents beside Tandem's own", async () => {
    const initializer = await (await fetch(`${system.url}/docs/static/swagger-initializer.js`)).text();
    expect(initializer).toContain('"/docs/json"');
    expect(initializer).toContain('"/docs/erp-api/json"');
    expect(initializer).toContain('"/docs/sales-webapi/json"');
    const main = await fetchDocument(system.url, '/docs/json');
    expect(main.info.description).toContain('/docs/erp-api/json');
    expect(main.info.description).toContain('/docs/sales-webapi/json');
    // The OData APIs' catch-all routes are described by their own documents, not as '/{*}' here.
    expect(Object.keys(main.paths).filter((p) => p.startsWith('/api/'))).toEqual([]);
  });
});

describe("the bridge setup steps' inputs", () => {
  it("publishes each step's input schema, titled by step, and the steps as the path's values", async () => {
    const main = await fetchDocument(system.url, '/docs/json');
    expect(structuralProblems(main)).toEqual([]);
    const operation = main.paths['/bridge/setup/steps/{step}']!.post!;
    const step = operation.parameters!.find((p) => 'name' in p && p.name === 'step') as {
      schema: { enum: string[] };
    };
    const steps = [
      'sales-url',
      'admin',
      'integration-user',
      'solution',
      'erp-permissions',
      'access-mode',
      'currency',
      'mappings',
      'salespeople',
      'finish',
    ];
    expect(step.schema.enum).toEqual(steps);
    const body = operation.requestBody!.content['application/json']!.schema as { anyOf: Json[] };
    const byStep = Object.fromEntries(body.anyOf.map((s) => [s.title as string, s]));
    expect(Object.keys(byStep)).toEqual(steps);
    expect(byStep['sales-url']).toMatchObject({
      properties: { salesUrl: { type: 'string', maxLength: 2048 }, allowHttp: { type: 'boolean' } },
      required: ['salesUrl'],
      additionalProperties: false,
    });
    expect(byStep.admin).toMatchObject({ required: ['userName', 'password'] });
    expect(JSON.stringify(byStep['integration-user'])).toContain('"application"');
    expect(byStep.salespeople).toMatchObject({
      properties: { auto: { type: 'boolean' }, createMissing: { type: 'boolean' } },
    });
  });
});

describe('the ERP API document', () => {
  let document: OpenApi;
  let call: ReturnType<typeof erpClient>['call'];
  let base: string;
  beforeAll(async () => {
    document = await fetchDocument(system.url, '/docs/erp-api/json');
    call = erpClient(system).call;
    const companies = await call<{ value: Json[] }>('GET', '/api/v2.0/companies');
    base = `/api/v2.0/companies(${String(companies.body.value[0]!.id)})`;
  });

  it('is sound OpenAPI 3.0 with its server at Tandem', () => {
    expect(structuralProblems(document)).toEqual([]);
    expect(document.servers).toEqual([{ url: system.url }]);
  });

  it("names BC's entity sets, $batch, the change feed and the administration API", () => {
    const company = '/api/v2.0/companies({company_id})';
    const expected = [
      '/api/v2.0/companies',
      company,
      `${company}/generalLedgerSetup`,
      '/api/v2.0/$batch',
      '/api/tandem/sync/v1.0/companies({company_id})/changes',
      '/api/tandem/admin/v1.0/users',
      '/api/tandem/admin/v1.0/permissionSets',
    ];
    for (const set of [
      'salespeoplePurchasers',
      'customers',
      'contacts',
      'items',
      'currencies',
      'unitsOfMeasure',
      'paymentTerms',
      'opportunities',
    ])
      expected.push(`${company}/${set}`, `${company}/${set}({id})`);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(expected));
    const customers = document.paths[`${company}/customers({id})`]!;
    expect(Object.keys(customers).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    expect(customers.patch!.parameters).toContainEqual(
      expect.objectContaining({ name: 'If-Match', in: 'header' }),
    );
    expect(schemaProperties(document, 'customer')).toEqual(
      expect.arrayContaining(['id', 'number', 'displayName', 'salespersonCode', 'currencyCode', 'blocked']),
    );
    expect(schemaProperties(document, 'salespersonPurchaser')).toEqual(
      expect.arrayContaining(['code', 'displayName', 'email']),
    );
  });

  it('describes the query options with the names the API accepts', () => {
    const list = document.paths['/api/v2.0/companies({company_id})/customers']!.get!;
    const select = list.parameters!.find((p) => 'name' in p && p.name === '$select') as {
      schema: { items: { enum: string[] } };
    };
    expect(select.schema.items.enum).toEqual(expect.arrayContaining(['displayName', 'salespersonCode']));
    const expand = list.parameters!.find((p) => 'name' in p && p.name === '$expand') as {
      schema: { items: { enum: string[] } };
    };
    expect(expand.schema.items.enum).toEqual(expect.arrayContaining(['currency', 'paymentTerm']));
  });

  it('publishes the request bodies the API parses ($batch, new company)', () => {
    const batch = document.paths['/api/v2.0/$batch']!.post!.requestBody!.content['application/json']!
      .schema as { properties: { requests: { maxItems: number; items: { required: string[] } } } };
    expect(batch.properties.requests.maxItems).toBe(100);
    expect(batch.properties.requests.items.required).toEqual(expect.arrayContaining(['id', 'method', 'url']));
  });

  // One record of each set, so each schema can be compared with what the API really answers.
  const SAMPLES: Record<string, Json> = {
    salespeoplePurchasers: { code: 'OA1', displayName: 'Open Api' },
    customers: { displayName: 'OpenAPI Customer', salespersonCode: 'OA1' },
    contacts: { displayName: 'OpenAPI Contact', type: 'Company' },
    items: { displayName: 'OpenAPI Item' },
    currencies: { code: 'OAX', displayName: 'OpenAPI currency' },
    unitsOfMeasure: { code: 'OAU', displayName: 'OpenAPI unit' },
    paymentTerms: { code: 'OAP', displayName: 'OpenAPI terms' },
    opportunities: { description: 'OpenAPI opportunity', salespersonCode: 'OA1' },
  };

  it("each record schema's fields are exactly the fields the API answers with", async () => {
    const company = '/api/v2.0/companies({company_id})';
    const sets = Object.keys(document.paths)
      .filter((p) => p.startsWith(`${company}/`) && !p.endsWith(')') && !p.endsWith('generalLedgerSetup'))
      .map((p) => p.slice(company.length + 1));
    expect(sets.sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const set of Object.keys(SAMPLES)) {
      const created = await call<Json>('POST', `${base}/${set}`, { body: SAMPLES[set] });
      expect(created.status, `${set}: ${JSON.stringify(created.body)}`).toBe(201);
      const schemaName = (
        document.paths[`${company}/${set}`]!.post!.requestBody!.content['application/json']!.schema as {
          $ref: string;
        }
      ).$ref
        .split('/')
        .pop()!;
      const read = await call<Json>('GET', `${base}/${set}(${String(created.body.id)})`);
      expect(read.status).toBe(200);
      const answered = Object.keys(read.body)
        .filter((k) => k !== '@odata.context')
        .sort();
      expect(answered, set).toEqual(valueProperties(document, schemaName));
    }
    const companies = await call<{ value: Json[] }>('GET', '/api/v2.0/companies');
    expect(Object.keys(companies.body.value[0]!).sort()).toEqual(valueProperties(document, 'company'));
    const setup = await call<{ value: Json[] }>('GET', `${base}/generalLedgerSetup`);
    expect(Object.keys(setup.body.value[0]!).sort()).toEqual(valueProperties(document, 'generalLedgerSetup'));
  });

  it("an expanded navigation is the target's schema", async () => {
    const customers = await call<{ value: Json[] }>('GET', `${base}/customers?$top=1&$expand=currency`);
    expect(customers.status).toBe(200);
    expect(customers.body.value[0]).toHaveProperty('currency');
    expect(document.components!.schemas!.customer).toMatchObject({
      properties: { currency: { allOf: [{ $ref: '#/components/schemas/currency' }] } },
    });
  });
});

describe('the Sales Web API document', () => {
  const root = '/api/data/v9.2';
  let document: OpenApi;
  let token: string;
  beforeAll(async () => {
    document = await fetchDocument(system.url, '/docs/sales-webapi/json');
    token = await adminToken(system);
  });

  it('is sound OpenAPI 3.0 with its server at Tandem', () => {
    expect(structuralProblems(document)).toEqual([]);
    expect(document.servers).toEqual([{ url: system.url }]);
  });

  it('names the entity sets with their operations, $batch, WhoAmI and $metadata', () => {
    const expected = [`${root}/`, `${root}/$metadata`, `${root}/$batch`, `${root}/WhoAmI`];
    for (const [set, key] of [
      ['accounts', 'accountid'],
      ['contacts', 'contactid'],
      ['opportunities', 'opportunityid'],
      ['products', 'productid'],
      ['transactioncurrencies', 'transactioncurrencyid'],
      ['systemusers', 'systemuserid'],
      ['roles', 'roleid'],
      ['businessunits', 'businessunitid'],
    ])
      expected.push(`${root}/${set}`, `${root}/${set}/$count`, `${root}/${set}({${key}})`);
    expected.push(`${root}/systemusers({systemuserid})/systemuserroles_association/$ref`);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(expected));
    const account = document.paths[`${root}/accounts({accountid})`]!;
    expect(Object.keys(account).sort()).toEqual(['delete', 'get', 'patch']);
    expect(account.patch!.parameters).toContainEqual(
      expect.objectContaining({ name: 'If-Match', in: 'header' }),
    );
    // Users come from the directory: the Web API reads them only.
    expect(Object.keys(document.paths[`${root}/systemusers({systemuserid})`]!)).toEqual(['get']);
    const list = document.paths[`${root}/accounts`]!.get!;
    expect(list.parameters!.map((p) => ('name' in p ? p.name : p.$ref))).toEqual(
      expect.arrayContaining(['$select', '$filter', '$orderby', '$top', '$count', '$expand']),
    );
    expect(schemaProperties(document, 'account')).toEqual(
      expect.arrayContaining([
        'accountid',
        'name',
        'accountnumber',
        '_ownerid_value',
        '_primarycontactid_value',
      ]),
    );
    expect(document.components!.schemas!['account.create']).toMatchObject({
      required: ['name'],
      properties: { 'primarycontactid@odata.bind': { type: 'string' } },
    });
  });

  it('each record schema is exactly what the API answers, for every entity set', async () => {
    const created = await webApi(system, token, 'POST', 'accounts', { body: { name: 'OpenAPI account' } });
    expect(created.status).toBe(204);
    const contact = await webApi(system, token, 'POST', 'contacts', {
      body: { firstname: 'Open', lastname: 'Api' },
    });
    expect(contact.status).toBe(204);
    const served = await webApi<{ value: Array<{ name: string }> }>(system, token, 'GET', '');
    const sets = served.body.value.map((s) => s.name).sort();
    const documented = Object.keys(document.paths)
      .map((p) => /^\/api\/data\/v9\.2\/([a-z]+)$/.exec(p)?.[1])
      .filter((s): s is string => s !== undefined && s !== 'WhoAmI')
      .sort();
    expect(documented).toEqual(sets);
    let compared = 0;
    for (const set of sets) {
      const page = await webApi<{ value: Json[] }>(system, token, 'GET', `${set}?$top=1`);
      expect(page.status, set).toBe(200);
      const record = page.body.value[0];
      if (!record) continue;
      const schema = (
        document.paths[`${root}/${set}`]!.get!.responses['200'] as {
          content: { 'application/json': { schema: { properties: { value: { items: { $ref: string } } } } } };
        }
      ).content['application/json'].schema.properties.value.items.$ref
        .split('/')
        .pop()!;
      expect(Object.keys(record).sort(), set).toEqual(valueProperties(document, schema));
      compared++;
    }
    // Products and opportunities may be empty; the rest always hold a record here.
    expect(compared).toBeGreaterThanOrEqual(6);
  });

  it('$metadata still describes the same entity sets', async () => {
    const metadata = await webApi(system, token, 'GET', '$metadata');
    expect(metadata.status).toBe(200);
    for (const name of Object.keys(document.components!.schemas!).filter(
      (n) => !n.includes('.') && n !== 'error' && n !== 'WhoAmIResponse',
    ))
      expect(metadata.text).toContain(`<EntityType Name="${name}">`);
  });
});
