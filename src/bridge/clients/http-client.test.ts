import { describe, expect, it, vi } from 'vitest';
import {
  HttpClient,
  RemoteApiError,
  backoffDelay,
  parseRemoteError,
  parseRetryAfter,
} from './http-client.js';
import { createTokenSource, staticTokenSource, TokenRequestError, type TokenSource } from './token-source.js';

type Call = { url: string; init: RequestInit };

function stubFetch(responses: Array<Response | Error | (() => Response)>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = responses.shift();
    if (!next) throw new Error('no more stub responses');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next;
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function client(fetchFn: typeof fetch, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const sleeps: number[] = [];
  const http = new HttpClient({
    baseUrl: 'http://sales.test/api/data/v9.2/',
    tokens: staticTokenSource('tok-SECRET'),
    service: 'Sales',
    fetch: fetchFn,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { http, sleeps };
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1500);
  });
  it('reads an HTTP-date relative to now, never negative', () => {
    const now = Date.parse('Fri, 27 Nov 2026 06:00:00 GMT');
    expect(parseRetryAfter('Fri, 27 Nov 2026 06:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 05:59:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with full jitter and a cap', () => {
    expect(backoffDelay(0, 100, 10_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(400);
    expect(backoffDelay(20, 100, 10_000, () => 0.999)).toBe(9990);
    expect(backoffDelay(5, 100, 10_000, () => 0)).toBe(0);
  });
});

describe('parseRemoteError', () => {
  it('reads the Dataverse and BC shape', () => {
    expect(parseRemoteError('{"error":{"code":"0x80060882","message":"stale"}}')).toEqual({
      code: '0x80060882',
      message: 'stale',
    });
    expect(parseRemoteError('{"error":{"code":"Request_EntityChanged","message":"changed"}}')).toEqual({
      code: 'Request_EntityChanged',
      message: 'changed',
    });
  });
  it('reads OAuth errors and problem+json, and falls back to text', () => {
    expect(parseRemoteError('{"error":"invalid_grant","error_description":"nope"}')).toEqual({
      code: 'invalid_grant',
      message: 'nope',
    });
    expect(parseRemoteError('{"title":"Not found","detail":"No such user"}').message).toBe('No such user');
    expect(parseRemoteError('Bad gateway')).toEqual({ message: 'Bad gateway' });
    expect(parseRemoteError('')).toEqual({});
  });
});

describe('HttpClient', () => {
  it('sends JSON with the bearer token and parses JSON', async () => {
    const stub = stubFetch([json(200, { ok: 1 })]);
    const { http } = client(stub.fetch);
    const result = await http.request('POST', 'accounts', {
      body: { name: 'A' },
      query: { $select: 'name' },
    });
    expect(result.body).toEqual({ ok: 1 });
    expect(stub.calls[0]!.url).toBe('http://sales.test/api/data/v9.2/accounts?%24select=name');
    const headers = stub.calls[0]!.init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer tok-SECRET');
    expect(headers['content-type']).toBe('application/json');
    expect(stub.calls[0]!.init.body).toBe('{"name":"A"}');
  });

  it('retries 429 honouring Retry-After seconds, capped', async () => {
    const stub = stubFetch([
      json(429, { error: { code: '0x80072322', message: 'slow down' } }, { 'retry-after': '2' }),
      json(429, {}, { 'retry-after': '3600' }),
      json(200, { value: [] }),
    ]);
    const { http, sleeps } = client(stub.fetch, { maxDelayMs: 10_000 });
    await http.request('GET', 'accounts');
    expect(sleeps).toEqual([2000, 10_000]);
    expect(stub.calls).toHaveLength(3);
  });

  it('retries 429 honouring a Retry-After HTTP-date', async () => {
    const now = Date.parse('Fri, 27 Nov 2026 06:00:00 GMT');
    const stub = stubFetch([
      json(429, {}, { 'retry-after': 'Fri, 27 Nov 2026 06:00:04 GMT' }),
      json(200, {}),
    ]);
    const { http, sleeps } = client(stub.fetch, { now: () => now });
    await http.request('GET', 'accounts');
    expect(sleeps).toEqual([4000]);
  });

  it('backs off exponentially with jitter on 503 and network errors, then gives up', async () => {
    const stub = stubFetch([
      json(503, {}),
      new TypeError('fetch failed'),
      json(503, {}),
      json(503, { error: { code: 'Unavailable', message: 'down for maintenance' } }),
    ]);
    const { http, sleeps } = client(stub.fetch, { maxRetries: 3, baseDelayMs: 100 });
    const error = await http.request('GET', 'accounts').catch((e: unknown) => e);
    expect(sleeps).toEqual([50, 100, 200]);
    expect(error).toBeInstanceOf(RemoteApiError);
    expect(error).toMatchObject({ status: 503, code: 'Unavailable', remoteMessage: 'down for maintenance' });
  });

  it('reports a network failure after its retries with status 0', async () => {
    const stub = stubFetch([new TypeError('fetch failed'), new TypeError('fetch failed')]);
    const { http } = client(stub.fetch, { maxRetries: 1 });
    const error = (await http.request('GET', 'accounts').catch((e: unknown) => e)) as RemoteApiError;
    expect(error.status).toBe(0);
    expect(error.message).toContain('GET /api/data/v9.2/accounts on Sales failed after 2 attempts');
  });

  it('does not repeat a POST that may have been applied, but does when it never left', async () => {
    const reset = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    });
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const stub = stubFetch([reset, refused, json(201, { id: 1 })]);
    const { http, sleeps } = client(stub.fetch);
    const error = (await http
      .request('POST', 'accounts', { body: {} })
      .catch((e: unknown) => e)) as RemoteApiError;
    expect(error.status).toBe(0);
    expect(error.message).toContain('not retried because it may have been applied');
    expect(stub.calls).toHaveLength(1);
    const created = await http.request('POST', 'accounts', { body: {} });
    expect(created.status).toBe(201);
    expect(sleeps).toHaveLength(1);
    const again = stubFetch([reset, json(200, {})]);
    await client(again.fetch).http.request('POST', 'accounts', { body: {}, idempotent: true });
    expect(again.calls).toHaveLength(2);
  });

  it('times out a request with AbortController and retries it', async () => {
    let aborted = 0;
    const hanging: typeof fetch = (async (_url: string, init?: RequestInit) => {
      if (aborted === 0) {
        await new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => {
            aborted++;
            reject(new DOMException('aborted', 'AbortError'));
          });
        });
      }
      return json(200, { ok: true });
    }) as unknown as typeof fetch;
    const { http, sleeps } = client(hanging, { timeoutMs: 20 });
    const result = await http.request('GET', 'accounts');
    expect(result.body).toEqual({ ok: true });
    expect(aborted).toBe(1);
    expect(sleeps).toHaveLength(1);
  });

  it('refreshes the token once on 401 and retries', async () => {
    const stub = stubFetch([json(401, { error: { code: '0x80072560', message: 'expired' } }), json(200, {})]);
    const forced: boolean[] = [];
    let n = 0;
    const tokens: TokenSource = {
      identityName: 'user x',
      async getToken(options) {
        forced.push(Boolean(options?.forceRefresh));
        return `token-${++n}`;
      },
    };
    const { http, sleeps } = client(stub.fetch, { tokens });
    await http.request('GET', 'WhoAmI');
    expect(forced).toEqual([false, true]);
    expect((stub.calls[1]!.init.headers as Record<string, string>).authorization).toBe('Bearer token-2');
    expect(sleeps).toEqual([]);
  });

  it('gives up on a second 401, without the token in the message', async () => {
    const stub = stubFetch([
      json(401, { error: { code: '0x80072560', message: 'no' } }),
      json(401, { error: { code: '0x80072560', message: 'still no' } }),
    ]);
    const { http } = client(stub.fetch);
    const error = (await http.request('GET', 'WhoAmI').catch((e: unknown) => e)) as RemoteApiError;
    expect(error).toMatchObject({
      status: 401,
      code: '0x80072560',
      remoteMessage: 'still no',
      method: 'GET',
    });
    expect(error.path).toBe('/api/data/v9.2/WhoAmI');
    expect(error.message).not.toContain('tok-SECRET');
    expect(JSON.stringify(error)).not.toContain('tok-SECRET');
  });

  it('does not retry other errors and names method, path and remote message', async () => {
    const stub = stubFetch([
      json(412, {
        error: {
          code: '0x80060882',
          message: "The version of the existing record doesn't match the RowVersion property provided.",
        },
      }),
    ]);
    const { http, sleeps } = client(stub.fetch);
    const error = (await http
      .request('PATCH', 'accounts(1)', { body: {} })
      .catch((e: unknown) => e)) as RemoteApiError;
    expect(sleeps).toEqual([]);
    expect(error.message).toBe(
      "PATCH /api/data/v9.2/accounts(1) on Sales failed with 412 0x80060882: The version of the existing record doesn't match the RowVersion property provided.",
    );
  });

  it('follows absolute links on its own origin only', async () => {
    const stub = stubFetch([json(200, {})]);
    const { http } = client(stub.fetch);
    await http.request('GET', 'http://sales.test/api/data/v9.2/accounts?$skiptoken=x');
    expect(stub.calls[0]!.url).toBe('http://sales.test/api/data/v9.2/accounts?$skiptoken=x');
    await expect(http.request('GET', 'http://evil.test/steal')).rejects.toThrow(/does not follow it/);
    expect(stub.calls).toHaveLength(1);
  });
});

