/**
 * The bridge's client for the ERP (Business Central API v2.0-shaped, `/api/v2.0`) and its change feed
 * (`/api/tandem/sync/v1.0`). Real HTTP with a real token; nothing of `src/erp` is used.
 */
import { HttpClient, type HttpClientOptions } from './http-client.js';

export type ErpRecord = Record<string, unknown> & { id: string; '@odata.etag'?: string };

export interface Company extends ErpRecord {
  name: string;
  displayName: string;
  systemVersion?: string;
}

export interface ErpChange {
  rowVersion: number;
  changeType: 'upserted' | 'deleted';
  id: string;
  key: string;
  /** Directory object id of who made the change (rule A3: skip the integration user's own). */
  lastModifiedBy: string | null;
  lastModifiedDateTime: string;
  /** The record's latest state; absent for deletions. */
  record?: ErpRecord;
}

export interface ErpChanges {
  changes: ErpChange[];
  /** Store it and pass it as `after` next time. */
  lastRowVersion: number;
  /** Whether more changes are waiting (the page was full). */
  more: boolean;
}

export interface ErpClientOptions extends Omit<HttpClientOptions, 'baseUrl' | 'service'> {
  /** The ERP server's base URL (e.g. `http://127.0.0.1:3000`). */
  erpUrl: string;
  /** `Prefer: odata.maxpagesize` for collection reads (default: the server's). */
  pageSize?: number;
}

const API = 'api/v2.0';
const SYNC = 'api/tandem/sync/v1.0';

export class ErpClient {
  readonly http: HttpClient;
  private readonly pageSize: number | undefined;

  constructor(options: ErpClientOptions) {
    this.pageSize = options.pageSize;
    this.http = new HttpClient({ ...options, baseUrl: options.erpUrl, service: 'ERP' });
  }

  private async listPaged<T>(
    path: string,
    query: Record<string, string | number | undefined>,
    top?: number,
  ): Promise<T[]> {
    const rows: T[] = [];
    let next: string | undefined = this.http.url(path, query);
    const headers: Record<string, string> = this.pageSize
      ? { Prefer: `odata.maxpagesize=${this.pageSize}` }
      : {};
    while (next) {
      const page: { body: { value: T[]; '@odata.nextLink'?: string } } = await this.http.request(
        'GET',
        next,
        {
          headers,
        },
      );
      rows.push(...page.body.value);
      next = page.body['@odata.nextLink'];
      if (top !== undefined && rows.length >= top) break;
    }
    return top === undefined ? rows : rows.slice(0, top);
  }

  listCompanies(): Promise<Company[]> {
    return this.listPaged<Company>(`${API}/companies`, {});
  }

  /** Records of an entity set (e.g. `customers`), following `@odata.nextLink`; `top` caps the total. */
  list<T extends ErpRecord = ErpRecord>(
    companyId: string,
    entitySet: string,
    options: { filter?: string; top?: number; select?: string[]; orderby?: string } = {},
  ): Promise<T[]> {
    return this.listPaged<T>(
      `${API}/companies(${companyId})/${entitySet}`,
      {
        $filter: options.filter,
        $top: options.top,
        $select: options.select?.join(','),
        $orderby: options.orderby,
      },
      options.top,
    );
  }

  async get<T extends ErpRecord = ErpRecord>(companyId: string, entitySet: string, id: string): Promise<T> {
    return (await this.http.request<T>('GET', `${API}/companies(${companyId})/${entitySet}(${id})`)).body;
  }

  async create<T extends ErpRecord = ErpRecord>(
    companyId: string,
    entitySet: string,
    record: Record<string, unknown>,
  ): Promise<T> {
    return (
      await this.http.request<T>('POST', `${API}/companies(${companyId})/${entitySet}`, { body: record })
    ).body;
  }

  /** Updates a record; `ifMatch` is its `@odata.etag` (or `*`). A stale one is a 412 `Request_EntityChanged`. */
  async update<T extends ErpRecord = ErpRecord>(
    companyId: string,
    entitySet: string,
    id: string,
    changes: Record<string, unknown>,
    ifMatch: string,
  ): Promise<T> {
    const result = await this.http.request<T>('PATCH', `${API}/companies(${companyId})/${entitySet}(${id})`, {
      body: changes,
      headers: { 'If-Match': ifMatch },
    });
    return result.body;
  }

  async delete(companyId: string, entitySet: string, id: string, ifMatch = '*'): Promise<void> {
    await this.http.request('DELETE', `${API}/companies(${companyId})/${entitySet}(${id})`, {
      headers: { 'If-Match': ifMatch },
    });
  }

  /** The company's local currency (`generalLedgerSetup`). */
  async generalLedgerSetup(
    companyId: string,
  ): Promise<{ localCurrencyCode: string; localCurrencySymbol?: string }> {
    const result = await this.http.request<{
      localCurrencyCode: string;
      localCurrencySymbol?: string;
      value?: Array<{ localCurrencyCode: string; localCurrencySymbol?: string }>;
    }>('GET', `${API}/companies(${companyId})/generalLedgerSetup`);
    const body = result.body;
    return body.value?.[0] ?? body;
  }

  /** Changes to an entity set after a row version, oldest first, one per record (its latest state). */
  async readChanges(companyId: string, entity: string, after = 0, top = 1000): Promise<ErpChanges> {
    const result = await this.http.request<{
      value: ErpChange[];
      lastRowVersion: number;
      '@odata.nextLink'?: string;
    }>('GET', `${SYNC}/companies(${companyId})/changes`, { query: { entity, after, top } });
    const body = result.body;
    return {
      changes: body.value,
      lastRowVersion: Number(body.lastRowVersion ?? after),
      more: Boolean(body['@odata.nextLink']),
    };
  }
}
