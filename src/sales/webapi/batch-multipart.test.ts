import { describe, expect, it } from 'vitest';
import { countOperations, multipartBoundary, parseBatch, serializeBatch } from './batch-multipart.js';

// The request body of "Execute batch operations using the Web API" (change set with Content-ID, then a GET).
const DOCS_BATCH = [
  '--batch_AAA123',
  'Content-Type: multipart/mixed; boundary=changeset_BBB456',
  '',
  '--changeset_BBB456',
  'Content-Type: application/http',
  'Content-Transfer-Encoding:binary',
  'Content-ID: 1',
  '',
  'POST https://org.example/api/data/v9.2/accounts HTTP/1.1',
  'Content-Type: application/json;type=entry',
  '',
  '{"name":"Account 1 in batch"}',
  '--changeset_BBB456',
  'Content-Type: application/http',
  'Content-Transfer-Encoding:binary',
  'Content-ID: 2',
  '',
  'PATCH $1 HTTP/1.1',
  'Content-Type: application/json;type=entry',
  '',
  '{"telephone1":"555-0100"}',
  '--changeset_BBB456--',
  '',
  '--batch_AAA123',
  'Content-Type: application/http',
  'Content-Transfer-Encoding:binary',
  '',
  'GET https://org.example/api/data/v9.2/accounts?$select=name HTTP/1.1',
  'Accept: application/json',
  '',
  '--batch_AAA123--',
  '',
];

describe('$batch multipart', () => {
  it('reads the boundary of a multipart/mixed Content-Type, quoted or not', () => {
    expect(multipartBoundary('multipart/mixed; boundary="batch_AAA123"')).toBe('batch_AAA123');
    expect(multipartBoundary('multipart/mixed;boundary=batch_x')).toBe('batch_x');
    expect(multipartBoundary('application/json')).toBeUndefined();
    expect(multipartBoundary(undefined)).toBeUndefined();
  });

  for (const [eol, name] of [
    ['\r\n', 'CRLF'],
    ['\n', 'LF'],
  ] as const) {
    it(`parses the documentation's batch with ${name} line ends`, () => {
      const items = parseBatch(DOCS_BATCH.join(eol), 'batch_AAA123');
      expect(items).toHaveLength(2);
      const [changeset, get] = items;
      expect(changeset!.kind).toBe('changeset');
      if (changeset?.kind !== 'changeset') return;
      expect(changeset.requests.map((r) => [r.method, r.url, r.contentId])).toEqual([
        ['POST', 'https://org.example/api/data/v9.2/accounts', '1'],
        ['PATCH', '$1', '2'],
      ]);
      expect(JSON.parse(changeset.requests[0]!.body)).toEqual({ name: 'Account 1 in batch' });
      expect(changeset.requests[0]!.headers['content-type']).toBe('application/json;type=entry');
      expect(get).toMatchObject({ kind: 'request', request: { method: 'GET', body: '' } });
      expect(countOperations(items)).toBe(3);
    });
  }

  it('refuses a body without its closing boundary, a non-http part, nested change sets and repeated Content-IDs', () => {
    expect(() => parseBatch(DOCS_BATCH.slice(0, -2).join('\n'), 'batch_AAA123')).toThrow(
      /does not end with '--batch_AAA123--'/,
    );
    expect(() => parseBatch('--b\nContent-Type: text/plain\n\nhello\n--b--', 'b')).toThrow(
      /must be 'application\/http'/,
    );
    const nested = [
      '--b',
      'Content-Type: multipart/mixed; boundary=c',
      '',
      '--c',
      'Content-Type: multipart/mixed; boundary=d',
      '',
      '--d--',
      '--c--',
      '--b--',
    ];
    expect(() => parseBatch(nested.join('\n'), 'b')).toThrow(/cannot be nested/);
    const twice = DOCS_BATCH.join('\n').replace('Content-ID: 2', 'Content-ID: 1');
    expect(() => parseBatch(twice, 'batch_AAA123')).toThrow(/Content-ID twice/);
    expect(() => parseBatch('--b\nContent-Type: application/http\n\nnot a request line\n--b--', 'b')).toThrow(
      /request line/,
    );
  });

  it('serialises responses in order, change sets nested under their own boundary', () => {
    const text = serializeBatch(
      [
        {
          kind: 'changeset',
          responses: [
            { status: 204, headers: { 'OData-EntityId': 'x/accounts(1)' }, body: undefined, contentId: '1' },
          ],
        },
        {
          kind: 'response',
          response: {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
            body: '{"a":1}',
            contentId: undefined,
          },
        },
      ],
      'batchresponse_1',
    );
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('--batchresponse_1');
    expect(lines[1]).toMatch(/^Content-Type: multipart\/mixed; boundary=changesetresponse_/);
    expect(text).toContain(
      'Content-ID: 1\r\n\r\nHTTP/1.1 204 No Content\r\nOData-EntityId: x/accounts(1)\r\n',
    );
    expect(text).toContain('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n');
    expect(text.endsWith('--batchresponse_1--\r\n')).toBe(true);
    // What we write, we read back (as a client library would).
    expect(text.indexOf('HTTP/1.1 204')).toBeLessThan(text.indexOf('HTTP/1.1 200'));
  });
});
