import { ApiError, errorFromResponse, unreachable } from './api-error';
import { CONSOLE_HEADER } from './access-tokens';
import { apiJson, apiRequest, query, relativeLink } from './http';

/** The directory's API takes the console's session cookie (docs/api/directory-users.md). */

export interface Licence {
  skuId: string;
  partNumber: string;
  name: string;
}

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  department: string | null;
  officeNumber: string | null;
  officePhone: string | null;
  mobilePhone: string | null;
  fax: string | null;
  alternateEmail: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  usageLocation: string | null;
  signInAllowed: boolean;
  directoryRole: 'global_administrator' | 'user_administrator' | 'user';
  mustChangePassword: boolean;
  licences: Licence[];
  createdAt: string;
  modifiedAt: string;
  rowVersion: number;
}

export type UserSortKey = 'displayName' | 'userPrincipalName' | 'createdAt';

export interface UserListQuery {
  search?: string;
  licence?: string;
  signInAllowed?: boolean;
  orderBy: UserSortKey;
  descending: boolean;
  top: number;
}

export interface UserPage {
  value: DirectoryUser[];
  count?: number;
  nextLink?: string;
}

/** One page of users: the first from the filters, the others from the previous page's nextLink. */
export function listUsers(filters: UserListQuery, nextLink?: string): Promise<UserPage> {
  if (nextLink) return apiJson<UserPage>(relativeLink(nextLink));
  return apiJson<UserPage>(
    `/directory/users${query({
      top: filters.top,
      search: filters.search?.trim(),
      licence: filters.licence,
      signInAllowed: filters.signInAllowed,
      orderBy: `${filters.orderBy}${filters.descending ? ' desc' : ''}`,
      count: true,
    })}`,
  );
}

/** The signed-in person's own directory user (any signed-in user may read it). */
export function getMe(): Promise<DirectoryUser> {
  return apiJson<DirectoryUser>('/directory/me');
}

export function getUser(id: string): Promise<DirectoryUser> {
  return apiJson<DirectoryUser>(`/directory/users/${encodeURIComponent(id)}`);
}

export type ProfileChanges = Partial<
  Omit<
    DirectoryUser,
    'id' | 'licences' | 'createdAt' | 'modifiedAt' | 'rowVersion' | 'directoryRole' | 'mustChangePassword'
  >
>;

export interface NewUser extends ProfileChanges {
  userPrincipalName: string;
  displayName: string;
  licences?: string[];
}

export function createUser(user: NewUser): Promise<DirectoryUser & { temporaryPassword?: string }> {
  return apiJson('/directory/users', { method: 'POST', json: user });
}

