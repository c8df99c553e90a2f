/**
 * The bridge's client for the Sales Web API (Dataverse-compatible, `/api/data/v9.2`): users, roles,
 * records with ETags, and change tracking. Real HTTP with a real token; nothing of `src/sales` is used.
 */
import { HttpClient, type HttpClientOptions } from './http-client.js';

export type SalesRecord = Record<string, unknown> & { '@odata.etag'?: string };

export interface WhoAmI {
  UserId: string;
  BusinessUnitId: string;
  OrganizationId: string;
}

export interface SystemUser extends SalesRecord {
  systemuserid: string;
}

export interface Role extends SalesRecord {
  roleid: string;
  name: string;
}

export interface SalesChanges {
  /** New and changed records since the previous delta link. */
  rows: SalesRecord[];
  /** Ids of records deleted since the previous delta link. */
  deleted: string[];
  /** Pass this to the next `readChanges` call. */
  deltaLink: string;
}

export interface SalesClientOptions extends Omit<HttpClientOptions, 'baseUrl' | 'service'> {
  /** The Sales server's base URL (e.g. `http://127.0.0.1:3000`); `/api/data/v9.2` is added. */
  salesUrl: string;
  /** `Prefer: odata.maxpagesize` for collection and change reads (default 5,000). */
  pageSize?: number;
}

/** `(<guid>)` or, for an alternate key such as `accountnumber='A-1'`, `(accountnumber='A-1')`. */
export function keySegment(key: string): string {
  return `(${key})`;
}

/** An alternate-key predicate with the value quoted as OData text: `accountnumber='O''Brien'`. */
export function alternateKey(attribute: string, value: string): string {
  return `${attribute}='${value.replace(/'/g, "''")}'`;
}

export class SalesClient {
  readonly http: HttpClient;
  readonly apiUrl: string;
  private readonly pageSize: number;

  constructor(options: SalesClientOptions) {
    this.apiUrl = `${options.salesUrl.replace(/\/+$/, '')}/api/data/v9.2`;
    this.pageSize = options.pageSize ?? 5000;
    this.http = new HttpClient({
      ...options,
      baseUrl: this.apiUrl,
      service: 'Sales',
      defaultHeaders: {
        'OData-MaxVersion': '4.0',
        'OData-Version': '4.0',
        ...(options.defaultHeaders ?? {}),
      },
    });
  }

  async whoAmI(): Promise<WhoAmI> {
    return (await this.http.request<WhoAmI>('GET', 'WhoAmI')).body;
  }

  /** Every record of a collection query, following `@odata.nextLink`. */
  async listAll<T extends SalesRecord = SalesRecord>(
    entitySet: string,
    options: { filter?: string; select?: string[]; orderby?: string } = {},
  ): Promise<T[]> {
    const rows: T[] = [];
    let next: string | undefined = this.http.url(entitySet, {
      $select: options.select?.join(','),
      $filter: options.filter,
      $orderby: options.orderby,
    });
    while (next) {
      const page: { body: { value: T[]; '@odata.nextLink'?: string } } = await this.http.request(
        'GET',
        next,
        {
          headers: { Prefer: `odata.maxpagesize=${this.pageSize}` },
        },
      );
      rows.push(...page.body.value);
      next = page.body['@odata.nextLink'];
    }
    return rows;
  }

  listSystemUsers(options: { filter?: string; select?: string[] } = {}): Promise<SystemUser[]> {
    return this.listAll<SystemUser>('systemusers', options);
  }

  async getSystemUser(id: string, select?: string[]): Promise<SystemUser> {
    return this.retrieve<SystemUser>('systemusers', id, select);
  }

  listRoles(filter?: string): Promise<Role[]> {
    return this.listAll<Role>('roles', { filter, select: ['name', 'roleid', '_businessunitid_value'] });
  }

  /** The roles a user holds. */
  async listUserRoles(systemUserId: string): Promise<Role[]> {
    const result = await this.http.request<{ value: Role[] }>(
      'GET',
      `systemusers(${systemUserId})/systemuserroles_association`,
    );
    return result.body.value;
  }

  async associateRole(systemUserId: string, roleId: string): Promise<void> {
    await this.http.request('POST', `systemusers(${systemUserId})/systemuserroles_association/$ref`, {
      body: { '@odata.id': `${this.apiUrl}/roles(${roleId})` },
    });
  }

