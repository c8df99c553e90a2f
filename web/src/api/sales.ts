import { apiJson, query, relativeLink } from './http';

/** Sales: the admin API (/sales/admin) and the Dataverse Web API; both take a bearer token. */

export const ACCESS_MODES: { value: number; label: string; description: string }[] = [
  { value: 0, label: 'Read-Write', description: 'A person who works in Sales.' },
  { value: 1, label: 'Administrative', description: 'Configures Sales; needs no Sales licence.' },
  { value: 2, label: 'Read', description: 'Reads records only.' },
  {
    value: 4,
    label: 'Non-interactive',
    description: 'API only (integration): cannot sign in to the console.',
  },
];

export function accessModeLabel(mode: number): string {
  return ACCESS_MODES.find((m) => m.value === mode)?.label ?? `Mode ${mode}`;
}

export interface SalesUser {
  systemuserid: string;
  domainname: string;
  fullname: string | null;
  title: string | null;
  accessmode: number;
  isdisabled: boolean;
  disabledreason: string | null;
  islicensed: boolean;
  isintegrationuser: boolean;
  applicationid: string | null;
  /** The directory user this Sales user is provisioned from (null for an application user). */
  azureactivedirectoryobjectid?: string | null;
  businessunitid?: string;
  roles: { roleid: string; name: string }[];
}

export interface SalesUserPage {
  value: SalesUser[];
  /** How many users match the filters, on every page. */
  count?: number;
  nextLink?: string;
}

export function getSalesUser(systemUserId: string): Promise<SalesUser> {
  return apiJson(`/sales/admin/users/${encodeURIComponent(systemUserId)}`, { credentials: 'token' });
}

/** The Sales user provisioned from a directory user, found by user name; null when there is none. */
export async function findSalesUser(userName: string): Promise<SalesUser | null> {
  const page = await listSalesUsers({ search: userName, top: 10 });
  return page.value.find((u) => u.domainname.toLowerCase() === userName.toLowerCase()) ?? null;
}

/** A business unit's name, through the Dataverse Web API. */
export async function getBusinessUnitName(businessUnitId: string): Promise<string> {
  const unit = await apiJson<{ name: string }>(
    `/api/data/v9.2/businessunits(${encodeURIComponent(businessUnitId)})?$select=name`,
    { credentials: 'token' },
  );
  return unit.name;
}

export function listSalesUsers(
  filters: { search?: string; isdisabled?: boolean; top: number },
  nextLink?: string,
): Promise<SalesUserPage> {
  if (nextLink) return apiJson(relativeLink(nextLink), { credentials: 'token' });
  return apiJson(
    `/sales/admin/users${query({ top: filters.top, search: filters.search?.trim(), isdisabled: filters.isdisabled })}`,
    { credentials: 'token' },
  );
}

export function setAccessMode(systemUserId: string, accessmode: number): Promise<SalesUser> {
  return apiJson(`/sales/admin/users/${systemUserId}`, {
    method: 'PATCH',
    json: { accessmode },
    credentials: 'token',
  });
}

export function changeRoles(systemUserIds: string[], roleIds: string[], action: 'assign' | 'remove') {
  return apiJson<{ changed: number; unchanged: number }>('/sales/admin/users/roles', {
    method: 'POST',
    json: { systemUserIds, roleIds, action },
    credentials: 'token',
  });
}

export type Depth = 'None' | 'User' | 'BusinessUnit' | 'ParentChildBusinessUnit' | 'Organization';

export interface SecurityRole {
  roleid: string;
  name: string;
  businessunitid: string;
  roletemplatekey: string | null;
  solutionid: string | null;
  iscustomizable: boolean;
  ismanaged: boolean;
  /** table → right → depth */
  privileges: Record<string, Record<string, Depth>>;
  specialPrivileges: Record<string, Depth>;
}

export async function listRoles(): Promise<SecurityRole[]> {
  return (await apiJson<{ value: SecurityRole[] }>('/sales/admin/roles', { credentials: 'token' })).value;
}

// ---- Records through the Dataverse Web API ----

export interface DataversePage<T> {
  value: T[];
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
}

/** Formatted values (lookup names, option labels) come as annotations, as in Dataverse. */
export const FORMATTED = '@OData.Community.Display.V1.FormattedValue';

export function listRecords<T>(
  entitySet: string,
  options: { select: string[]; orderBy: string; filter?: string; pageSize: number },
  nextLink?: string,
): Promise<DataversePage<T>> {
  const headers = {
    prefer: `odata.maxpagesize=${options.pageSize}, odata.include-annotations="OData.Community.Display.V1.FormattedValue"`,
  };
  if (nextLink) return apiJson(relativeLink(nextLink), { credentials: 'token', headers });
  const params = new URLSearchParams({
    $select: options.select.join(','),
    $orderby: options.orderBy,
    $count: 'true',
  });
  if (options.filter) params.set('$filter', options.filter);
  return apiJson(`/api/data/v9.2/${entitySet}?${params.toString()}`, { credentials: 'token', headers });
}

/** An OData string literal: quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The signed-in person as Sales sees them: their own user, roles and privileges, or why they are not a Sales user. */
export interface SalesMe {
  user: SalesUser | null;
  privileges: string[];
  reason?: string;
}

export function getSalesMe(): Promise<SalesMe> {
  return apiJson('/sales/admin/me', { credentials: 'token' });
}
