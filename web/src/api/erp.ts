import { apiJson, query } from './http';

/** The ERP's Business Central-shaped API (/api/v2.0); it takes a bearer token. */

export interface Company {
  id: string;
  name: string;
  displayName: string;
}

export async function listCompanies(): Promise<Company[]> {
  return (await apiJson<{ value: Company[] }>('/api/v2.0/companies', { credentials: 'token' })).value;
}

export type ErpRecord = Record<string, unknown> & { id: string; '@odata.etag'?: string };

export interface ErpPage {
  value: ErpRecord[];
  '@odata.count'?: number;
}

const base = (companyId: string, entitySet: string) => `/api/v2.0/companies(${companyId})/${entitySet}`;

export function listErpRecords(
  companyId: string,
  entitySet: string,
  options: { orderBy: string; top: number; skip: number; filter?: string },
): Promise<ErpPage> {
  return apiJson(
    `${base(companyId, entitySet)}${query({
      $orderby: options.orderBy,
      $top: options.top,
      $skip: options.skip,
      $count: true,
      $filter: options.filter,
    })}`,
    { credentials: 'token' },
  );
}

export function createErpRecord(companyId: string, entitySet: string, body: Record<string, unknown>) {
  return apiJson<ErpRecord>(base(companyId, entitySet), { method: 'POST', json: body, credentials: 'token' });
}

/** The ERP requires If-Match on every change, as Business Central does: a stale edit is refused. */
export function updateErpRecord(
  companyId: string,
  entitySet: string,
  record: ErpRecord,
  changes: Record<string, unknown>,
) {
  return apiJson<ErpRecord>(`${base(companyId, entitySet)}(${record.id})`, {
    method: 'PATCH',
    json: changes,
    headers: { 'if-match': record['@odata.etag'] ?? '*' },
    credentials: 'token',
  });
}
