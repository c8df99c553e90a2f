import type { Column, SQL } from 'drizzle-orm';

/**
 * How an app describes one entity set to the OData machinery. It is data only: the machinery knows
 * nothing of Sales or the ERP, and the wire names an app chooses (Dataverse's lower-case logical names
 * and `_x_value` lookups, or Business Central's camelCase) are simply the names written here.
 */

/** The value types a property may have on the wire; `enum` is an integer-valued picklist (option set). */
export type PropertyType = 'string' | 'guid' | 'int' | 'decimal' | 'boolean' | 'datetime' | 'date' | 'enum';

export interface PropertyDefinition {
  /** Wire name, matched case-sensitively as both Dataverse and Business Central do. */
  readonly name: string;
  /** Where the value lives: a drizzle column, or an SQL expression over the entity's tables. */
  readonly column: Column | SQL;
  readonly type: PropertyType;
  readonly nullable: boolean;
  /** May appear in $filter (default true). */
  readonly filterable?: boolean;
  /** May appear in $orderby (default true). */
  readonly sortable?: boolean;
  /** May appear in $select (default true). */
  readonly selectable?: boolean;
  /** For `enum`: the allowed option values, so a filter on an impossible value is reported, not silently empty. */
  readonly enumValues?: readonly number[];
}

export interface NavigationDefinition {
  /** Wire name used in $expand (e.g. `parentaccountid`, `contact_customer_accounts`, `salesperson`). */
  readonly name: string;
  /** The entity the navigation leads to; a function so entities may refer to each other. */
  readonly target: () => EntityDefinition;
  /** `single`: at most one related record (a lookup); `collection`: any number. */
  readonly kind: 'single' | 'collection';
  /**
   * How the two sides join: rows of the target whose `remote` equals this entity's `local`.
   * A lookup joins its foreign key (local) to the target's key (remote); a collection the other way round.
   */
  readonly join: { readonly local: Column | SQL; readonly remote: Column | SQL };
}

export interface EntityDefinition {
  /** Entity set name as it appears in URLs and messages (`accounts`, `customers`). */
  readonly entitySet: string;
  /** Name of the key property: unique and never null, so it breaks ties for stable paging. */
  readonly key: string;
  readonly properties: readonly PropertyDefinition[];
  readonly navigations?: readonly NavigationDefinition[];
}

export function findProperty(entity: EntityDefinition, name: string): PropertyDefinition | undefined {
  return entity.properties.find((p) => p.name === name);
}

export function findNavigation(entity: EntityDefinition, name: string): NavigationDefinition | undefined {
  return entity.navigations?.find((n) => n.name === name);
}

/** The key property; an entity whose key is not among its properties is a programming error. */
export function keyProperty(entity: EntityDefinition): PropertyDefinition {
  const key = findProperty(entity, entity.key);
  if (!key) throw new Error(`Entity ${entity.entitySet} names key '${entity.key}' but has no such property.`);
  return key;
}

export const isFilterable = (p: PropertyDefinition): boolean => p.filterable !== false;
export const isSortable = (p: PropertyDefinition): boolean => p.sortable !== false;
export const isSelectable = (p: PropertyDefinition): boolean => p.selectable !== false;
