/**
 * Dataverse service protection over HTTP (docs/sales.md): every response names what is left of the
 * caller's window (`x-ms-ratelimit-burst-remaining-xrm-requests`, `…-time-remaining-…`), each
 * operation inside a $batch counts as a request, and a batch that does not fit is refused whole with
 * 429, Retry-After and Dataverse's code — none of its operations run. Past the concurrency limit a
 * request is refused with 429, Retry-After and Dataverse's concurrency code while the caller's
 * other requests are in flight; another user is not held back, and a finished or abandoned request
 * gives its place back.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, salesUser, webApi } from './support/sales-webapi.js';
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

/**
 * A Web API request held in flight for as long as the test wants: its headers are sent (so Sales has
 * admitted it and holds a concurrency place) but its body only in part, so the server waits for the
 * rest. Deterministic on any database: nothing depends on how long a query takes. The test's own
 * probes take a place for a moment too, and a held request whose headers arrive in that moment is
 * refused at once (seen: "Held Four" answered 429 before its body was sent, so only one place was
 * ever held); such a refused request is sent again until it is admitted.
 */
function heldCreate(system: TestSystem, token: string, name: string) {
  const body = JSON.stringify({ name });
  const url = new URL(`${system.url}/api/data/v9.2/accounts`);
  let settled = false;
  const send = () => {
    const request = http.request({
      method: 'POST',
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'odata-version': '4.0',
      },
    });
    const answered = new Promise<number>((resolve, reject) => {
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
        // Refused before the test let it finish: it never held a place; hold it again.
        if (!settled && response.statusCode === 429)
          setTimeout(() => {
            if (!settled) held = send();
          }, 5);
      });
      request.on('error', reject);
    });
    answered.catch(() => undefined);
    request.flushHeaders();
    request.write(body.slice(0, 4));
    return { request, answered };
  };
  let held = send();
  return {
    /** Sends the rest of the body; resolves with the status. */
    finish: () => {
      settled = true;
      held.request.end(body.slice(4));
      return held.answered;
    },
    /** Drops the connection before the body is complete. */
    abandon: () => {
      settled = true;
      held.request.destroy();
    },
  };
}

/** Asks until the answer is `status` (at most 10 s): held requests are admitted as their headers arrive. */
async function untilStatus(ask: () => ReturnType<typeof webApi>, status: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const reply = await ask();
    if (reply.status === status) return reply;
    if (Date.now() > deadline) throw new Error(`Still ${reply.status} after 10 s: ${reply.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Sales concurrency limit over HTTP', () => {
  let limited: TestSystem;
  let admin: string;

  beforeAll(async () => {
    limited = await startTestSystem({ TANDEM_SALES_CONCURRENCY_LIMIT: '2' });
    admin = await adminToken(limited);
  });
  afterAll(async () => {
    await limited?.stop();
  });

  const whoAmI = (token: string) => () => webApi(limited, token, 'GET', 'WhoAmI');

  it('refuses a request past the limit with 429, Retry-After and the concurrency code; a freed place admits again', async () => {
    const other = await salesUser(limited, `other@${limited.admin.upn.split('@')[1]}`);
    expect((await whoAmI(admin)()).status).toBe(200);

    const first = heldCreate(limited, admin, 'Held One');
    const second = heldCreate(limited, admin, 'Held Two');
    // Once both are admitted, every further request of the administrator is refused.
    const refused = await untilStatus(whoAmI(admin), 429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toEqual({
      error: {
        code: '0x80072326',
        message: 'Number of concurrent requests exceeded the limit of 2.',
      },
    });
    // Refused again while they are held (not a passing moment), and on a write as well.
    expect((await whoAmI(admin)()).status).toBe(429);
    const write = await webApi(limited, admin, 'POST', 'accounts', { body: { name: 'Refused Ltd' } });
    expect(write.status).toBe(429);
    // The limit is per user: another user is not held back.
    expect((await whoAmI(other.token)()).status).toBe(200);

    // An abandoned request gives its place back (one is still held: the next request fits)…
    second.abandon();
    await untilStatus(whoAmI(admin), 200);
    // …and a held request, once finished, is carried out normally and gives its place back.
    expect(await first.finish()).toBe(204);
    const third = heldCreate(limited, admin, 'Held Three');
    const fourth = heldCreate(limited, admin, 'Held Four');
    await untilStatus(whoAmI(admin), 429);
    expect(await third.finish()).toBe(204);
    await untilStatus(whoAmI(admin), 200);
    expect(await fourth.finish()).toBe(204);

    const names = await webApi<{ value: Array<{ name: string }> }>(
      limited,
      admin,
      'GET',
      `accounts?$select=name&$filter=startswith(name,'Held') or name eq 'Refused Ltd'&$orderby=name`,
    );
    expect(names.body.value.map((a) => a.name)).toEqual(['Held Four', 'Held One', 'Held Three']);
  });
});
