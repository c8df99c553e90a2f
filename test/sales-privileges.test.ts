import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBusinessUnit, moveUserToBusinessUnit } from '../src/sales/business-units.js';
import { associateRole, installRole, rootBusinessUnitId } from '../src/sales/roles.js';
import { account, product, roles, systemuserroles } from '../src/sales/schema.js';
import { callerOfSystemUser, type SalesCaller } from '../src/sales/security/caller.js';
import {
  privilegeName,
  RIGHTS,
  SECURED_TABLES,
  type Depth,
  type Right,
  type SecuredTable,
} from '../src/sales/security/depth.js';
import {
  accessPredicate,
  assertPrivilege,
  assertRecordAccess,
  depthFor,
  invalidateSecurityCache,
} from '../src/sales/security/privileges.js';
import { BUILT_IN_ROLES } from '../src/sales/security/role-definitions.js';
import { adminCaller, licensedCaller } from './support/sales-users.js';
import { adminToken, webApi } from './support/sales-webapi.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

/**
 * Expected depths written by hand, never computed from the product's role definitions, so a change to
 * a definition (or to how it is stored and read) fails here. Rows give the depth of each right in
 * RIGHTS order: Create, Read, Write, Delete, Append, AppendTo, Assign, Share; N None, U User,
 * B Business Unit, P Parent: Child Business Units, O Organization; '-' means "not asserted".
 */
type Row = string;
const LETTER: Record<string, Depth> = {
  N: 'None',
  U: 'User',
  B: 'BusinessUnit',
  P: 'ParentChildBusinessUnit',
  O: 'Organization',
};

/**
 * What the reference documents (shared/reference/identity-and-provisioning.md, from Microsoft's
 * power-platform/admin/database-security.md; and the source article: the setup administrator needs
 * "at least one other non-administrative role, such as Sales Manager", salespeople get Salesperson;
 * SPEC: "Only System Administrator may change roles or assign them"). Only these cells are asserted:
 * - System Administrator: "Create/Read/Write/Delete, Customizations, Security Roles. Sees all data."
 *   → C/R/W/D at Organization on every table; assigning roles too ("Security Roles").
 * - System Customizer: "Create/Read/Write/Delete on own (self) records only … Can't create or update
 *   security roles." → C/R/W/D at User on the user-owned tables; no Create or Write on roles.
 * - Basic User: "Self-level CRUD" → C/R/W/D at User on account and contact. The reference names no
 *   table; these two are the platform's own (opportunity belongs to the Sales app), so opportunity
 *   is not asserted from the reference.
 * - Sales Manager, Salesperson: the reference names them but gives no depths; as non-administrative
 *   roles they neither create, change, delete nor assign security roles. Nothing else is asserted
 *   from the reference for them (the product's documented table below covers the rest).
 */
const FROM_REFERENCE: Record<string, Partial<Record<SecuredTable, Row>>> = {
  system_administrator: {
    account: 'OOOO----',
    contact: 'OOOO----',
    opportunity: 'OOOO----',
    transactioncurrency: 'OOOO----',
    product: 'OOOO----',
    systemuser: 'OOOO----',
    role: 'OOOO--O-',
    businessunit: 'OOOO----',
  },
  system_customizer: {
    account: 'UUUU----',
    contact: 'UUUU----',
    opportunity: 'UUUU----',
    role: 'N-N-----',
  },
  basic_user: { account: 'UUUU----', contact: 'UUUU----', role: 'N-NN--N-' },
  sales_manager: { role: 'N-NN--N-' },
  salesperson: { role: 'N-NN--N-' },
};

/**
 * The product's documented table (docs/sales.md, "Built-in roles"), copied by hand: every table and
 * right of each built-in role. Where docs/sales.md says only "read" (currencies, products, users,
 * business units, roles) the depth is Organization: currencies and products are organisation-owned
 * (None or Organization only), and users, business units and roles are read across the organisation
 * as in Dataverse's Basic User.
 */
