import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, giveRole, salesUser, webApi, type SalesTestUser } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * A $batch's creates and updates/upserts by id of one table run set-based
 * (src/sales/webapi/record-set-writes.ts): these tests hold them to the per-request rules of single
 * writes — the failing request of a change set named by its Content-ID, each request's own status
 * outside change sets, return=representation, alternate keys, privileges, modifiedby and versions.
 */

let system: TestSystem;
let token: string;

beforeAll(async () => {
  system = await startTestSystem();
  token = await adminToken(system);
});
afterAll(async () => {
  await system?.stop();
});

interface Op {
  method: string;
  url: string;
  body?: unknown;
  id?: string;
  headers?: Record<string, string>;
}

function part(op: Op): string {
  const headers = Object.entries(op.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return (
    `Content-Type: application/http\r\nContent-Transfer-Encoding:binary\r\n${op.id ? `Content-ID: ${op.id}\r\n` : ''}\r\n` +
    `${op.method} ${op.url} HTTP/1.1\r\nContent-Type: application/json;type=entry\r\n${headers}\r\n${op.body === undefined ? '' : JSON.stringify(op.body)}\r\n`
  );
}

function changeSet(ops: Op[]): string {
  return `Content-Type: multipart/mixed; boundary=cs\r\n\r\n${ops.map((op) => `--cs\r\n${part(op)}`).join('')}--cs--\r\n`;
}

async function postBatch(parts: string[], headers: Record<string, string> = {}, as = token) {
  const body = parts.map((p) => `--batch_S\r\n${p}`).join('\r\n') + `\r\n--batch_S--\r\n`;
  const response = await webApi(system, as, 'POST', '$batch', {
    headers: { 'Content-Type': 'multipart/mixed; boundary=batch_S', ...headers },
    body,
  });
  expect(response.status).toBe(200);
  return response.text;
}

/** The inner responses of a batch answer: status, Content-ID, headers and JSON body. */
function answers(text: string) {
  return [
    ...text.matchAll(
      /(?:Content-ID: (\S+)\r\n)?\r\nHTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*?)\r\n--/g,
    ),
  ].map((m) => ({
    contentId: m[1],
    status: Number(m[2]),
    headers: m[3]!,
    body: m[4] ? (JSON.parse(m[4]) as Record<string, unknown>) : undefined,
  }));
}

async function accountsNamed(name: string) {
  const r = await webApi<{ value: Array<Record<string, unknown>> }>(
    system,
    token,
    'GET',
    `accounts?$select=name,accountnumber,versionnumber,_modifiedby_value,_ownerid_value&$filter=name eq '${name}'&$orderby=accountnumber`,
  );
  return r.body.value;
}

