import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, webApi } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * Requests Tandem must refuse rather than half-honour: a duplicate alternate key (accountnumber must
 * stay unique, also under concurrent upserts) and impersonation headers it does not implement.
 */
describe('Web API refusals', () => {
  let system: TestSystem;
  let token: string;
  beforeAll(async () => {
    system = await startTestSystem();
    token = await adminToken(system);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('refuses a second account with the same number, with the Dataverse duplicate-key error', async () => {
    const first = await webApi(system, token, 'POST', 'accounts', {
      body: { name: 'One', accountnumber: 'K-1' },
    });
    expect(first.status, first.text).toBe(204);
    const second = await webApi(system, token, 'POST', 'accounts', {
      body: { name: 'Two', accountnumber: 'K-1' },
    });
    expect(second.status).toBe(412);
    expect(second.text).toContain('matching key values already exists');
    const count = await webApi(system, token, 'GET', "accounts?$filter=accountnumber eq 'K-1'&$count=true");
    expect((count.body as { value: unknown[] }).value).toHaveLength(1);
  });

  // A race only on PostgreSQL: there several upserts find no account and insert, and the unique key
  // refuses all but one (412; seen). On PGlite the requests do not interleave (seen: all 204), so
  // there the later upserts simply update the first one's account.
  it('concurrent upserts by the same key create exactly one account (a race on PostgreSQL only)', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        webApi(system, token, 'PATCH', "accounts(accountnumber='K-2')", { body: { name: `Racer ${i}` } }),
      ),
    );
    for (const r of results) expect([204, 412], r.text).toContain(r.status);
    const list = await webApi(system, token, 'GET', "accounts?$filter=accountnumber eq 'K-2'");
    expect((list.body as { value: unknown[] }).value).toHaveLength(1);
  });

  it('refuses impersonation headers instead of silently acting as the caller', async () => {
    for (const header of ['MSCRMCallerID', 'CallerObjectId']) {
      const response = await webApi(system, token, 'POST', 'accounts', {
        headers: { [header]: '00000000-0000-0000-0000-000000000001' },
        body: { name: 'Impersonated' },
      });
      expect(response.status).toBe(400);
      expect(response.text).toContain('Impersonation');
    }
    const list = await webApi(system, token, 'GET', "accounts?$filter=name eq 'Impersonated'");
    expect((list.body as { value: unknown[] }).value).toHaveLength(0);
  });
});