  async disassociateRole(systemUserId: string, roleId: string): Promise<void> {
    await this.http.request(
      'DELETE',
      `systemusers(${systemUserId})/systemuserroles_association(${roleId})/$ref`,
    );
  }

  async retrieve<T extends SalesRecord = SalesRecord>(
    entitySet: string,
    key: string,
    select?: string[],
  ): Promise<T> {
    const result = await this.http.request<T>('GET', `${entitySet}${keySegment(key)}`, {
      query: { $select: select?.join(',') },
    });
    return result.body;
  }

  /** Creates a record and returns it as stored (with its id and `@odata.etag`). */
  async create<T extends SalesRecord = SalesRecord>(
    entitySet: string,
    record: Record<string, unknown>,
  ): Promise<T> {
    const result = await this.http.request<T>('POST', entitySet, {
      body: record,
      headers: { Prefer: 'return=representation' },
    });
    return result.body;
  }

  /**
   * Updates an existing record (never creates one): `ifMatch` is its `@odata.etag`, or `*` (default)
   * for any version. A stale ETag is a `RemoteApiError` with status 412.
   */
  async update<T extends SalesRecord = SalesRecord>(
    entitySet: string,
    key: string,
    changes: Record<string, unknown>,
    options: { ifMatch?: string } = {},
  ): Promise<T> {
    const result = await this.http.request<T>('PATCH', `${entitySet}${keySegment(key)}`, {
      body: changes,
      headers: { 'If-Match': options.ifMatch ?? '*', Prefer: 'return=representation' },
    });
    return result.body;
  }

  /** Creates or updates by key (id or alternate key); returns the record as stored. */
  async upsert<T extends SalesRecord = SalesRecord>(
    entitySet: string,
    key: string,
    record: Record<string, unknown>,
  ): Promise<T> {
    const result = await this.http.request<T>('PATCH', `${entitySet}${keySegment(key)}`, {
      body: record,
      headers: { Prefer: 'return=representation' },
    });
    return result.body;
  }

  async delete(entitySet: string, key: string, options: { ifMatch?: string } = {}): Promise<void> {
    await this.http.request('DELETE', `${entitySet}${keySegment(key)}`, {
      headers: options.ifMatch ? { 'If-Match': options.ifMatch } : {},
    });
  }

  /**
   * One page of change tracking from `url` (a collection URL, a delta link or a next link): new and
   * changed rows, deleted ids, and either the next page's link or the delta link to keep.
   */
  async readChangePage(
    url: string,
    pageSize = this.pageSize,
  ): Promise<{ rows: SalesRecord[]; deleted: string[]; nextLink?: string; deltaLink?: string }> {
    const page: {
      body: { value: SalesRecord[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
    } = await this.http.request('GET', url, {
      headers: { Prefer: `odata.track-changes,odata.maxpagesize=${pageSize}` },
    });
    const rows: SalesRecord[] = [];
    const deleted: string[] = [];
    for (const row of page.body.value) {
      const context = row['@odata.context'];
      if (typeof context === 'string' && context.endsWith('$deletedEntity')) deleted.push(String(row.id));
      else rows.push(row);
    }
    const nextLink = page.body['@odata.nextLink'];
    const deltaLink = page.body['@odata.deltaLink'];
    if (!nextLink && !deltaLink)
      throw new Error(`Sales answered a change read of ${url} without a next or delta link.`);
    return { rows, deleted, ...(nextLink ? { nextLink } : { deltaLink: deltaLink! }) };
  }

  /**
   * Change tracking: without a delta link, every record and a first delta link; with one, what changed
   * since (new and changed rows, deleted ids) and the next delta link.
   */
  async readChanges(
    entitySet: string,
    deltaLink: string | undefined,
    options: { select?: string[] } = {},
  ): Promise<SalesChanges> {
    const rows: SalesRecord[] = [];
    const deleted: string[] = [];
    let next = deltaLink ?? this.http.url(entitySet, { $select: options.select?.join(',') });
    for (;;) {
      const page = await this.readChangePage(next);
      rows.push(...page.rows);
      deleted.push(...page.deleted);
      if (page.nextLink) next = page.nextLink;
      else return { rows, deleted, deltaLink: page.deltaLink! };
    }
  }
}