describe('set-based creates', () => {
  it('creates a change set of one table in one go, each with its Content-ID, modifiedby and a version', async () => {
    const ops = Array.from({ length: 20 }, (_, i) => ({
      method: 'POST',
      url: 'accounts',
      id: String(i + 1),
      body: { name: 'Set A', accountnumber: `SA-${String(i).padStart(2, '0')}` },
    }));
    const text = await postBatch([changeSet(ops)]);
    const parts = answers(text);
    expect(parts.map((p) => p.status)).toEqual(Array(20).fill(204));
    expect(parts.map((p) => p.contentId)).toEqual(ops.map((o) => o.id));
    const rows = await accountsNamed('Set A');
    expect(rows).toHaveLength(20);
    const whoAmI = await webApi<{ UserId: string }>(system, token, 'GET', 'WhoAmI');
    for (const row of rows) {
      expect(row._modifiedby_value).toBe(whoAmI.body.UserId);
      expect(row._ownerid_value).toBe(whoAmI.body.UserId);
    }
    // Versions follow request order, and each response's ETag is its record's version.
    const versions = rows.map((r) => Number(r.versionnumber));
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(20);
    const etags = parts.map((p) => /etag: W\/"(\d+)"/i.exec(p.headers)?.[1]).map(Number);
    expect(etags).toEqual(versions);
  });

  it('rolls back a change set on a duplicate alternate key, answering with that request and its Content-ID', async () => {
    await webApi(system, token, 'POST', 'accounts', {
      body: { name: 'Existing', accountnumber: 'SB-TAKEN' },
    });
    const text = await postBatch([
      changeSet([
        { method: 'POST', url: 'accounts', id: '1', body: { name: 'Set B', accountnumber: 'SB-1' } },
        { method: 'POST', url: 'accounts', id: '2', body: { name: 'Set B', accountnumber: 'SB-TAKEN' } },
        { method: 'POST', url: 'accounts', id: '3', body: { name: 'Set B', accountnumber: 'SB-3' } },
      ]),
    ]);
    const parts = answers(text);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ status: 412, contentId: '2' });
    expect(parts[0]!.body).toMatchObject({ error: { code: '0x80040237' } });
    expect(await accountsNamed('Set B')).toHaveLength(0);

    const twice = answers(
      await postBatch([
        changeSet([
          { method: 'POST', url: 'accounts', id: '1', body: { name: 'Set B', accountnumber: 'SB-SAME' } },
          { method: 'POST', url: 'accounts', id: '2', body: { name: 'Set B', accountnumber: 'SB-SAME' } },
        ]),
      ]),
    );
    expect(twice.map((p) => [p.status, p.contentId])).toEqual([[412, '2']]);
    expect(await accountsNamed('Set B')).toHaveLength(0);
  });

  it('rolls back on an invalid body in the middle, naming its Content-ID', async () => {
    const parts = answers(
      await postBatch([
        changeSet([
          { method: 'POST', url: 'accounts', id: 'a', body: { name: 'Set C' } },
          { method: 'POST', url: 'accounts', id: 'b', body: { name: 'Set C', creditlimit: 'lots' } },
          { method: 'POST', url: 'accounts', id: 'c', body: { name: 'Set C' } },
        ]),
      ]),
    );
    expect(parts.map((p) => [p.status, p.contentId])).toEqual([[400, 'b']]);
    expect(await accountsNamed('Set C')).toHaveLength(0);
  });

  it('outside change sets keeps each request its own status, stopping at the first failure unless asked to go on', async () => {
    const ops: Op[] = [
      { method: 'POST', url: 'accounts', body: { name: 'Set D', accountnumber: 'SD-1' } },
      { method: 'POST', url: 'accounts', body: { name: 'Set D', accountnumber: 'SD-1' } },
      { method: 'POST', url: 'accounts', body: { name: 'Set D', accountnumber: 'SD-3' } },
    ];
    const stopped = answers(await postBatch(ops.map(part)));
    expect(stopped.map((p) => p.status)).toEqual([204, 412]);
    expect((await accountsNamed('Set D')).map((r) => r.accountnumber)).toEqual(['SD-1']);

    const going = answers(
      await postBatch(
        [
          { method: 'POST', url: 'accounts', body: { name: 'Set D', accountnumber: 'SD-1' } },
          { method: 'POST', url: 'accounts', body: { name: 'Set D', accountnumber: 'SD-4' } },
          { method: 'POST', url: 'accounts', body: { name: 'Set D', nonsense: 1 } },
          { method: 'POST', url: 'accounts', body: { name: 'Set D', accountnumber: 'SD-5' } },
        ].map(part),
        { Prefer: 'odata.continue-on-error' },
      ),
    );
    expect(going.map((p) => p.status)).toEqual([412, 204, 400, 204]);
    expect((await accountsNamed('Set D')).map((r) => r.accountnumber)).toEqual(['SD-1', 'SD-4', 'SD-5']);
  });

  it('returns each record with Prefer: return=representation, and composes contact names', async () => {
    const parts = answers(
      await postBatch([
        changeSet([
          {
            method: 'POST',
            url: 'contacts',
            id: '1',
            headers: { Prefer: 'return=representation' },
            body: { firstname: 'Ada', lastname: 'Lovelace' },
          },
          {
            method: 'POST',
            url: 'contacts?$select=fullname',
            id: '2',
            headers: { Prefer: 'return=representation' },
            body: { lastname: ' Byron ' },
          },
          { method: 'POST', url: 'contacts', id: '3', body: { firstname: 'Charles', lastname: null } },
        ]),
      ]),
    );
    expect(parts.map((p) => p.status)).toEqual([201, 201, 204]);
    expect(parts[0]!.body).toMatchObject({
      firstname: 'Ada',
      lastname: 'Lovelace',
      fullname: 'Ada Lovelace',
    });
    expect(parts[1]!.body).toMatchObject({ fullname: 'Byron' });
    const third = /odata-entityid: (\S+)/i.exec(parts[2]!.headers)![1]!;
    const read = await webApi<{ fullname: string }>(system, token, 'GET', `${third}?$select=fullname`);
    expect(read.body.fullname).toBe('Charles');
  });

  it('still lets a later request refer to an earlier one by Content-ID', async () => {
    const parts = answers(
      await postBatch([
        changeSet([
          { method: 'POST', url: 'accounts', id: '1', body: { name: 'Set E parent' } },
          { method: 'POST', url: 'accounts', id: '2', body: { name: 'Set E other' } },
          {
            method: 'POST',
            url: 'contacts',
            id: '3',
            body: { lastname: 'Set E', 'parentcustomerid_account@odata.bind': '$1' },
          },
          { method: 'PATCH', url: '$2', id: '4', body: { name: 'Set E renamed' } },
        ]),
      ]),
    );
    expect(parts.map((p) => p.status)).toEqual([204, 204, 204, 204]);
    expect(await accountsNamed('Set E renamed')).toHaveLength(1);
  });
});

