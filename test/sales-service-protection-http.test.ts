/**
 * Dataverse service protection over HTTP (docs/sales.md): every response names what is left of the
 * caller's window (`x-ms-ratelimit-burst-remaining-xrm-requests`, `…-time-remaining-…`), each
 * operation inside a $batch counts as a request, and a batch that does not fit is refused whole with
 * 429, Retry-After and Dataverse's code — none of its operations run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, webApi } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

let system: TestSystem;
let token: string;

beforeAll(async () => {
  system = await startTestSystem({ TANDEM_SALES_REQUEST_LIMIT: '20', TANDEM_SALES_WINDOW_SECONDS: '300' });
  token = await adminToken(system);
});
afterAll(async () => {
  await system?.stop();
});

const remaining = (headers: Headers) => Number(headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'));

function batchOf(gets: number): string {
  const parts = Array.from(
    { length: gets },
    () =>
      `--batch_SP\r\nContent-Type: application/http\r\nContent-Transfer-Encoding:binary\r\n\r\nGET accounts?$select=name&$top=1 HTTP/1.1\r\nAccept: application/json\r\n\r\n`,
  );
  return parts.join('') + '--batch_SP--\r\n';
}

const postBatch = (gets: number) =>
  webApi(system, token, 'POST', '$batch', {
    headers: { 'Content-Type': 'multipart/mixed; boundary=batch_SP' },
    body: batchOf(gets),
  });

describe('Sales service protection over HTTP', () => {
  it('counts every request and every $batch operation, and says what is left on each response', async () => {
    const first = await webApi(system, token, 'GET', 'accounts?$top=1');
    expect(first.status).toBe(200);
    const start = remaining(first.headers);
    expect(start).toBeLessThan(20);
    const windowLeft = Number(first.headers.get('x-ms-ratelimit-time-remaining-xrm-requests'));
    expect(windowLeft).toBeGreaterThan(0);
    expect(windowLeft).toBeLessThanOrEqual(300);

    const second = await webApi(system, token, 'GET', 'accounts?$top=1');
    expect(remaining(second.headers)).toBe(start - 1);

    // The batch itself is admitted (one request), then its 5 operations are counted.
    const batch = await postBatch(5);
    expect(batch.status, batch.text).toBe(200);
    expect(remaining(batch.headers)).toBe(start - 2);
    const after = await webApi(system, token, 'GET', 'accounts?$top=1');
    expect(remaining(after.headers)).toBe(start - 2 - 5 - 1);
  });

  it('refuses a $batch that does not fit in the window with 429, Retry-After and the code, running none of it', async () => {
    const probe = await webApi(system, token, 'GET', 'accounts?$top=1');
    const left = remaining(probe.headers);
    const refused = await postBatch(left + 1);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((refused.body as { error: { code: string } }).error.code).toBe('0x80072322');
    // Refused operations are not counted: only the batch request itself was.
    const next = await webApi(system, token, 'GET', 'accounts?$top=1');
    expect(next.status).toBe(200);
    expect(remaining(next.headers)).toBe(left - 2);
  });
});
