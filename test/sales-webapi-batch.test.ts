import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, webApi } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * "Execute batch operations using the Web API" and "Use change tracking to synchronize data with
 * external systems": the documented requests and responses, and failing change sets rolling back.
 */

let system: TestSystem;
let token: string;
const root = () => `${system.url}/api/data/v9.2`;

beforeAll(async () => {
  system = await startTestSystem();
  token = await adminToken(system);
});
afterAll(async () => {
  await system?.stop();
});

function batch(boundary: string, parts: string[]): string {
  return parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n') + `\r\n--${boundary}--\r\n`;
}

function changeSet(
  boundary: string,
  requests: Array<{ method: string; url: string; body?: unknown; id?: string }>,
): string {
  const inner = requests.map(
    (r) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding:binary\r\n${r.id ? `Content-ID: ${r.id}\r\n` : ''}\r\n` +
      `${r.method} ${r.url} HTTP/1.1\r\nContent-Type: application/json;type=entry\r\n\r\n${r.body === undefined ? '' : JSON.stringify(r.body)}\r\n`,
  );
  return `Content-Type: multipart/mixed; boundary=${boundary}\r\n\r\n${inner.join('')}--${boundary}--\r\n`;
}

function getPart(url: string): string {
  return `Content-Type: application/http\r\nContent-Transfer-Encoding:binary\r\n\r\nGET ${url} HTTP/1.1\r\nAccept: application/json\r\n\r\n`;
}

async function postBatch(body: string, headers: Record<string, string> = {}) {
  return webApi(system, token, 'POST', '$batch', {
    headers: {
      'Content-Type': 'multipart/mixed; boundary="batch_AAA123"',
      'If-None-Match': 'null',
      ...headers,
    },
    body,
  });
}

async function countNamed(name: string): Promise<number> {
  const r = await webApi(system, token, 'GET', `accounts/$count?$filter=name eq '${name}'`);
  return Number(r.text);
}

describe('Execute batch operations using the Web API', () => {
  it('runs a change set with Content-ID references and a GET, answering multipart in order', async () => {
    const body = batch('batch_AAA123', [
      changeSet('changeset_BBB456', [
        { method: 'POST', url: `${root()}/accounts`, body: { name: 'Batch account' }, id: '1' },
        {
          method: 'POST',
          url: 'contacts',
          body: { lastname: 'Batch contact', 'parentcustomerid_account@odata.bind': '$1' },
          id: '2',
        },
        { method: 'PATCH', url: '$1', body: { telephone1: '555-0100' }, id: '3' },
      ]),
      getPart(`${root()}/accounts?$select=name,telephone1&$filter=name eq 'Batch account'`),
    ]);
    const response = await postBatch(body);
    expect(response.status).toBe(200);
    const boundary = /boundary=(batchresponse_[0-9a-f-]+)/.exec(response.headers.get('content-type')!)![1]!;
    const text = response.text;
    expect(
      text.startsWith(`--${boundary}\r\nContent-Type: multipart/mixed; boundary=changesetresponse_`),
    ).toBe(true);
    expect(text.match(/HTTP\/1\.1 204 No Content/g)).toHaveLength(3);
    expect(text).toMatch(
      new RegExp(
        `Content-ID: 1\\r\\n\\r\\nHTTP/1.1 204 No Content\\r\\n[^]*odata-entityid: ${root().replace(/\./g, '\\.')}/accounts\\(`,
      ),
    );
    expect(text).toContain('HTTP/1.1 200 OK');
    expect(text).toContain('"telephone1":"555-0100"');
    expect(text.trimEnd().endsWith(`--${boundary}--`)).toBe(true);
    const contacts = await webApi<{ value: Array<{ _parentcustomerid_value: string }> }>(
      system,
      token,
      'GET',
      `contacts?$select=lastname,_parentcustomerid_value&$filter=lastname eq 'Batch contact'`,
    );
    expect(contacts.body.value[0]!._parentcustomerid_value).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rolls back the whole change set when one request fails, answering with the failing response only', async () => {
    const body = batch('batch_AAA123', [
      changeSet('changeset_X', [
        { method: 'POST', url: 'accounts', body: { name: 'Rolled back' }, id: '1' },
        { method: 'POST', url: 'accounts', body: { name: 'Rolled back', creditlimit: 'lots' }, id: '2' },
      ]),
      getPart('accounts?$select=name&$top=1'),
    ]);
    const response = await postBatch(body);
    expect(response.status).toBe(200);
    expect(response.text).not.toContain('changesetresponse_');
    expect(response.text).toContain('Content-ID: 2');
    expect(response.text).toContain('HTTP/1.1 400 Bad Request');
    expect(response.text).toContain("Cannot convert the literal 'lots' to the expected type 'Edm.Decimal'");
    // Without odata.continue-on-error the batch stops at the failure: the GET does not run.
    expect(response.text).not.toContain('HTTP/1.1 200 OK');
    expect(await countNamed('Rolled back')).toBe(0);
  });

  it('continues after a failure with Prefer: odata.continue-on-error', async () => {
    const body = batch('batch_AAA123', [
      `Content-Type: application/http\r\nContent-Transfer-Encoding:binary\r\n\r\nPOST accounts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"nmae":"typo"}\r\n`,
      getPart('accounts?$select=name&$top=1'),
    ]);
    const response = await postBatch(body, { Prefer: 'odata.continue-on-error' });
    expect(response.headers.get('preference-applied')).toBe('odata.continue-on-error');
    expect(response.text).toContain(
      "Invalid property 'nmae' was found in entity 'Microsoft.Dynamics.CRM.account'.",
    );
    expect(response.text).toContain('HTTP/1.1 200 OK');
  });

  it('refuses GET inside a change set, more than 1,000 operations, and a missing boundary — changing nothing', async () => {
    const withGet = await postBatch(
      batch('batch_AAA123', [
        changeSet('cs', [
          { method: 'POST', url: 'accounts', body: { name: 'Not with GET' } },
          { method: 'GET', url: 'accounts' },
        ]),
      ]),
    );
    expect(withGet.text).toContain('GET requests cannot be part of a change set');
    expect(await countNamed('Not with GET')).toBe(0);

    const many = Array.from({ length: 1001 }, () => ({
      method: 'POST',
      url: 'accounts',
      body: { name: 'Too many' },
    }));
    const tooMany = await postBatch(batch('batch_AAA123', [changeSet('cs', many)]));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({
      error: {
        code: '0x80048d0b',
        message:
          'The batch holds 1001 requests, more than the 1000 a batch may hold. Split it into batches of at most 1000.',
      },
    });
    expect(await countNamed('Too many')).toBe(0);

    const noBoundary = await webApi(system, token, 'POST', '$batch', {
      headers: { 'Content-Type': 'multipart/mixed' },
      body: 'x',
    });
    expect(noBoundary.status).toBe(400);
  });

  it('runs 1,000 operations in one change set', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      method: 'POST',
      url: 'accounts',
      body: { name: 'Thousand', accountnumber: `T-${i}` },
    }));
    const response = await postBatch(batch('batch_AAA123', [changeSet('cs', many)]));
    expect(response.status).toBe(200);
    expect(response.text.match(/HTTP\/1\.1 204/g)).toHaveLength(1000);
    expect(await countNamed('Thousand')).toBe(1000);
  });
});

describe('Use change tracking to synchronize data with external systems', () => {
  it('returns a delta link, then new, changed and deleted records since it', async () => {
    const a = await webApi(system, token, 'POST', 'products', {
      headers: { Prefer: 'return=representation' },
      body: { name: 'Tracked A', productnumber: 'TR-A' },
    });
    const b = await webApi(system, token, 'POST', 'products', {
      headers: { Prefer: 'return=representation' },
      body: { name: 'Tracked B', productnumber: 'TR-B' },
    });
    const first = await webApi<{ value: Array<{ name: string }>; '@odata.deltaLink': string }>(
      system,
      token,
      'GET',
      'products?$select=name,productnumber',
      { headers: { Prefer: 'odata.track-changes' } },
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('preference-applied')).toBe('odata.track-changes');
    expect(first.body.value.map((r) => r.name)).toEqual(expect.arrayContaining(['Tracked A', 'Tracked B']));
    const deltaLink = first.body['@odata.deltaLink'];
    expect(deltaLink).toMatch(
      new RegExp(
        `^${root().replace(/\./g, '\\.')}/products\\?\\$select=name%2Cproductnumber&\\$deltatoken=\\d+$`,
      ),
    );

    const nothing = await webApi<{ value: unknown[] }>(system, token, 'GET', deltaLink);
    expect(nothing.body.value).toEqual([]);

    await webApi(system, token, 'PATCH', `products(${a.body.productid as string})`, {
      body: { name: 'Tracked A2' },
    });
    await webApi(system, token, 'DELETE', `products(${b.body.productid as string})`);
    await webApi(system, token, 'POST', 'products', { body: { name: 'Tracked C', productnumber: 'TR-C' } });
    const delta = await webApi<{ value: Array<Record<string, unknown>>; '@odata.deltaLink': string }>(
      system,
      token,
      'GET',
      deltaLink,
    );
    expect(delta.status).toBe(200);
    expect(delta.body['@odata.context' as never]).toBe(
      `${root()}/$metadata#products(name,productnumber)/$delta`,
    );
    expect(delta.body.value).toEqual([
      expect.objectContaining({ name: 'Tracked A2', productid: a.body.productid }),
      {
        '@odata.context': `${root()}/$metadata#products/$deletedEntity`,
        id: b.body.productid,
        reason: 'deleted',
      },
      expect.objectContaining({ name: 'Tracked C' }),
    ]);
    expect(delta.body['@odata.deltaLink']).not.toBe(deltaLink);
  });

  it('pages a tracked query with odata.maxpagesize; the last page carries the delta link', async () => {
    const names: string[] = [];
    let url: string | undefined = 'products?$select=name';
    let deltaLink: string | undefined;
    while (url) {
      const page: {
        body: { value: Array<{ name: string }>; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      } = await webApi(system, token, 'GET', url, {
        headers: { Prefer: 'odata.track-changes,odata.maxpagesize=1' },
      });
      names.push(...page.body.value.map((r) => r.name));
      url = page.body['@odata.nextLink'];
      deltaLink = page.body['@odata.deltaLink'];
    }
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(new Set(names).size).toBe(names.length);
    expect(deltaLink).toContain('$deltatoken=');
  });

  it('refuses $filter, $orderby, $expand and $top with change tracking, and a forged delta token', async () => {
    for (const option of [
      "$filter=name eq 'x'",
      '$orderby=name',
      '$top=1',
      '$expand=transactioncurrencyid',
    ]) {
      const r = await webApi(system, token, 'GET', `products?$select=name&${option}`, {
        headers: { Prefer: 'odata.track-changes' },
      });
      expect(r.status, option).toBe(400);
      expect((r.body as { error: { message: string } }).error.message).toContain(
        'Change tracking does not support',
      );
    }
    const forged = await webApi(system, token, 'GET', 'products?$select=name&$deltatoken=abc');
    expect(forged.status).toBe(400);
  });
});
