/**
 * The two apps as the sync sees them: records with an id, a row version and who last changed them,
 * read and written only through the public APIs as the integration identity (bridge/clients).
 * Sales: the Dataverse-compatible Web API with change tracking (delta links). ERP: the BC-shaped API
 * and its change feed. Both accept a record id chosen by the caller on create, which is what makes a
 * create safe to repeat after a crash (sync-record.ts).
 */
import { RemoteApiError, type ErpClient, type SalesClient } from '../clients/index.js';
import type { SyncSide } from './reconcile.js';

export interface SideRecord {
  id: string;
  /** Row version (ERP) or versionnumber (Sales). */
  version: number;
  /** Who made the last change (directory object id for the ERP, systemuserid for Sales), if known. */
  modifiedBy: string | null;
  /** The record as the API returned it. */
  data: Record<string, unknown>;
  /** The `@odata.etag` to send in If-Match. */
  etag: string;
}

export interface SideChange {
  id: string;
  deleted: boolean;
  /** The record's latest state (upserts). */
  record?: SideRecord;
}

export interface ChangePage {
  changes: SideChange[];
  /** Where to read from next (stored as the side's watermark once this page is recorded). */
  cursor: string;
  /** More changes wait after this page. */
  more: boolean;
}

export interface RecordSide {
  side: SyncSide;
  /** The entity set, e.g. `customers` or `accounts`. */
  entitySet: string;
  get(id: string): Promise<SideRecord | null>;
  /** Creates the record with this id; if one with the id exists already (a repeat), returns it. */
  create(id: string, body: Record<string, unknown>): Promise<SideRecord>;
  /** Updates with If-Match: a 412 (changed since read) is a RemoteApiError with status 412. */
  update(record: SideRecord, body: Record<string, unknown>): Promise<SideRecord>;
  /** Deletes with If-Match (the version read): a 412 is a RemoteApiError with status 412; gone is done. */
  delete(record: SideRecord): Promise<void>;
  /** Changes after a cursor (null: from the beginning: every record, no deletions). */
  changes(cursor: string | null, pageSize: number): Promise<ChangePage>;
  /** Records whose property equals a value (match-based coupling). */
  findBy(property: string, value: string | number | boolean): Promise<SideRecord[]>;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof RemoteApiError && error.status === 404;
}

function versionFromEtag(etag: unknown): number {
  const match = typeof etag === 'string' ? /(\d+)/.exec(etag) : null;
  return match ? Number(match[1]) : 0;
}

function quote(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);
}

/** The Sales side: one entity set of the Web API. */
export function salesSide(
  client: SalesClient,
  entitySet: string,
  keyAttribute: string,
  select: string[],
): RecordSide {
  const columns = [...new Set([keyAttribute, 'versionnumber', '_modifiedby_value', ...select])];
  const toRecord = (data: Record<string, unknown>): SideRecord => ({
    id: String(data[keyAttribute]),
    version: Number(data.versionnumber ?? versionFromEtag(data['@odata.etag'])),
    modifiedBy: (data._modifiedby_value as string | undefined) ?? null,
    data,
    etag: String(data['@odata.etag'] ?? '*'),
  });
  const get = async (id: string) => {
    try {
      return toRecord(await client.retrieve(entitySet, id, columns));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  };
  return {
    side: 'sales',
    entitySet,
    get,
    async create(id, body) {
      try {
        const created = await client.create(entitySet, { ...body, [keyAttribute]: id });
        // The version is the one this create made (a GET could already see a later edit).
        if (created.versionnumber !== undefined) return toRecord(created);
      } catch (error) {
        // A repeat of a create that went through (the answer was lost, or the process died before
        // recording it): the id is ours, so the record that has it is the one we made.
        if (error instanceof RemoteApiError && error.status >= 400 && error.status < 500) {
          const existing = await get(id);
          if (existing) return existing;
        }
        throw error;
      }
      const created = await get(id);
      if (!created) throw new Error(`Sales did not find ${entitySet}(${id}) right after creating it.`);
      return created;
    },
    async update(record, body) {
      // The representation the update returns carries the version this write made: recording a
      // later GET's version instead could swallow a person's edit made in between.
      const updated = await client.update(entitySet, record.id, body, { ifMatch: record.etag });
      if (updated.versionnumber === undefined)
        throw new Error(`Sales answered an update of ${entitySet}(${record.id}) without its versionnumber.`);
      return toRecord(updated);
    },
    async delete(record) {
      // Only the version the decision was made on: an edit landing after our read answers 412, and
      // the record is read and decided again (syncRecord) instead of the edit being deleted unseen.
      try {
        await client.delete(entitySet, record.id, { ifMatch: record.etag });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
    async changes(cursor, pageSize) {
      const page = await client.readChangePage(
        cursor ?? client.http.url(entitySet, { $select: columns.join(',') }),
        pageSize,
      );
      const changes: SideChange[] = [
        ...page.rows.map((row) => {
          const record = toRecord(row);
          return { id: record.id, deleted: false, record };
        }),
        ...page.deleted.map((id) => ({ id, deleted: true })),
      ];
      return { changes, cursor: (page.nextLink ?? page.deltaLink)!, more: Boolean(page.nextLink) };
    },
    async findBy(property, value) {
      const rows = await client.listAll(entitySet, {
        filter: `${property} eq ${quote(value)}`,
        select: columns,
      });
      return rows.map(toRecord);
    },
  };
}

/** The ERP side: one entity set of a company. */
export function erpSide(client: ErpClient, companyId: string, entitySet: string): RecordSide {
  const toRecord = (data: Record<string, unknown>, modifiedBy: string | null = null): SideRecord => ({
    id: String(data.id),
    version: versionFromEtag(data['@odata.etag']),
    modifiedBy,
    data,
    etag: String(data['@odata.etag'] ?? '*'),
  });
  const get = async (id: string) => {
    try {
      return toRecord(await client.get(companyId, entitySet, id));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  };
  return {
    side: 'erp',
    entitySet,
    get,
    async create(id, body) {
      try {
        return toRecord(await client.create(companyId, entitySet, { ...body, id }));
      } catch (error) {
        if (error instanceof RemoteApiError && error.status >= 400 && error.status < 500) {
          const existing = await get(id);
          if (existing) return existing;
        }
        throw error;
      }
    },
    async update(record, body) {
      return toRecord(await client.update(companyId, entitySet, record.id, body, record.etag));
    },
    async delete(record) {
      try {
        await client.delete(companyId, entitySet, record.id, record.etag);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
    async changes(cursor, pageSize) {
      const after = cursor ? Number(cursor) : 0;
      const page = await client.readChanges(companyId, entitySet, after, pageSize);
      const changes: SideChange[] = page.changes.map((c) =>
        c.changeType === 'deleted'
          ? { id: c.id, deleted: true }
          : {
              id: c.id,
              deleted: false,
              record: {
                ...toRecord({ ...c.record!, id: c.id }, c.lastModifiedBy),
                version: c.rowVersion,
                etag: `W/"${c.rowVersion}"`,
              },
            },
      );
      return { changes, cursor: String(page.lastRowVersion), more: page.more };
    },
    async findBy(property, value) {
      const rows = await client.list(companyId, entitySet, { filter: `${property} eq ${quote(value)}` });
      return rows.map((r) => toRecord(r));
    },
  };
}
