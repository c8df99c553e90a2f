import { getToken } from './auth.js';
import { createDirectoryUser, systemUserOf } from './sales-users.js';
import type { TestSystem } from './test-system.js';

/** Headers a Dataverse client sends (the docs' examples): OData versions and JSON. */
export const ODATA_HEADERS = {
  'OData-MaxVersion': '4.0',
  'OData-Version': '4.0',
  Accept: 'application/json',
};

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Calls the Web API at /api/data/v9.2/<path> with a bearer token; the body is JSON unless a string. */
export async function webApi<T = Record<string, unknown>>(
  system: TestSystem,
  token: string | undefined,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const url = path.startsWith('http') ? path : `${system.url}/api/data/v9.2/${path}`;
  const headers: Record<string, string> = { ...ODATA_HEADERS, ...(options.headers ?? {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export interface SalesTestUser {
  upn: string;
  systemUserId: string;
  businessUnitId: string;
  token: string;
}

/** A licensed directory user with a password, provisioned into Sales, with a token. */
export async function salesUser(system: TestSystem, upn: string): Promise<SalesTestUser> {
  const password = 'Sal3s-Passw0rd!';
  const id = await createDirectoryUser(system, upn, { licences: ['DYN365_ENTERPRISE_PLAN1'], password });
  const row = await systemUserOf(system, id);
  if (!row) throw new Error(`${upn} was not provisioned into Sales`);
  const token = await getToken(system.url, upn, password);
  return { upn, systemUserId: row.systemuserid, businessUnitId: row.businessunitid, token };
}

/** The Global administrator's token (System Administrator in Sales). */
export async function adminToken(system: TestSystem): Promise<string> {
  return getToken(system.url, system.admin.upn, system.admin.password);
}

/** Gives a user a role by name through the Web API (systemuserroles_association/$ref), as the administrator. */
export async function giveRole(
  system: TestSystem,
  admin: string,
  user: SalesTestUser,
  roleName: string,
): Promise<void> {
  const roles = await webApi<{ value: Array<{ roleid: string }> }>(
    system,
    admin,
    'GET',
    `roles?$select=name&$filter=name eq '${roleName}' and _businessunitid_value eq ${user.businessUnitId}`,
  );
  const role = roles.body.value[0];
  if (!role) throw new Error(`No role ${roleName} in the user's business unit: ${roles.text}`);
  const result = await webApi(
    system,
    admin,
    'POST',
    `systemusers(${user.systemUserId})/systemuserroles_association/$ref`,
    {
      body: { '@odata.id': `${system.url}/api/data/v9.2/roles(${role.roleid})` },
    },
  );
  if (result.status !== 204) throw new Error(`Assigning ${roleName} failed: ${result.status} ${result.text}`);
}
