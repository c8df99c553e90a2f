import type { SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { EntityDefinition, PropertyType } from '../platform/odata/index.js';
import type { Transaction } from '../platform/db/database.js';
import type { ErpObject } from './permission-sets.js';

/**
 * How one ERP record type is described: its Business Central wire fields (name, type, length, the
 * column it is stored in or the SQL it is computed from), its key and number series, and the checks
 * an ERP makes before writing it. records.ts reads, writes and pages every record type from this.
 */

export type FieldType = 'string' | 'guid' | 'decimal' | 'boolean' | 'date' | 'datetime';

export interface FieldSpec {
  /** BC's camelCase name, exactly as documented. */
  readonly name: string;
  readonly type: FieldType;
  /** Where the value is stored; absent for values computed by `read`. */
  readonly column?: PgColumn;
  /** The value as SQL over the record's table, when it is not simply `column`. */
  readonly read?: SQL;
  /** Longest accepted text (BC's field length). */
  readonly maxLength?: number;
  /** Codes are upper-cased, as BC does for Code fields. */
  readonly upper?: boolean;
  /** Allowed values of an option field; input is matched without regard to case. */
  readonly values?: readonly string[];
  /** Non-editable in BC: ignored on input (clients send back what they read). */
  readonly readOnly?: boolean;
  /** Other names accepted on input because BC's own documented examples use them. */
  readonly aliases?: readonly string[];
  /**
   * Writable although computed (e.g. `currencyId`, resolved to the stored currency code): the input
   * value reaches `check` under the key `@<name>`, and `check` turns it into column values.
   */
  readonly virtual?: boolean;
}

/** The system columns every record table has. */
export interface RecordTable extends PgTable {
  id: PgColumn;
  companyId: PgColumn;
  rowVersion: PgColumn;
  modifiedAt: PgColumn;
  modifiedBy: PgColumn;
}

/** A record as stored (column property name → value), for checks. */
export type StoredRecord = Record<string, unknown> & { id: string; companyId: string; rowVersion: number };

export interface WriteCheck {
  tx: Transaction;
  companyId: string;
  /** Column property name → value about to be written (after type checks). */
  values: Record<string, unknown>;
  /** The record before the change (updates). */
  existing?: StoredRecord;
  /** Wire names the request set. */
  given: ReadonlySet<string>;
}

export interface RecordEntity {
  readonly entitySet: string;
  /** Singular name used by BC in @odata.context and messages' entity type (`customer`). */
  readonly entityName: string;
  /** BC's table caption, for messages (`Customer`). */
  readonly caption: string;
  readonly object: ErpObject;
  readonly table: RecordTable;
  /** The natural key's wire name (`number` or `code`) and its caption in messages (`No.`, `Code`). */
  readonly keyField: string;
  readonly keyCaption: string;
  /** Number series for new numbers when the request leaves `number` blank. */
  readonly numberSeries?: string;
  readonly fields: readonly FieldSpec[];
  readonly odata: EntityDefinition;
  /** Checks references and derives values before insert or update; throws ErpError to refuse. */
  check?(check: WriteCheck): Promise<void>;
  /**
   * `check` for many records at once (a $batch's creates or updates of one entity set): the
   * references of all of them looked up together. Returns each record's refusal, or undefined.
   * Without it, set-based writes run `check` record by record.
   */
  checkMany?(
    tx: Transaction,
    companyId: string,
    checks: ReadonlyArray<Omit<WriteCheck, 'tx' | 'companyId'>>,
  ): Promise<unknown[]>;
  /**
   * Whether one record's check may depend on another record written in the same request group (a
   * person contact naming a company contact created just before it): such entities are written
   * one request at a time, never set-based.
   */
  readonly checksSeeEarlierWrites?: boolean;
  /** Refuses a deletion that would leave other records pointing at nothing. */
  checkDelete?(tx: Transaction, companyId: string, record: StoredRecord): Promise<void>;
}

const PROPERTY_TYPES: Record<FieldType, PropertyType> = {
  string: 'string',
  guid: 'guid',
  decimal: 'decimal',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
};

/** The OData machinery's view of the fields: every one filterable, sortable and selectable. */
export function odataEntity(
  entitySet: string,
  fields: readonly FieldSpec[],
  navigations: EntityDefinition['navigations'] = [],
): EntityDefinition {
  return {
    entitySet,
    key: 'id',
    properties: fields.map((f) => ({
      name: f.name,
      column: (f.read ?? f.column)!,
      type: PROPERTY_TYPES[f.type],
      nullable: f.type === 'date',
    })),
    navigations,
  };
}
