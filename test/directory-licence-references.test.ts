import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/platform/db/database.js';
import { SYSTEM_ACTOR } from '../src/directory/schema.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * user_licences references users and skus through statement-level triggers (migration 0004), not
 * foreign keys: these are the foreign keys' behaviours, checked on the database directly so that no
 * application code path can hide a gap.
 */
describe('licence assignments keep their references without foreign keys', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  const db = () => system.running.database.db;
  const sqlState = async (run: () => Promise<unknown>): Promise<string | undefined> => {
    try {
      await run();
      return undefined;
    } catch (error) {
      for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; i++) {
        if (typeof e.code === 'string') return e.code;
        e = e.cause as typeof e;
      }
      throw error;
    }
  };
  const newUser = async (name: string): Promise<string> => {
    const [row] = await queryRows<{ id: string }>(
      db(),
      sql`insert into directory.users (user_principal_name, display_name, modified_by)
          values (${`${name}@contoso.com`}, ${name}, ${SYSTEM_ACTOR}::uuid) returning id`,
    );
    return row!.id;
  };
  const newSku = async (partNumber: string): Promise<string> => {
    const [row] = await queryRows<{ id: string }>(
      db(),
      sql`insert into directory.skus (part_number, name, seats, modified_by)
          values (${partNumber}, ${partNumber}, 10, ${SYSTEM_ACTOR}::uuid) returning id`,
    );
    return row!.id;
  };
  const assign = (userId: string, skuId: string) =>
    db().execute(sql`insert into directory.user_licences (user_id, sku_id, assigned_by)
                     values (${userId}::uuid, ${skuId}::uuid, ${SYSTEM_ACTOR}::uuid)`);
  const assignments = async (where: ReturnType<typeof sql>) =>
    (
      await queryRows<{ n: number }>(
        db(),
        sql`select count(*)::int as n from directory.user_licences where ${where}`,
      )
    )[0]!.n;

  it('refuses an assignment of a user or SKU that does not exist, and nothing of the statement stays', async () => {
    const user = await newUser('ref.one');
    const sku = await newSku('REF_SKU_ONE');
    const missing = '00000000-0000-4000-8000-000000000001';
    expect(await sqlState(() => assign(missing, sku))).toBe('23503');
    expect(await sqlState(() => assign(user, missing))).toBe('23503');
    // One bad row in a multi-row statement refuses the whole statement.
    expect(
      await sqlState(() =>
        db().execute(sql`insert into directory.user_licences (user_id, sku_id, assigned_by)
                         values (${user}::uuid, ${sku}::uuid, ${SYSTEM_ACTOR}::uuid),
                                (${missing}::uuid, ${sku}::uuid, ${SYSTEM_ACTOR}::uuid)`),
      ),
    ).toBe('23503');
    expect(await assignments(sql`user_id = ${user}::uuid`)).toBe(0);
    // Moving an assignment onto a missing user is refused as well.
    await assign(user, sku);
    expect(
      await sqlState(() =>
        db().execute(
          sql`update directory.user_licences set user_id = ${missing}::uuid where user_id = ${user}::uuid`,
        ),
      ),
    ).toBe('23503');
    expect(await assignments(sql`user_id = ${user}::uuid`)).toBe(1);
  });

  it('deleting users deletes their assignments (the cascade)', async () => {
    const a = await newUser('ref.two');
    const b = await newUser('ref.three');
    const sku = await newSku('REF_SKU_TWO');
    await assign(a, sku);
    await assign(b, sku);
    await db().execute(sql`delete from directory.users where id in (${a}::uuid, ${b}::uuid)`);
    expect(await assignments(sql`sku_id = ${sku}::uuid`)).toBe(0);
  });

  it('refuses deleting a SKU, or changing a user or SKU id, that assignments still name', async () => {
    const user = await newUser('ref.four');
    const sku = await newSku('REF_SKU_THREE');
    const unused = await newSku('REF_SKU_UNUSED');
    await assign(user, sku);
    expect(await sqlState(() => db().execute(sql`delete from directory.skus where id = ${sku}::uuid`))).toBe(
      '23503',
    );
    expect(
      await sqlState(() =>
        db().execute(sql`update directory.skus set id = gen_random_uuid() where id = ${sku}::uuid`),
      ),
    ).toBe('23503');
    expect(
      await sqlState(() =>
        db().execute(sql`update directory.users set id = gen_random_uuid() where id = ${user}::uuid`),
      ),
    ).toBe('23503');
    expect(await assignments(sql`user_id = ${user}::uuid and sku_id = ${sku}::uuid`)).toBe(1);
    // Unassigned ones change freely, as with the foreign keys; other updates are not affected.
    await db().execute(sql`delete from directory.skus where id = ${unused}::uuid`);
    await db().execute(sql`update directory.users set display_name = 'Ref Four' where id = ${user}::uuid`);
    const other = await newUser('ref.five');
    await db().execute(sql`update directory.users set id = gen_random_uuid() where id = ${other}::uuid`);
  });
});
