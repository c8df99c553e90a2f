import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, webApi } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/** accountnumber is the account's alternate key: it must stay unique, also under concurrent upserts. */
describe('account alternate key (accountnumber)', () => {
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

  it('concurrent upserts by the same key create exactly one account', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        webApi(system, token, 'PATCH', "accounts(accountnumber='K-2')", { body: { name: `Racer ${i}` } }),
      ),
    );
    for (const r of results) expect([204, 412], r.text).toContain(r.status);
    const list = await webApi(system, token, 'GET', "accounts?$filter=accountnumber eq 'K-2'");
    expect((list.body as { value: unknown[] }).value).toHaveLength(1);
  });
});
