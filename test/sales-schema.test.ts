import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Queryable } from '../src/platform/db/database.js';
import { bootstrapSales } from '../src/sales/first-start.js';
import {
  account,
  businessunits,
  deletedRecords,
  organization,
  roleprivileges,
  roles,
} from '../src/sales/schema.js';
import { SYSTEM_USER_ID } from '../src/sales/schema.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

describe('Sales storage: versions, deletions, write lock and first start', () => {
  let system: TestSystem;
  const ctx = () => system.running.sales.context;
  const actor = { createdby: SYSTEM_USER_ID, modifiedby: SYSTEM_USER_ID };

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('gives every insert and update a new versionnumber and modifiedon, keeping createdon and createdby', async () => {
    const [created] = await ctx()
      .db.insert(account)
      .values({ name: 'Fabrikam', ...actor })
      .returning();
    expect(created!.versionnumber).toBeGreaterThan(0);
    const otherUser = '11111111-1111-4111-8111-111111111111';
    const [updated] = await ctx()
      .db.update(account)
      .set({
        name: 'Fabrikam Ltd',
        modifiedby: otherUser,
        createdby: otherUser,
        createdon: new Date('2000-01-01T00:00:00Z'),
        versionnumber: 1,
      })
      .where(eq(account.accountid, created!.accountid))
      .returning();
    expect(updated!.versionnumber).toBeGreaterThan(created!.versionnumber);
    expect(updated!.modifiedon.getTime()).toBeGreaterThanOrEqual(created!.modifiedon.getTime());
    expect(updated!.createdon.toISOString()).toBe(created!.createdon.toISOString());
    expect(updated!.createdby).toBe(SYSTEM_USER_ID);
    expect(updated!.modifiedby).toBe(otherUser);
  });

  it('records deletions with a version after every earlier change', async () => {
    const [row] = await ctx()
      .db.insert(account)
      .values({ name: 'Doomed', ...actor })
      .returning();
    await ctx().db.delete(account).where(eq(account.accountid, row!.accountid));
    const [deleted] = await ctx()
      .db.select()
      .from(deletedRecords)
      .where(
        and(eq(deletedRecords.entitylogicalname, 'account'), eq(deletedRecords.objectid, row!.accountid)),
      );
    expect(deleted!.versionnumber).toBeGreaterThan(row!.versionnumber);
  });

  it('takes the Sales write lock at the first write and holds it in the transaction', async () => {
    // Counted for this transaction's own backend: background provisioning may hold it elsewhere.
    const heldHere = async (tx: Queryable) =>
      (
        await queryRows<{ n: number }>(
          tx,
          sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = 7246020 and granted and pid = pg_backend_pid()`,
        )
      )[0]!.n;
    await ctx().db.transaction(async (tx) => {
      expect(await heldHere(tx)).toBe(0);
      await tx.insert(account).values({ name: 'Locked', ...actor });
      expect(await heldHere(tx)).toBe(1);
      await tx.select().from(account).limit(1);
      expect(await heldHere(tx)).toBe(1);
    });
  });

  // PGlite has one connection, so two transactions cannot overlap there; PostgreSQL shows the ordering.
  it.runIf(Boolean(process.env.TANDEM_TEST_DATABASE_URL))(
    'makes a second writer wait until the first commits, so versions commit in order',
    async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let firstVersion = 0;
      let inserted!: () => void;
      const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
      const first = ctx().db.transaction(async (tx) => {
        const [row] = await tx
          .insert(account)
          .values({ name: 'First', ...actor })
          .returning();
        firstVersion = row!.versionnumber;
        inserted();
        await held;
      });
      await firstInserted;
      let secondDone = false;
      const second = ctx()
        .db.insert(account)
        .values({ name: 'Second', ...actor })
        .returning()
        .then(([row]) => {
          secondDone = true;
          return row!;
        });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(secondDone).toBe(false);
      release();
      await first;
      const row = await second;
      expect(row.versionnumber).toBeGreaterThan(firstVersion);
    },
  );

  it('runs first start again without duplicating anything; restores System Administrator, keeps customised roles', async () => {
    const count = async () => ({
      bus: (await ctx().db.select().from(businessunits)).length,
      orgs: (await ctx().db.select().from(organization)).length,
      roles: (await ctx().db.select().from(roles)).length,
    });
    const before = await count();
    const byKey = async (key: string) =>
      (await ctx().db.select().from(roles).where(eq(roles.roletemplatekey, key)))[0]!.roleid;
    const sysAdmin = await byKey('system_administrator');
    const seller = await byKey('salesperson');
    await ctx()
      .db.delete(roleprivileges)
      .where(and(eq(roleprivileges.roleid, sysAdmin), eq(roleprivileges.privilegename, 'prvAssignRole')));
    await ctx()
      .db.delete(roleprivileges)
      .where(and(eq(roleprivileges.roleid, seller), eq(roleprivileges.privilegename, 'prvDeleteAccount')));

    await bootstrapSales(ctx());
    expect(await count()).toEqual(before);
    const names = async (roleId: string) =>
      (await ctx().db.select().from(roleprivileges).where(eq(roleprivileges.roleid, roleId))).map(
        (p) => p.privilegename,
      );
    expect(await names(sysAdmin)).toContain('prvAssignRole');
    expect(await names(seller)).not.toContain('prvDeleteAccount');
  });
});
