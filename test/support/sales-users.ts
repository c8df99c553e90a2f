import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { provisionNow } from '../../src/sales/provisioning.js';
import { systemusers } from '../../src/sales/schema.js';
import { callerOfSystemUser, type SalesCaller } from '../../src/sales/security/caller.js';
import { adminHeaders } from './auth.js';
import type { TestSystem } from './test-system.js';

/** Calls the directory's REST API as its Global administrator, failing loudly on an error. */
export async function directoryCall<T = Record<string, unknown>>(
  system: TestSystem,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const headers = await adminHeaders(system);
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export interface DirectoryUserOptions {
  licences?: string[];
  role?: 'global_administrator' | 'user_administrator' | 'user';
  password?: string;
  displayName?: string;
}

/**
 * Creates a directory user (usage location US, so licences can be assigned), optionally licensed,
 * promoted and with a known password; returns its directory id.
 */
export async function createDirectoryUser(
  system: TestSystem,
  upn: string,
  options: DirectoryUserOptions = {},
): Promise<string> {
  const created = await directoryCall<{ id: string }>(system, 'POST', '/directory/users', {
    userPrincipalName: upn,
    displayName: options.displayName ?? upn.split('@')[0],
    firstName: 'First',
    lastName: 'Last',
    jobTitle: 'Seller',
    usageLocation: 'US',
  });
  if (options.licences?.length) {
    await directoryCall(system, 'POST', `/directory/users/${created.id}/assign-licences`, {
      addLicences: options.licences,
      removeLicences: [],
    });
  }
  if (options.role && options.role !== 'user') {
    await directoryCall(system, 'PUT', `/directory/users/${created.id}/role`, { role: options.role });
  }
  if (options.password) {
    await directoryCall(system, 'POST', `/directory/users/${created.id}/reset-password`, {
      password: options.password,
      mustChangePassword: false,
    });
  }
  return created.id;
}

/** The systemuser of a directory user, after provisioning has caught up. */
export async function systemUserOf(system: TestSystem, directoryId: string) {
  const ctx = system.running.sales.context;
  await provisionNow(ctx);
  const [row] = await ctx.db
    .select()
    .from(systemusers)
    .where(eq(systemusers.azureactivedirectoryobjectid, directoryId));
  return row;
}

/** A licensed Sales user as a caller (created in the directory, provisioned). */
export async function licensedCaller(system: TestSystem, upn: string): Promise<SalesCaller> {
  const id = await createDirectoryUser(system, upn, { licences: ['DYN365_ENTERPRISE_PLAN1'] });
  const row = await systemUserOf(system, id);
  if (!row) throw new Error(`${upn} was not provisioned`);
  return callerOfSystemUser(system.running.sales.context, row.systemuserid);
}

/** The Global administrator's Sales caller (provisioned with System Administrator). */
export async function adminCaller(system: TestSystem): Promise<SalesCaller> {
  const ctx = system.running.sales.context;
  await provisionNow(ctx);
  const [row] = await ctx.db.select().from(systemusers).where(eq(systemusers.domainname, system.admin.upn));
  if (!row) throw new Error('the Global administrator was not provisioned');
  return callerOfSystemUser(ctx, row.systemuserid);
}
