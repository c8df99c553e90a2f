import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionNow } from '../src/sales/provisioning.js';
import { rolesOfUser } from '../src/sales/roles.js';
import {
  businessunits,
  organization,
  provisioningState,
  systemusers,
  transactioncurrency,
} from '../src/sales/schema.js';
import { createDirectoryUser, directoryCall, systemUserOf } from './support/sales-users.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

describe('Sales user provisioning from the directory feed', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ TANDEM_LCY: 'EUR' });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('seeds the root business unit, the organisation and the base currency on first start', async () => {
    const ctx = system.running.sales.context;
    const bus = await ctx.db.select().from(businessunits);
    expect(bus).toHaveLength(1);
    expect(bus[0]).toMatchObject({ name: 'Contoso', parentbusinessunitid: null });
    const [org] = await ctx.db.select().from(organization);
    const [eur] = await ctx.db
      .select()
      .from(transactioncurrency)
      .where(eq(transactioncurrency.isocurrencycode, 'EUR'));
    expect(eur).toMatchObject({ currencysymbol: '€', exchangerate: 1, ownerid: null });
    expect(org!.basecurrencyid).toBe(eur!.transactioncurrencyid);
  });

  it('brings in the Global administrator without a licence, in Administrative mode, as System Administrator', async () => {
    const ctx = system.running.sales.context;
    await provisionNow(ctx);
    const [admin] = await ctx.db
      .select()
      .from(systemusers)
      .where(eq(systemusers.domainname, system.admin.upn));
    expect(admin).toMatchObject({ accessmode: 1, islicensed: false, isdisabled: false });
    expect((await rolesOfUser(ctx, admin!.systemuserid)).map((r) => r.name)).toEqual([
      'System Administrator',
    ]);
  });

  it('creates an enabled, licensed systemuser for a licensed user, with the directory fields', async () => {
    const id = await createDirectoryUser(system, 'lena@contoso.com', {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
      displayName: 'Lena Licensed',
    });
    const row = await systemUserOf(system, id);
    const [root] = await system.running.sales.context.db.select().from(businessunits);
    expect(row).toMatchObject({
      domainname: 'lena@contoso.com',
      internalemailaddress: 'lena@contoso.com',
      fullname: 'Lena Licensed',
      firstname: 'First',
      lastname: 'Last',
      title: 'Seller',
      accessmode: 0,
      islicensed: true,
      isdisabled: false,
      businessunitid: root!.businessunitid,
    });
    expect(row!.versionnumber).toBeGreaterThan(0);
  });

  it('ignores unlicensed users and users with only an ERP licence', async () => {
    const plain = await createDirectoryUser(system, 'nolicence@contoso.com');
    const erp = await createDirectoryUser(system, 'erponly@contoso.com', {
      licences: ['DYN365_BUSCENTRAL_ESSENTIAL'],
    });
    expect(await systemUserOf(system, plain)).toBeUndefined();
    expect(await systemUserOf(system, erp)).toBeUndefined();
  });

  it('disables (never deletes) a user whose licence is removed, and enables it again when relicensed', async () => {
    const id = await createDirectoryUser(system, 'lose@contoso.com', {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    const before = await systemUserOf(system, id);
    await directoryCall(system, 'POST', `/directory/users/${id}/assign-licences`, {
      addLicences: [],
      removeLicences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    const after = await systemUserOf(system, id);
    expect(after).toMatchObject({ systemuserid: before!.systemuserid, isdisabled: true, islicensed: false });
    expect(after!.disabledreason).toMatch(/licence was removed/);
    expect(after!.versionnumber).toBeGreaterThan(before!.versionnumber);
    await directoryCall(system, 'POST', `/directory/users/${id}/assign-licences`, {
      addLicences: ['DYN365_ENTERPRISE_PLAN1'],
      removeLicences: [],
    });
    expect(await systemUserOf(system, id)).toMatchObject({
      isdisabled: false,
      islicensed: true,
      disabledreason: null,
    });
  });

  it('disables a blocked user and a deleted user', async () => {
    const blocked = await createDirectoryUser(system, 'blocked@contoso.com', {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    await directoryCall(system, 'PATCH', `/directory/users/${blocked}`, { signInAllowed: false });
    expect(await systemUserOf(system, blocked)).toMatchObject({ isdisabled: true, islicensed: true });

    const deleted = await createDirectoryUser(system, 'deleted@contoso.com', {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    expect((await systemUserOf(system, deleted))!.isdisabled).toBe(false);
    await directoryCall(system, 'DELETE', `/directory/users/${deleted}`);
    const row = await systemUserOf(system, deleted);
    expect(row).toMatchObject({ isdisabled: true, domainname: 'deleted@contoso.com' });
    expect(row!.disabledreason).toMatch(/deleted/);
  });

  it('keeps a Non-interactive user enabled after its licence is removed', async () => {
    const ctx = system.running.sales.context;
    const id = await createDirectoryUser(system, 'sync@contoso.com', {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    const row = await systemUserOf(system, id);
    await ctx.db
      .update(systemusers)
      .set({ accessmode: 4, modifiedby: row!.systemuserid })
      .where(eq(systemusers.systemuserid, row!.systemuserid));
    await directoryCall(system, 'POST', `/directory/users/${id}/assign-licences`, {
      addLicences: [],
      removeLicences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    expect(await systemUserOf(system, id)).toMatchObject({
      accessmode: 4,
      isdisabled: false,
      islicensed: false,
    });
  });

  it('brings in a user promoted to Global administrator without a licence; Read-Write once licensed', async () => {
    const id = await createDirectoryUser(system, 'promoted@contoso.com', { role: 'global_administrator' });
    expect(await systemUserOf(system, id)).toMatchObject({
      accessmode: 1,
      isdisabled: false,
      islicensed: false,
    });
    await directoryCall(system, 'POST', `/directory/users/${id}/assign-licences`, {
      addLicences: ['DYN365_ENTERPRISE_PLAN1'],
      removeLicences: [],
    });
    expect(await systemUserOf(system, id)).toMatchObject({ accessmode: 0, islicensed: true });
  });

  it('reloads everything from scratch without rewriting unchanged users', async () => {
    const ctx = system.running.sales.context;
    await provisionNow(ctx);
    const before = await ctx.db.select().from(systemusers);
    await ctx.db.delete(provisioningState);
    await provisionNow(ctx);
    const after = await ctx.db.select().from(systemusers);
    const version = (rows: typeof before) =>
      Object.fromEntries(rows.map((r) => [r.systemuserid, `${r.versionnumber}:${r.isdisabled}`]));
    expect(version(after)).toEqual(version(before));
    const [state] = await ctx.db.select().from(provisioningState);
    expect(state!.cursor).toBe(await ctx.feed.latestCursor());
  });

  it('provisions in the background, woken by directory changes', async () => {
    const ctx = system.running.sales.context;
    const id = await createDirectoryUser(system, 'background@contoso.com', {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    await expect
      .poll(
        async () => {
          const [row] = await ctx.db
            .select({ id: systemusers.systemuserid })
            .from(systemusers)
            .where(eq(systemusers.azureactivedirectoryobjectid, id));
          return row?.id;
        },
        { timeout: 5_000 },
      )
      .toBeTruthy();
  });
});
