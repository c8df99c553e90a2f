/**
 * Security (issue 12, item 8): a NUL character (U+0000), which PostgreSQL text cannot hold, is a
 * clear 400 in every face — OData string literals on Sales and the ERP, sign-in and token user
 * names, search parameters, file names, JSON fields — never a 500; and an error that does reach the
 * log never carries the SQL parameters (users' data).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { M365_HEADER } from '../src/directory/user-fields.js';
import { serializeError } from '../src/platform/http/safe-error.js';
import { adminHeaders } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

const NUL = '\u0000';
const MARK = 'nul-marker-7f3a';
let system: TestSystem;
const lines: string[] = [];
let companyId: string;

beforeAll(async () => {
  system = await startTestSystem({ LOG_LEVEL: 'info' }, { logStream: { write: (line) => lines.push(line) } });
  const companies = await fetch(`${system.url}/api/v2.0/companies`, { headers: await adminHeaders(system) });
  companyId = ((await companies.json()) as { value: Array<{ id: string }> }).value[0]!.id;
});
afterAll(async () => {
  await system?.stop();
});

async function send(
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: { ...(await adminHeaders(system)), ...(init.headers ?? {}) },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: response.status, text: await response.text() };
}

describe('a NUL character is a 400 that says what to do', () => {
  const literal = encodeURIComponent(`'${MARK}${NUL}'`);
  const cases: Array<[string, () => Promise<{ status: number; text: string }>]> = [
    ['a Sales OData string literal', () => send('GET', `/api/data/v9.2/accounts?$filter=name eq ${literal}`)],
    ['a Sales key', () => send('GET', `/api/data/v9.2/accounts(accountnumber=${literal})`)],
    [
      'an ERP OData string literal',
      () => send('GET', `/api/v2.0/companies(${companyId})/customers?$filter=displayName eq ${literal}`),
    ],
    ['a directory search', () => send('GET', `/directory/users?search=${encodeURIComponent(MARK + NUL)}`)],
    ['a user name to look up', () => send('GET', `/directory/users/${encodeURIComponent(MARK + NUL)}`)],
    [
      'a JSON field',
      () =>
        send('POST', '/directory/users', {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userPrincipalName: `nul@contoso.com`, displayName: `${MARK}${NUL}` }),
        }),
    ],
    [
      'an import file name',
      () =>
        send('POST', `/directory/imports?fileName=${encodeURIComponent(MARK + NUL + '.csv')}`, {
          headers: { 'content-type': 'text/csv' },
          body: `${M365_HEADER.join(',')}\r\n`,
        }),
    ],
    [
      'a sign-in user name',
      () =>
        fetch(`${system.url}/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-tandem-console': '1', origin: system.url },
          body: JSON.stringify({ userName: `${MARK}${NUL}@contoso.com`, password: 'whatever-1A!' }),
        }).then(async (r) => ({ status: r.status, text: await r.text() })),
    ],
    [
      'a token user name',
      () =>
        fetch(`${system.url}/oauth2/v2.0/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'password', username: `${MARK}${NUL}`, password: 'x' }),
        }).then(async (r) => ({ status: r.status, text: await r.text() })),
    ],
  ];
  for (const [what, request] of cases) {
    it(`in ${what}`, async () => {
      const reply = await request();
      expect(reply.status, reply.text).toBe(400);
      expect(reply.text).toMatch(/NUL|U\+0000|\\u0000/);
    });
  }

  it('logs no error for them, and never SQL parameters (only the request line names the address)', () => {
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(entries.filter((e) => e.level >= 50)).toEqual([]);
    const notRequestLines = lines.filter((line) => !line.includes('"msg":"incoming request"'));
    expect(notRequestLines.join('')).not.toContain(MARK);
    expect(lines.join('')).not.toMatch(/params: (?!\[not logged\])/);
  });
});

describe('the error serializer', () => {
  it('keeps the SQL text and drops its parameters, in the message, the stack and the cause chain', () => {
    const cause = new Error('invalid byte sequence for encoding "UTF8": 0x00');
    const error = new DrizzleQueryError('select * from users where name = $1', [`secret-${MARK}`], cause);
    const wrapped = new Error('outer', { cause: error });
    const serialized = JSON.stringify(serializeError(wrapped));
    expect(serialized).toContain('select * from users where name = $1');
    expect(serialized).toContain('0x00');
    expect(serialized).not.toContain(MARK);
  });
});