describe('set-based updates and upserts by id', () => {
  it('updates, upserts and refuses per request, with If-Match and If-None-Match', async () => {
    const created = answers(
      await postBatch([
        changeSet(
          [1, 2, 3].map((i) => ({
            method: 'POST',
            url: 'accounts',
            id: String(i),
            headers: { Prefer: 'return=representation' },
            body: { name: 'Set F', accountnumber: `SF-${i}` },
          })),
        ),
      ]),
    );
    const [a, b, c] = created.map((p) => p.body!);
    const newId = '4d7b3c1e-1111-4222-8333-944455556666';
    const ok = answers(
      await postBatch([
        changeSet([
          {
            method: 'PATCH',
            url: `accounts(${String(a!.accountid)})`,
            id: '1',
            headers: { 'If-Match': String(a!['@odata.etag']) },
            body: { name: 'Set F updated' },
          },
          {
            method: 'PATCH',
            url: `accounts(${String(b!.accountid)})`,
            id: '2',
            body: { name: 'Set F updated' },
          },
          {
            method: 'PATCH',
            url: `accounts(${newId})`,
            id: '3',
            headers: { Prefer: 'return=representation' },
            body: { name: 'Set F updated', accountnumber: 'SF-NEW' },
          },
        ]),
      ]),
    );
    expect(ok.map((p) => p.status)).toEqual([204, 204, 201]);
    expect(ok[2]!.body).toMatchObject({ accountid: newId, accountnumber: 'SF-NEW' });
    const updated = await accountsNamed('Set F updated');
    expect(updated.map((r) => r.accountnumber)).toEqual(['SF-1', 'SF-2', 'SF-NEW']);
    expect(Number(updated[0]!.versionnumber)).toBeGreaterThan(
      Number(/"(\d+)"/.exec(String(a!['@odata.etag']))![1]),
    );

    const stale = answers(
      await postBatch([
        changeSet([
          {
            method: 'PATCH',
            url: `accounts(${String(c!.accountid)})`,
            id: '1',
            body: { name: 'Set F stale' },
          },
          {
            method: 'PATCH',
            url: `accounts(${String(a!.accountid)})`,
            id: '2',
            headers: { 'If-Match': String(a!['@odata.etag']) },
            body: { name: 'Set F stale' },
          },
        ]),
      ]),
    );
    expect(stale.map((p) => [p.status, p.contentId])).toEqual([[412, '2']]);
    expect(await accountsNamed('Set F stale')).toHaveLength(0);

    const refused = answers(
      await postBatch(
        (
          [
            {
              method: 'PATCH',
              url: `accounts(${String(c!.accountid)})`,
              headers: { 'If-None-Match': '*' },
              body: { name: 'Set F x' },
            },
            {
              method: 'PATCH',
              url: 'accounts(5d7b3c1e-1111-4222-8333-944455556666)',
              headers: { 'If-Match': '*' },
              body: { name: 'Set F x' },
            },
            { method: 'PATCH', url: `accounts(${String(c!.accountid)})`, body: { name: 'Set F x' } },
          ] as Op[]
        ).map(part),
        { Prefer: 'odata.continue-on-error' },
      ),
    );
    expect(refused.map((p) => p.status)).toEqual([412, 404, 204]);
  });
});

describe('privileges in set-based writes', () => {
  let user: SalesTestUser;
  beforeAll(async () => {
    user = await salesUser(system, 'set.writer@contoso.com');
    await giveRole(system, token, user, 'Salesperson');
  });

  it("refuses an update of another user's record at User depth, naming the request", async () => {
    const mine = answers(
      await postBatch(
        [
          changeSet([
            {
              method: 'POST',
              url: 'accounts',
              id: '1',
              headers: { Prefer: 'return=representation' },
              body: { name: 'Set G mine' },
            },
          ]),
        ],
        {},
        user.token,
      ),
    );
    expect(mine[0]!.status).toBe(201);
    const theirs = await webApi<{ accountid: string }>(system, token, 'POST', 'accounts', {
      headers: { Prefer: 'return=representation' },
      body: { name: 'Set G theirs' },
    });
    const parts = answers(
      await postBatch(
        [
          changeSet([
            {
              method: 'PATCH',
              url: `accounts(${String(mine[0]!.body!.accountid)})`,
              id: 'm',
              body: { name: 'Set G x' },
            },
            {
              method: 'PATCH',
              url: `accounts(${theirs.body.accountid})`,
              id: 't',
              body: { name: 'Set G x' },
            },
          ]),
        ],
        {},
        user.token,
      ),
    );
    expect(parts.map((p) => [p.status, p.contentId])).toEqual([[403, 't']]);
    expect(JSON.stringify(parts[0]!.body)).toMatch(/prvWriteAccount/);
    expect(await accountsNamed('Set G x')).toHaveLength(0);
  });
});