const DOCUMENTED: Record<string, Record<SecuredTable, Row>> = {
  system_administrator: {
    account: 'OOOOOOOO',
    contact: 'OOOOOOOO',
    opportunity: 'OOOOOOOO',
    transactioncurrency: 'OOOOOOOO',
    product: 'OOOOOOOO',
    systemuser: 'OOOOOOOO',
    role: 'OOOOOOOO',
    businessunit: 'OOOOOOOO',
  },
  system_customizer: {
    account: 'UUUUUUUU',
    contact: 'UUUUUUUU',
    opportunity: 'UUUUUUUU',
    transactioncurrency: 'NONNNNNN',
    product: 'NONNNNNN',
    systemuser: 'NONNNNNN',
    role: 'NONNNNNN',
    businessunit: 'NONNNNNN',
  },
  sales_manager: {
    account: 'BBBBBBBB',
    contact: 'BBBBBBBB',
    opportunity: 'BBBBBBBB',
    transactioncurrency: 'NONNNNNN',
    product: 'NONNNNNN',
    systemuser: 'NONNNNNN',
    role: 'NNNNNNNN',
    businessunit: 'NONNNNNN',
  },
  salesperson: {
    account: 'UBUUUBUU',
    contact: 'UBUUUBUU',
    opportunity: 'UUUUUUUU',
    transactioncurrency: 'NONNNNNN',
    product: 'NONNNNNN',
    systemuser: 'NONNNNNN',
    role: 'NNNNNNNN',
    businessunit: 'NONNNNNN',
  },
  basic_user: {
    account: 'UUUUUUUU',
    contact: 'UUUUUUUU',
    opportunity: 'NNNNNNNN',
    transactioncurrency: 'NONNNNNN',
    product: 'NONNNNNN',
    systemuser: 'NONNNNNN',
    role: 'NNNNNNNN',
    businessunit: 'NONNNNNN',
  },
};

const LETTER_OF = Object.fromEntries(
  Object.entries(LETTER).map(([letter, depth]) => [depth, letter]),
) as Record<Depth, string>;

/** The table's expected depth for each right ('-' left out). */
function expectedRow(row: Row): Array<[Right, Depth]> {
  expect(row).toHaveLength(RIGHTS.length);
  return RIGHTS.flatMap((right, i) => (row[i] === '-' ? [] : [[right, LETTER[row[i]!]!] as [Right, Depth]]));
}

