import { sql, type SQL } from 'drizzle-orm';
import { propertySql, type PropertyDefinition } from '../../platform/odata/index.js';
import { entityBySet } from './entities.js';
import { formatEtag } from './prefer.js';
import type { SalesEntity } from './sales-entity.js';

/**
 * How records leave the database and reach the wire: the SELECT list (values formatted by the
 * database, so both drivers give the same JSON: date/times as `2024-01-31T10:00:00Z`, dates as
 * `2024-01-31`, decimals and 64-bit integers as numbers) and the JSON object with `@odata.etag`,
 * the key, the selected properties and — with `Prefer: odata.include-annotations` — formatted values
 * and lookup annotations.
 */

const FORMATTED = 'OData.Community.Display.V1.FormattedValue';
const LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';
const ASSOCIATED_NAVIGATION = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

/** A property's value as the database should hand it over. */
function valueSql(property: PropertyDefinition): SQL {
  const v = propertySql(property);
  switch (property.type) {
    case 'datetime':
      return sql`to_char(${v} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
    case 'date':
      return sql`to_char(${v}, 'YYYY-MM-DD')`;
    case 'decimal':
    case 'int':
      return sql`(${v})::float8`;
    default:
      return v;
  }
}

const alias = (name: string) => sql.raw(`"${name.replace(/"/g, '')}"`);

export interface Projection {
  /** Properties put on the wire, in order (the key first). */
  properties: PropertyDefinition[];
  /** Whether formatted values and lookup annotations are added. */
  annotations: boolean;
}

/** The properties to return: the selection (undefined = all) with the key always included, as Dataverse does. */
export function projection(
  entity: SalesEntity,
  select: PropertyDefinition[] | undefined,
  annotations: boolean,
): Projection {
  const key = entity.definition.properties.find((p) => p.name === entity.definition.key)!;
  const chosen = select ?? entity.definition.properties.filter((p) => p.selectable !== false);
  const properties = [key, ...chosen.filter((p) => p !== key)];
  return { properties, annotations };
}

/** The SELECT list of a projection, plus the row's version as `__version`. */
export function selectListSql(entity: SalesEntity, proj: Projection): SQL {
  const items: SQL[] = proj.properties.map((p) => sql`${valueSql(p)} as ${alias(p.name)}`);
  items.push(sql`(${entity.versionColumn})::float8 as "__version"`);
  if (proj.annotations) {
    for (const lookup of entity.lookups) {
      const property = proj.properties.find((p) => p.name === `_${lookup.attribute}_value`);
      if (!property) continue;
      // The target's primary name, looked up per row: only when the client asked for annotations.
      const names = lookup.targets.map((t) => {
        const target = entityBySet(t.entitySet)!;
        const primary = target.definition.properties.find((p) => p.name === target.primaryName)!;
        return {
          t,
          sql: sql`(select ${propertySql(primary)} from ${target.table} where ${target.keyColumn} = ${lookup.column} limit 1)`,
        };
      });
      const name =
        names.length === 1 || !lookup.typeColumn
          ? names[0]!.sql
          : sql`case ${sql.join(
              names.map((n) => sql`when ${lookup.typeColumn} = ${n.t.logicalName} then ${n.sql}`),
              sql` `,
            )} end`;
      items.push(sql`${name} as ${alias(`__name_${lookup.attribute}`)}`);
      if (lookup.typeColumn) items.push(sql`${lookup.typeColumn} as ${alias(`__type_${lookup.attribute}`)}`);
    }
  }
  return sql.join(items, sql`, `);
}

/** The wire object of one row (without nested expansions). */
export function recordJson(
  entity: SalesEntity,
  proj: Projection,
  row: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': formatEtag(row.__version as number) };
  for (const p of proj.properties) {
    const value = row[p.name] ?? null;
    if (proj.annotations) {
      const labels = entity.optionLabels[p.name];
      if (labels && typeof value === 'number' && labels[value] !== undefined)
        out[`${p.name}@${FORMATTED}`] = labels[value];
      else if (p.type === 'boolean' && typeof value === 'boolean')
        out[`${p.name}@${FORMATTED}`] = value ? 'Yes' : 'No';
      const lookup = entity.lookups.find((l) => `_${l.attribute}_value` === p.name);
      if (lookup && value !== null) {
        const typeName =
          (row[`__type_${lookup.attribute}`] as string | undefined) ?? lookup.targets[0]!.logicalName;
        const target = lookup.targets.find((t) => t.logicalName === typeName) ?? lookup.targets[0]!;
        const name = row[`__name_${lookup.attribute}`];
        if (name !== null && name !== undefined) out[`${p.name}@${FORMATTED}`] = name;
        out[`${p.name}@${ASSOCIATED_NAVIGATION}`] = target.navigation;
        out[`${p.name}@${LOOKUP_LOGICAL_NAME}`] = target.logicalName;
      }
    }
    out[p.name] = value;
  }
  return out;
}

/** `accounts(name,accountnumber)` style context fragment for a projection with expansions. */
export function contextSelection(selected: string[] | undefined, expands: string[]): string {
  const parts = [...(selected ?? []), ...expands];
  return parts.length === 0 ? '' : `(${parts.join(',')})`;
}
