import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATION_SOLUTION } from '../src/bridge/setup/integration-solution.js';
import { createBusinessUnit, moveUserToBusinessUnit } from '../src/sales/business-units.js';
import { associateRole, disassociateRole, rolesOfUser, rootBusinessUnitId } from '../src/sales/roles.js';
import { roleprivileges, roles, systemusers } from '../src/sales/schema.js';
import { callerOfSystemUser, type SalesCaller } from '../src/sales/security/caller.js';
import { depthFor } from '../src/sales/security/privileges.js';
import { importSolution, listSolutions } from '../src/sales/solutions.js';
import { setAccessMode } from '../src/sales/users.js';
import { adminCaller, createDirectoryUser, licensedCaller, systemUserOf } from './support/sales-users.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

describe('Sales role assignment, solutions and console sign-in', () => {
  let system: TestSystem;
  let admin: SalesCaller;
  let rootId: string;
  const ctx = () => system.running.sales.context;

  async function role(key: string, businessUnitId = rootId): Promise<string> {
    const [row] = await ctx()
      .db.select({ id: roles.roleid })
      .from(roles)
      .where(and(eq(roles.roletemplatekey, key), eq(roles.businessunitid, businessUnitId)));
    if (!row) throw new Error(`no role ${key}`);
    return row.id;
  }

  async function withRole(upn: string, key: string): Promise<SalesCaller> {
    const user = await licensedCaller(system, upn);
    await associateRole(ctx(), admin, user.systemUserId, await role(key));
    return user;
  }

  beforeAll(async () => {
    system = await startTestSystem();
    admin = await adminCaller(system);
    rootId = await rootBusinessUnitId(ctx().db);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('lets a System Administrator assign and remove roles, idempotently', async () => {
    const user = await licensedCaller(system, 'assign.me@contoso.com');
    await associateRole(ctx(), admin, user.systemUserId, await role('salesperson'));
    await associateRole(ctx(), admin, user.systemUserId, await role('salesperson'));
    expect((await rolesOfUser(ctx(), user.systemUserId)).map((r) => r.name)).toEqual(['Salesperson']);
    expect(await depthFor(ctx(), user, 'opportunity', 'Create')).toBe('User');
    await disassociateRole(ctx(), admin, user.systemUserId, await role('salesperson'));
    await disassociateRole(ctx(), admin, user.systemUserId, await role('salesperson'));
    expect(await rolesOfUser(ctx(), user.systemUserId)).toEqual([]);
    expect(await depthFor(ctx(), user, 'opportunity', 'Create')).toBe('None');
  });

  it('refuses role assignment by a Salesperson and by a System Customizer, naming the privilege', async () => {
    const seller = await withRole('seller@contoso.com', 'salesperson');
    const customizer = await withRole('customizer@contoso.com', 'system_customizer');
    const target = await licensedCaller(system, 'target@contoso.com');
    for (const caller of [seller, customizer]) {
      const error = await associateRole(
        ctx(),
        caller,
        target.systemUserId,
        await role('sales_manager'),
      ).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'Forbidden', status: 403 });
      expect((error as Error).message).toContain('prvAssignRole');
      expect((error as Error).message).toContain(caller.domainName);
      await expect(
        disassociateRole(ctx(), caller, target.systemUserId, await role('sales_manager')),
      ).rejects.toMatchObject({
        code: 'Forbidden',
      });
    }
    expect(await rolesOfUser(ctx(), target.systemUserId)).toEqual([]);
  });

  it('gives no roles to disabled users, nor roles of another business unit', async () => {
    const id = await createDirectoryUser(system, 'blocked.role@contoso.com', {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    const row = await systemUserOf(system, id);
    await ctx()
      .db.update(systemusers)
      .set({ isdisabled: true, modifiedby: admin.systemUserId })
      .where(eq(systemusers.systemuserid, row!.systemuserid));
    await expect(associateRole(ctx(), admin, row!.systemuserid, await role('salesperson'))).rejects.toThrow(
      /disabled in Sales, and roles can only be given to enabled users/,
    );

    const east = await createBusinessUnit(ctx(), admin, { name: 'East', parentbusinessunitid: rootId });
    const mover = await licensedCaller(system, 'mover@contoso.com');
    await moveUserToBusinessUnit(ctx(), admin, mover.systemUserId, east.businessunitid);
    const error = await associateRole(ctx(), admin, mover.systemUserId, await role('salesperson')).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/belongs to another business unit than mover@contoso.com/);
    expect((error as Error).message).toContain(await role('salesperson', east.businessunitid));
    await associateRole(ctx(), admin, mover.systemUserId, await role('salesperson', east.businessunitid));
    expect((await rolesOfUser(ctx(), mover.systemUserId)).map((r) => r.name)).toEqual(['Salesperson']);
  });

  it('lets a System Customizer import a solution (roles included) but not assign its roles', async () => {
    const customizer = await withRole('deployer@contoso.com', 'system_customizer');
    const result = await importSolution(ctx(), customizer, INTEGRATION_SOLUTION);
    expect(result).toMatchObject({ status: 'installed', version: '1.0.0.0', previousVersion: null });
    expect(result.roles.map((r) => r.name)).toEqual(['Integration Administrator', 'Integration User']);
    const integrationUser = await licensedCaller(system, 'integration@contoso.com');
    await expect(
      associateRole(ctx(), customizer, integrationUser.systemUserId, await role('integration_user')),
    ).rejects.toMatchObject({ code: 'Forbidden' });
    await associateRole(ctx(), admin, integrationUser.systemUserId, await role('integration_user'));
    expect(await depthFor(ctx(), integrationUser, 'account', 'Write')).toBe('Organization');
    expect(await depthFor(ctx(), integrationUser, 'systemuser', 'Read')).toBe('Organization');
    expect(await depthFor(ctx(), integrationUser, 'systemuser', 'Write')).toBe('None');
    expect(await depthFor(ctx(), integrationUser, 'role', 'Assign')).toBe('None');
    // Child business units get the solution's roles too.
    const [westRole] = await ctx()
      .db.select()
      .from(roles)
      .where(
        and(
          eq(roles.roletemplatekey, 'integration_user'),
          eq(roles.parentrootroleid, await role('integration_user')),
        ),
      );
    expect(westRole).toBeDefined();
  });

  it('refuses solution import to a Salesperson', async () => {
    const seller = await withRole('seller.import@contoso.com', 'salesperson');
    await expect(
      importSolution(ctx(), seller, { ...INTEGRATION_SOLUTION, version: '9.0.0.0' }),
    ).rejects.toThrow(/prvImportCustomization.*System Customizer or System Administrator/);
  });

  it('imports idempotently and by version: same is a no-op, newer upgrades, older is refused', async () => {
    const again = await importSolution(ctx(), admin, INTEGRATION_SOLUTION);
    expect(again.status).toBe('unchanged');
    const before = await ctx()
      .db.select()
      .from(roleprivileges)
      .where(eq(roleprivileges.roleid, await role('integration_user')));

    const newer = {
      ...INTEGRATION_SOLUTION,
      version: '1.1.0.0',
      roles: [
        {
          key: 'integration_user',
          name: 'Integration User',
          privileges: [
            { table: 'account', right: 'Read', depth: 'Organization' },
            { table: 'systemuser', right: 'Read', depth: 'Organization' },
          ],
        },
      ],
    };
    const upgraded = await importSolution(ctx(), admin, newer);
    expect(upgraded).toMatchObject({ status: 'upgraded', previousVersion: '1.0.0.0', version: '1.1.0.0' });
    const after = await ctx()
      .db.select()
      .from(roleprivileges)
      .where(eq(roleprivileges.roleid, await role('integration_user')));
    expect(after.map((p) => p.privilegename).sort()).toEqual(['prvReadAccount', 'prvReadUser']);
    expect(before.length).toBeGreaterThan(after.length);
    // The role the new version no longer has is gone.
    await expect(role('integration_administrator')).rejects.toThrow(/no role/);

    await expect(importSolution(ctx(), admin, INTEGRATION_SOLUTION)).rejects.toThrow(
      /TandemIntegration version 1\.0\.0\.0 is older than the installed version 1\.1\.0\.0/,
    );
    const [installed] = (await listSolutions(ctx())).filter((s) => s.uniquename === 'TandemIntegration');
    expect(installed!.version).toBe('1.1.0.0');
  });

  it('reports every problem of an invalid manifest and refuses a role name taken by another role', async () => {
    const error = await importSolution(ctx(), admin, {
      uniquename: '9bad',
      friendlyname: '',
      version: 'one',
      roles: [{ name: 'X', privileges: [{ table: 'invoice', right: 'Read', depth: 'Organization' }] }],
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ValidationFailed' });
    const fields = ((error as { problems: Array<{ field: string }> }).problems ?? []).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['uniquename', 'friendlyname', 'version']));

    await expect(
      importSolution(ctx(), admin, {
        uniquename: 'Clash',
        friendlyname: 'Clash',
        version: '1.0',
        roles: [{ name: 'Salesperson', privileges: [] }],
      }),
    ).rejects.toThrow(/A security role named "Salesperson" already exists/);
    expect((await listSolutions(ctx())).map((s) => s.uniquename)).not.toContain('Clash');
  });

  it('refuses console sign-in to a Non-interactive user (rule A4) but still issues it tokens', async () => {
    const password = 'Str0ng-Passw0rd!x';
    const id = await createDirectoryUser(system, 'robot@contoso.com', {
      licences: ['DYN365_ENTERPRISE_PLAN1'],
      password,
    });
    const row = await systemUserOf(system, id);
    const signIn = () =>
      fetch(`${system.url}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userName: 'robot@contoso.com', password }),
      });
    expect((await signIn()).status).toBeLessThan(300);

    await setAccessMode(ctx(), admin, row!.systemuserid, 4);
    const refused = await signIn();
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { detail: string };
    expect(body.detail).toMatch(/robot@contoso.com is a non-interactive user in Sales/);
    expect(body.detail).toMatch(/API tokens/);

    const token = await fetch(`${system.url}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'robot@contoso.com', password }),
    });
    expect(token.status).toBe(200);
    expect((await callerOfSystemUser(ctx(), row!.systemuserid)).accessMode).toBe(4);
  });
});
