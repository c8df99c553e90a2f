import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getToken } from './support/auth.js';
import { eventually } from './support/erp.js';
import { createDirectoryUser, directoryCall, systemUserOf } from './support/sales-users.js';
import { adminToken, giveRole, webApi, type SalesTestUser } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * Single calls skip work that need not run per request — a token is verified once and remembered
 * until it expires, privileges are cached per caller — but authorisation is still decided on the
 * user as they are now: these tests use the same (already verified) token across a role removal
 * and a disabling, and expect the change to apply to the very next request.
 */

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  system = await startTestSystem();
  admin = await adminToken(system);
});
afterAll(async () => {
  await system?.stop();
});

async function licensedUser(upn: string): Promise<SalesTestUser & { directoryId: string }> {
  const password = 'Fr3sh-Passw0rd!';
  const directoryId = await createDirectoryUser(system, upn, {
    licences: ['DYN365_ENTERPRISE_PLAN1'],
    password,
  });
  const row = await systemUserOf(system, directoryId);
  if (!row) throw new Error(`${upn} was not provisioned into Sales`);
  const token = await getToken(system.url, upn, password);
  return { upn, systemUserId: row.systemuserid, businessUnitId: row.businessunitid, token, directoryId };
}

describe('caches never outlive the user’s rights', () => {
  it('a removed role applies to the next request made with the same token', async () => {
    const user = await licensedUser('fresh.seller@contoso.com');
    await giveRole(system, admin, user, 'Salesperson');
    const create = () => webApi(system, user.token, 'POST', 'accounts', { body: { name: 'Fresh account' } });
    expect((await create()).status).toBe(204);
    expect((await create()).status).toBe(204);

    const roles = await webApi<{ value: Array<{ roleid: string }> }>(
      system,
      admin,
      'GET',
      `systemusers(${user.systemUserId})/systemuserroles_association?$select=name`,
    );
    for (const role of roles.body.value) {
      const removed = await webApi(
        system,
        admin,
        'DELETE',
        `systemusers(${user.systemUserId})/systemuserroles_association(${role.roleid})/$ref`,
      );
      expect(removed.status).toBe(204);
    }
    const refused = await create();
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/prvCreateAccount/);

    await giveRole(system, admin, user, 'Salesperson');
    expect((await create()).status).toBe(204);
  });

  it('a user disabled in Sales is refused on the next request made with the same token', async () => {
    const user = await licensedUser('fresh.leaver@contoso.com');
    await giveRole(system, admin, user, 'Salesperson');
    const read = () => webApi(system, user.token, 'GET', 'accounts?$select=name&$top=1');
    expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(200);

    await directoryCall(system, 'POST', `/directory/users/${user.directoryId}/assign-licences`, {
      addLicences: [],
      removeLicences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    await eventually(async () =>
      expect((await systemUserOf(system, user.directoryId))?.isdisabled).toBe(true),
    );
    const refused = await read();
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/disabled in Sales|not enabled in Sales/);
  });
});