describe('createTokenSource', () => {
  const tokenBody = (token: string, expiresIn = 3600) => ({
    token_type: 'Bearer',
    access_token: token,
    expires_in: expiresIn,
  });

  it('uses the password grant, caches, and refreshes shortly before expiry', async () => {
    let now = 1_000_000;
    const stub = stubFetch([json(200, tokenBody('t1', 600)), json(200, tokenBody('t2', 600))]);
    const source = createTokenSource({
      directoryUrl: 'http://dir.test/',
      identity: { kind: 'user', userName: 'sync@contoso.test', password: 'pw-SECRET' },
      fetch: stub.fetch,
      now: () => now,
    });
    expect(await source.getToken()).toBe('t1');
    now += 500_000;
    expect(await source.getToken()).toBe('t1');
    now += 50_000; // 550 s of 600: inside the 60 s margin
    expect(await source.getToken()).toBe('t2');
    expect(stub.calls[0]!.url).toBe('http://dir.test/oauth2/v2.0/token');
    const form = new URLSearchParams(String(stub.calls[0]!.init.body));
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'password',
      username: 'sync@contoso.test',
      password: 'pw-SECRET',
    });
  });

  it('uses client credentials and shares one request among concurrent callers', async () => {
    const stub = stubFetch([json(200, tokenBody('app-token'))]);
    const source = createTokenSource({
      directoryUrl: 'http://dir.test',
      identity: { kind: 'application', clientId: 'app-1', clientSecret: 's3cret' },
      scope: 'https://api.businesscentral.dynamics.com/.default',
      fetch: stub.fetch,
    });
    const tokens = await Promise.all([source.getToken(), source.getToken(), source.getToken()]);
    expect(tokens).toEqual(['app-token', 'app-token', 'app-token']);
    expect(stub.calls).toHaveLength(1);
    const form = new URLSearchParams(String(stub.calls[0]!.init.body));
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toBe('https://api.businesscentral.dynamics.com/.default');
  });

  it('forces a refresh when asked', async () => {
    const stub = stubFetch([json(200, tokenBody('a')), json(200, tokenBody('b'))]);
    const source = createTokenSource({
      directoryUrl: 'http://dir.test',
      identity: { kind: 'user', userName: 'u', password: 'p' },
      fetch: stub.fetch,
    });
    expect(await source.getToken()).toBe('a');
    expect(await source.getToken({ forceRefresh: true })).toBe('b');
  });

  it('names the identity and the reason, never the secret', async () => {
    const stub = stubFetch([
      json(400, { error: 'invalid_grant', error_description: 'The user name or password is incorrect.' }),
      json(401, { error: 'invalid_client', error_description: 'Invalid client secret.' }),
    ]);
    const user = createTokenSource({
      directoryUrl: 'http://dir.test',
      identity: { kind: 'user', userName: 'sync@contoso.test', password: 'pw-SECRET' },
      fetch: stub.fetch,
    });
    const error = (await user.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error.message).toBe(
      'The directory refused a token for user sync@contoso.test (400 invalid_grant): The user name or password is incorrect.',
    );
    expect(error.message).not.toContain('pw-SECRET');
    const app = createTokenSource({
      directoryUrl: 'http://dir.test',
      identity: { kind: 'application', clientId: 'app-1', clientSecret: 's3cret-SECRET' },
      fetch: stub.fetch,
    });
    const appError = (await app.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(appError.message).toContain('application app-1 (401 invalid_client): Invalid client secret.');
    expect(JSON.stringify(appError)).not.toContain('SECRET');
  });
});
