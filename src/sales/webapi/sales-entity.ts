import type { AnyPgColumn as Column } from 'drizzle-orm/pg-core';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { EntityDefinition, PropertyType } from '../../platform/odata/index.js';
import type { SecuredTable } from '../security/depth.js';

/**
 * What the Web API knows about one Sales table beyond the OData machinery's EntityDefinition: the
 * logical name (messages, privileges), which attributes a client may write and how, the lookups with
 * their `@odata.bind` navigation names, the alternate keys, and the option-set labels.
 */

/** A column a client may set in a POST/PATCH body. */
export interface WritableAttribute {
  name: string;
  column: Column;
  type: PropertyType;
  /** Longest accepted text. */
  maxLength?: number;
  /** Must be present (and not null) on create. */
  requiredOnCreate?: boolean;
  /** Allowed values of an option set. */
  enumValues?: readonly number[];
}

/** One target of a lookup: the single-valued navigation property that binds it. */
export interface LookupTarget {
  /** Navigation property name used in `<name>@odata.bind` and `$expand` (`parentcustomerid_account`). */
  navigation: string;
  /** Entity set of the target (`accounts`). */
  entitySet: string;
  /** Logical name of the target (`account`), stored in the type column of polymorphic lookups. */
  logicalName: string;
}

/** A lookup column (foreign key), read as `_<attribute>_value`, written with `@odata.bind`. */
export interface LookupDefinition {
  /** The logical name of the lookup attribute (`parentcustomerid`). */
  attribute: string;
  column: Column;
  /** For customer lookups (account or contact): the column that tells which. */
  typeColumn?: Column;
  targets: LookupTarget[];
  /** Whether a client may set it (`createdby` may not; `ownerid` needs Assign and is handled apart). */
  writable: boolean;
}

export interface SalesEntity {
  /** Dataverse logical name (`account`): messages, privileges, `$deletedEntity`. */
  logicalName: string;
  /** Entity set (`accounts`). */
  entitySet: string;
  table: PgTable;
  /** The primary key column (`accountid`). */
  keyColumn: Column;
  /** The primary name attribute (`name`, `fullname`): formatted values of lookups to this entity. */
  primaryName: string;
  /** The table whose privileges guard this entity set. */
  securedTable: SecuredTable;
  /** Owned records carry ownerid/owningbusinessunit; organisation-owned ones have none. */
  ownership: 'user' | 'organization' | 'businessunit';
  /** For access checks: the columns naming a record's owner and owning business unit. */
  ownerColumn?: Column;
  businessUnitColumn?: Column;
  /** Column holding the row version (ETag, change tracking). */
  versionColumn: Column;
  /** The description the OData machinery works from (properties on the wire, navigations). */
  definition: EntityDefinition;
  writable: WritableAttribute[];
  lookups: LookupDefinition[];
  /** Alternate keys, each a list of attribute names (`[['accountnumber']]`). */
  alternateKeys: string[][];
  /** Labels of option-set values by attribute (`statecode` → {0: 'Active'}), for formatted values. */
  optionLabels: Record<string, Record<number, string>>;
  /** Whether records may be created, updated and deleted through the Web API. */
  writableSet: boolean;
  /** Whether change tracking (`Prefer: odata.track-changes`) is enabled for the set. */
  changeTracking: boolean;
}