/** Only the given fields change; a stale rowVersion is refused (412) rather than overwriting. */
export function updateUser(id: string, changes: ProfileChanges, rowVersion: number): Promise<DirectoryUser> {
  return apiJson(`/directory/users/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    json: changes,
    headers: { 'if-match': `"${rowVersion}"` },
  });
}

export function resetPassword(id: string): Promise<DirectoryUser & { temporaryPassword: string }> {
  return apiJson(`/directory/users/${encodeURIComponent(id)}/reset-password`, { method: 'POST' });
}

export function setSignInAllowed(userIds: string[], signInAllowed: boolean) {
  return apiJson<{ changed: number }>('/directory/users/block', {
    method: 'POST',
    json: { userIds, signInAllowed },
  });
}

export function deleteUser(id: string) {
  return apiRequest(`/directory/users/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export interface LicenceSeats extends Licence {
  seats: number;
  consumed: number;
  available: number;
}

export async function listLicences(): Promise<LicenceSeats[]> {
  return (await apiJson<{ value: LicenceSeats[] }>('/directory/licences')).value;
}

export function changeUserLicences(id: string, addLicences: string[], removeLicences: string[]) {
  return apiJson<DirectoryUser>(`/directory/users/${encodeURIComponent(id)}/assign-licences`, {
    method: 'POST',
    json: { addLicences, removeLicences },
  });
}

export function assignLicence(partNumber: string, userIds: string[]) {
  return apiJson<{ assigned: string[]; unchanged: string[] }>(
    `/directory/licences/${encodeURIComponent(partNumber)}/assign`,
    { method: 'POST', json: { userIds } },
  );
}

export function removeLicence(partNumber: string, userIds: string[]) {
  return apiJson<{ removed: string[]; unchanged: string[] }>(
    `/directory/licences/${encodeURIComponent(partNumber)}/remove`,
    { method: 'POST', json: { userIds } },
  );
}

export async function listDomains(): Promise<{ name: string; isDefault: boolean }[]> {
  return (await apiJson<{ value: { name: string; isDefault: boolean }[] }>('/directory/domains')).value;
}

// ---- Import multiple users (docs/api/directory-import.md) ----

export interface ImportProblem {
  row: number;
  column: string;
  value: string | null;
  message: string;
}

export interface ImportSummary {
  id: string;
  state: string;
  format: 'm365' | 'm365-2020' | 'm365-translated' | 'm365-2020-translated' | 'entra';
  /** Which template the file was read as, in plain words. */
  template: string;
  fileName?: string | null;
  rowCount: number;
  validRowCount: number;
  problemCount: number;
  problems: ImportProblem[];
  willCreate: number;
  willUpdate: number;
}

export interface ImportOptions {
  signInAllowed: boolean;
  licence?: string;
  usageLocation?: string;
  skipInvalidRows: boolean;
}

export interface ImportResult {
  id: string;
  created: number;
  updated: number;
  failed: number;
  licensed: number;
  licence: string | null;
  resultsUrl: string;
}

export const templateUrl = (sample: boolean) =>
  `/directory/imports/template.csv${sample ? '?sample=true' : ''}`;
export const problemLogUrl = (id: string) => `/directory/imports/${encodeURIComponent(id)}/problems.csv`;

/**
 * Fetches the one-time results file whole, so the console knows whether it arrived: the server keeps
 * it until one download is sent whole (a broken one may be started again for 15 minutes). A transfer
 * cut part-way is an error with status 0 the page offers to retry.
 */
export async function fetchImportResults(resultsUrl: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(relativeLink(resultsUrl), {
      credentials: 'same-origin',
      headers: { accept: 'text/csv', ...CONSOLE_HEADER },
    });
  } catch {
    throw unreachable();
  }
  if (!response.ok) throw await errorFromResponse(response);
  try {
    return await response.blob();
  } catch {
    throw new ApiError(
      'The download stopped before the whole results file arrived. It can be downloaded again for 15 minutes, until one download completes.',
      0,
      'DownloadInterrupted',
    );
  }
}

/**
 * Uploads a CSV and waits for its verification. XMLHttpRequest rather than fetch because only it
 * reports upload progress, which a 100,000-row file needs; the server verifies while it streams.
 */
export function uploadImport(file: File, onProgress: (sentFraction: number) => void): Promise<ImportSummary> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/directory/imports${query({ fileName: file.name })}`);
    request.setRequestHeader('content-type', 'text/csv');
    request.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(CONSOLE_HEADER)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(unreachable());
    request.onload = () => {
      const response = new Response(request.responseText, {
        status: request.status,
        headers: { 'content-type': request.getResponseHeader('content-type') ?? 'application/json' },
      });
      if (request.status >= 200 && request.status < 300) {
        resolve(JSON.parse(request.responseText) as ImportSummary);
      } else {
        errorFromResponse(response).then(reject, () =>
          reject(new ApiError(`The upload failed (${request.status}).`, request.status)),
        );
      }
    };
    request.send(file);
  });
}

export function applyImport(id: string, options: ImportOptions): Promise<ImportResult> {
  return apiJson(`/directory/imports/${encodeURIComponent(id)}/apply`, { method: 'POST', json: options });
}