describe('Sales privileges: depth, predicates and record checks across business units', () => {
  let system: TestSystem;
  let admin: SalesCaller;
  const ctx = () => system.running.sales.context;
  // Business units: root R → child C → grandchild G.
  let rootId: string;
  let childId: string;
  let grandchildId: string;
  // Record owners: `me` (in C, the caller), `peer` (in C), `boss` (in R), `junior` (in G).
  const owners: Record<'me' | 'peer' | 'boss' | 'junior', SalesCaller> = {} as never;
  const accountOf: Record<string, string> = {};

  async function roleIn(businessUnitId: string, key: string): Promise<string> {
    const [row] = await ctx()
      .db.select({ id: roles.roleid })
      .from(roles)
      .where(and(eq(roles.businessunitid, businessUnitId), eq(roles.roletemplatekey, key)));
    return row!.id;
  }

  /** A fresh caller in C holding exactly one role. */
  async function holderOf(key: string, upn: string): Promise<SalesCaller> {
    const user = await licensedCaller(system, upn);
    await moveUserToBusinessUnit(ctx(), admin, user.systemUserId, childId);
    await associateRole(ctx(), admin, user.systemUserId, await roleIn(childId, key));
    return callerOfSystemUser(ctx(), user.systemUserId);
  }

  beforeAll(async () => {
    system = await startTestSystem();
    admin = await adminCaller(system);
    rootId = await rootBusinessUnitId(ctx().db);
    childId = (await createBusinessUnit(ctx(), admin, { name: 'Sales West', parentbusinessunitid: rootId }))
      .businessunitid;
    grandchildId = (
      await createBusinessUnit(ctx(), admin, { name: 'Sales West Juniors', parentbusinessunitid: childId })
    ).businessunitid;
    const place = { me: childId, peer: childId, boss: rootId, junior: grandchildId } as const;
    for (const [name, bu] of Object.entries(place) as Array<[keyof typeof place, string]>) {
      const user = await licensedCaller(system, `${name}@contoso.com`);
      if (bu !== rootId) await moveUserToBusinessUnit(ctx(), admin, user.systemUserId, bu);
      owners[name] = await callerOfSystemUser(ctx(), user.systemUserId);
      const [row] = await ctx()
        .db.insert(account)
        .values({
          name: `${name}'s account`,
          ownerid: owners[name].systemUserId,
          owningbusinessunit: bu,
          createdby: owners[name].systemUserId,
          modifiedby: owners[name].systemUserId,
        })
        .returning({ id: account.accountid });
      accountOf[name] = row!.id;
    }
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('gives each built-in role the depths the reference documents for it', async () => {
    for (const [key, tables] of Object.entries(FROM_REFERENCE)) {
      const caller = await holderOf(key, `reference.${key}@contoso.com`);
      for (const [table, row] of Object.entries(tables) as Array<[SecuredTable, Row]>) {
        for (const [right, depth] of expectedRow(row)) {
          expect(await depthFor(ctx(), caller, table, right), `${key}: ${privilegeName(table, right)}`).toBe(
            depth,
          );
        }
      }
    }
  });

  it("gives each built-in role exactly docs/sales.md's depths, on every table and right", async () => {
    expect(Object.keys(DOCUMENTED).sort()).toEqual(BUILT_IN_ROLES.map((r) => r.key).sort());
    for (const [key, tables] of Object.entries(DOCUMENTED)) {
      const caller = await holderOf(key, `holder.${key}@contoso.com`);
      expect(Object.keys(tables).sort()).toEqual(Object.keys(SECURED_TABLES).sort());
      const actual: Record<string, Row> = {};
      for (const table of Object.keys(tables) as SecuredTable[]) {
        actual[table] = '';
        for (const right of RIGHTS) actual[table] += LETTER_OF[await depthFor(ctx(), caller, table, right)];
      }
      expect(actual, key).toEqual(tables);
    }
  });

  it('adds roles up: the deepest depth of any held role applies', async () => {
    const caller = await holderOf('salesperson', 'both@contoso.com');
    expect(await depthFor(ctx(), caller, 'account', 'Write')).toBe('User');
    await associateRole(ctx(), admin, caller.systemUserId, await roleIn(childId, 'sales_manager'));
    expect(await depthFor(ctx(), caller, 'account', 'Write')).toBe('BusinessUnit');
    expect(await depthFor(ctx(), caller, 'opportunity', 'Delete')).toBe('BusinessUnit');
  });

  it('selects exactly the records each depth reaches (predicate) and checks single records alike', async () => {
    const caller = owners.me;
    const expected: Record<Depth, Array<keyof typeof owners>> = {
      None: [],
      User: ['me'],
      BusinessUnit: ['me', 'peer'],
      ParentChildBusinessUnit: ['me', 'peer', 'junior'],
      Organization: ['me', 'peer', 'junior', 'boss'],
    };
    // One probe role per depth (granting only Read on accounts), held alone by the caller.
    for (const depth of Object.keys(expected) as Depth[]) {
      const probe = { ...caller };
      const roleId = await ctx().db.transaction((tx) =>
        installRole(
          tx,
          {
            key: `probe_${depth}`,
            name: `Probe ${depth}`,
            description: '',
            iscustomizable: true,
            privileges: [{ table: 'account', right: 'Read', depth }],
          },
          { solutionId: null, ismanaged: false, actorId: admin.systemUserId },
        ),
      );
      const [copy] = await ctx()
        .db.select({ id: roles.roleid })
        .from(roles)
        .where(and(eq(roles.businessunitid, childId), eq(roles.parentrootroleid, roleId)));
      // Only this probe role: take away the others first.
      await ctx().db.delete(systemuserroles).where(eq(systemuserroles.systemuserid, caller.systemUserId));
      invalidateSecurityCache(ctx());
      await associateRole(ctx(), admin, caller.systemUserId, copy!.id);

      expect(await depthFor(ctx(), probe, 'account', 'Read')).toBe(depth);
      const predicate = await accessPredicate(ctx(), probe, 'account', 'Read', {
        owner: account.ownerid,
        owningBusinessUnit: account.owningbusinessunit,
      });
      const visible = await ctx()
        .db.select({ id: account.accountid })
        .from(account)
        .where(and(predicate, inArray(account.accountid, Object.values(accountOf))));
      const names = (Object.keys(accountOf) as Array<keyof typeof owners>).filter((n) =>
        visible.some((v) => v.id === accountOf[n]),
      );
      expect(names.sort(), `${depth} predicate`).toEqual([...expected[depth]].sort());

      for (const name of Object.keys(owners) as Array<keyof typeof owners>) {
        const record = {
          ownerid: owners[name].systemUserId,
          owningbusinessunit: owners[name].businessUnitId,
        };
        const check = assertRecordAccess(ctx(), probe, 'account', 'Read', record);
        if (expected[depth].includes(name))
          await expect(check, `${depth} → ${name}`).resolves.toBeUndefined();
        else await expect(check, `${depth} → ${name}`).rejects.toMatchObject({ code: 'Forbidden' });
      }
    }
  });

  it('explains a refusal: the user, the privilege, the depth held and needed, and the fix', async () => {
    const seller = await holderOf('salesperson', 'seller@contoso.com');
    const peerRecord = { ownerid: owners.peer.systemUserId, owningbusinessunit: childId };
    const error = await assertRecordAccess(ctx(), seller, 'account', 'Write', peerRecord).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'Forbidden', status: 403 });
    const message = (error as Error).message;
    expect(message).toContain('seller@contoso.com');
    expect(message).toContain('prvWriteAccount');
    expect(message).toContain('Business Unit depth');
    expect(message).toContain('Salesperson');
    expect(message).toMatch(/System Administrator/);
    // Salespeople read colleagues' accounts in their business unit, but not other units'.
    await expect(assertRecordAccess(ctx(), seller, 'account', 'Read', peerRecord)).resolves.toBeUndefined();
    await expect(
      assertRecordAccess(ctx(), seller, 'account', 'Read', {
        ownerid: owners.boss.systemUserId,
        owningbusinessunit: rootId,
      }),
    ).rejects.toMatchObject({ code: 'Forbidden' });
  });

  it('lets organisation-owned tables be read by everyone with a role, and written only at Organization depth', async () => {
    const seller = await holderOf('salesperson', 'seller2@contoso.com');
    const org = { ownerid: null, owningbusinessunit: null };
    await expect(assertRecordAccess(ctx(), seller, 'product', 'Read', org)).resolves.toBeUndefined();
    await expect(assertRecordAccess(ctx(), seller, 'product', 'Write', org)).rejects.toMatchObject({
      code: 'Forbidden',
    });
    const predicate = await accessPredicate(ctx(), seller, 'product', 'Read', {
      owner: product.ownerid,
      owningBusinessUnit: product.owningbusinessunit,
    });
    // Organisation-owned: the read predicate lets the salesperson see every product there is.
    const created = await webApi(system, await adminToken(system), 'POST', 'products', {
      body: { name: 'Everyone sees me', productnumber: 'ORG-1' },
    });
    expect(created.status, created.text).toBe(204);
    const visible = await ctx().db.select({ id: product.productid }).from(product).where(predicate);
    const all = await ctx().db.select({ id: product.productid }).from(product);
    expect(all.length).toBeGreaterThan(0);
    expect(visible.map((p) => p.id).sort()).toEqual(all.map((p) => p.id).sort());
    await expect(assertRecordAccess(ctx(), admin, 'product', 'Write', org)).resolves.toBeUndefined();
  });

  it('gives nothing to users without roles, disabled users, and only Read in Read access mode', async () => {
    const bare = await licensedCaller(system, 'bare@contoso.com');
    expect(await depthFor(ctx(), bare, 'account', 'Read')).toBe('None');
    await expect(assertPrivilege(ctx(), bare, 'prvImportCustomization')).rejects.toThrow(
      /holds no security role/,
    );
    const manager = await holderOf('sales_manager', 'reader@contoso.com');
    expect(await depthFor(ctx(), { ...manager, accessMode: 2 }, 'account', 'Read')).toBe('BusinessUnit');
    expect(await depthFor(ctx(), { ...manager, accessMode: 2 }, 'account', 'Write')).toBe('None');
    expect(await depthFor(ctx(), { ...manager, isDisabled: true }, 'account', 'Read')).toBe('None');
  });

  it('knows the special privileges: only System Administrator may assign or edit roles', async () => {
    const customizer = await holderOf('system_customizer', 'customizer@contoso.com');
    await expect(assertPrivilege(ctx(), customizer, 'prvImportCustomization')).resolves.toBeUndefined();
    for (const privilege of ['prvAssignRole', 'prvCreateRole', 'prvWriteRole']) {
      await expect(assertPrivilege(ctx(), customizer, privilege)).rejects.toThrow(
        /Only a System Administrator may create, change or assign security roles/,
      );
      await expect(assertPrivilege(ctx(), admin, privilege)).resolves.toBeUndefined();
    }
  });
});
