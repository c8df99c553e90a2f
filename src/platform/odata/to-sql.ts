import { sql, type SQL } from 'drizzle-orm';
import {
  keyProperty,
  type EntityDefinition,
  type PropertyDefinition,
  type PropertyType,
} from './entity-model.js';
import type { BoundExpression, BoundFilter, BoundLiteral } from './filter-binder.js';
import type { OrderByItem } from './query-options.js';

/**
 * Bound `$filter` → SQL WHERE fragment and `$orderby` → ORDER BY fragment, over the columns the entity
 * definitions name. Every value is a bound parameter with an explicit cast, so the same text runs on
 * PGlite and PostgreSQL and a literal never becomes SQL.
 *
 * Semantics chosen to match OData (and the servers we imitate):
 * - `eq null` / `ne null` are IS NULL / IS NOT NULL; `ne` with a value keeps rows whose value is null
 *   (OData: null ne 'x' is true), hence IS DISTINCT FROM.
 * - OData comparisons are true or false, never unknown; SQL's are unknown on null, which `not` would
 *   keep unknown. Under `not`, comparisons are therefore wrapped in coalesce(…, false).
 * - Nulls sort first in ascending order and last in descending order, as Dataverse's SQL Server and
 *   Business Central do; keyset-paging.ts relies on the same rule.
 */

export interface SqlOptions {
  /**
   * Compare text case-insensitively (Dataverse, Business Central), instead of the case-sensitive
   * comparison of the OData standard. Applies to eq/ne/gt/…, `in`, contains/startswith/endswith and the
   * order of string properties.
   */
  caseInsensitive: boolean;
}

const CASTS: Record<PropertyType, string> = {
  string: 'text',
  guid: 'uuid',
  int: 'bigint',
  enum: 'bigint',
  decimal: 'numeric',
  boolean: 'boolean',
  datetime: 'timestamptz',
  date: 'date',
};

/** A property's value as SQL: its column, or its expression in parentheses. */
export function propertySql(property: PropertyDefinition): SQL {
  return sql`(${property.column})`;
}

/** A text value as a parameter cast to a property type's SQL type. */
export function castParameter(value: string, type: PropertyType): SQL {
  return sql`${value}::${sql.raw(CASTS[type])}`;
}

function literalSql(literal: Exclude<BoundLiteral, { type: 'null' }>): SQL {
  switch (literal.type) {
    case 'string':
    case 'guid':
      return castParameter(literal.value, literal.type);
    case 'boolean':
      return castParameter(String(literal.value), 'boolean');
    case 'int':
    case 'decimal':
    case 'datetime':
    case 'date':
      return castParameter(literal.text, literal.type);
  }
}

function isText(expression: BoundExpression): boolean {
  switch (expression.kind) {
    case 'property':
      return expression.property.type === 'string';
    case 'literal':
      return expression.literal.type === 'string';
    case 'transform':
      return true;
    default:
      return false;
  }
}

const isNullLiteral = (e: BoundExpression): boolean => e.kind === 'literal' && e.literal.type === 'null';

/** Escapes LIKE's wildcards and its escape character, so user text matches only itself. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

const COMPARE_SQL = { gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

export function filterToSql(filter: BoundFilter, options: SqlOptions): SQL {
  const fold = (expression: BoundExpression, text: boolean): SQL =>
    options.caseInsensitive && text ? sql`lower(${value(expression)})` : value(expression);

  function value(expression: BoundExpression): SQL {
    switch (expression.kind) {
      case 'property':
        return propertySql(expression.property);
      case 'literal':
        if (expression.literal.type === 'null') return sql`null`;
        return literalSql(expression.literal);
      case 'transform': {
        const fn = { tolower: 'lower', toupper: 'upper', trim: 'btrim' }[expression.fn];
        return sql`${sql.raw(fn)}(${value(expression.operand)})`;
      }
      default:
        return condition(expression, false);
    }
  }

  /** A LIKE pattern for the match function: literal text escaped here, other text escaped by SQL. */
  function pattern(expression: BoundExpression & { kind: 'match' }): SQL {
    const before = expression.fn === 'contains' || expression.fn === 'endswith' ? '%' : '';
    const after = expression.fn === 'contains' || expression.fn === 'startswith' ? '%' : '';
    const p = expression.pattern;
    if (p.kind === 'literal' && p.literal.type === 'string')
      return sql`${before + escapeLike(p.literal.value) + after}::text`;
    return sql`${before}::text || replace(replace(replace(${value(p)}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || ${after}::text`;
  }

  function twoValued(predicate: SQL, underNot: boolean): SQL {
    return underNot ? sql`coalesce(${predicate}, false)` : predicate;
  }

  function condition(expression: BoundExpression, underNot: boolean): SQL {
    switch (expression.kind) {
      case 'and':
        return sql`(${condition(expression.left, underNot)} and ${condition(expression.right, underNot)})`;
      case 'or':
        return sql`(${condition(expression.left, underNot)} or ${condition(expression.right, underNot)})`;
      case 'not':
        return sql`(not ${condition(expression.operand, true)})`;
      case 'compare': {
        const { left, right, op } = expression;
        if (isNullLiteral(left) || isNullLiteral(right)) {
          const other = isNullLiteral(left) ? right : left;
          if (isNullLiteral(other)) return sql`${op === 'eq' ? sql`true` : sql`false`}`;
          return sql`(${value(other)} ${sql.raw(op === 'eq' ? 'is null' : 'is not null')})`;
        }
        const text = isText(left) && isText(right);
        const l = fold(left, text);
        const r = fold(right, text);
        if (op === 'ne') return sql`(${l} is distinct from ${r})`;
        if (op === 'eq') {
          // Between two columns OData's null eq null is true; with a literal, = is the same and indexable.
          const bothColumns = left.kind !== 'literal' && right.kind !== 'literal';
          return twoValued(
            bothColumns ? sql`(${l} is not distinct from ${r})` : sql`(${l} = ${r})`,
            underNot,
          );
        }
        return twoValued(sql`(${l} ${sql.raw(COMPARE_SQL[op])} ${r})`, underNot);
      }
      case 'in': {
        const text = isText(expression.operand);
        const operand = fold(expression.operand, text);
        const present = expression.values.filter((v) => v.type !== 'null');
        const parts: SQL[] = [];
        if (present.length > 0) {
          const list = sql.join(
            present.map((v) => fold({ kind: 'literal', literal: v }, text)),
            sql`, `,
          );
          parts.push(sql`${operand} in (${list})`);
        }
        if (present.length < expression.values.length) parts.push(sql`${value(expression.operand)} is null`);
        return twoValued(sql`(${sql.join(parts, sql` or `)})`, underNot);
      }
      case 'match': {
        const like = sql.raw(options.caseInsensitive ? 'ilike' : 'like');
        return sql`(${value(expression.subject)} ${like} ${pattern(expression)} escape '\\')`;
      }
      case 'property':
        return sql`(${propertySql(expression.property)})`;
      case 'literal':
        if (expression.literal.type === 'boolean')
          return sql`${expression.literal.value ? sql`true` : sql`false`}`;
        throw new Error(
          `A ${expression.literal.type} literal is not a condition; the binder should have refused it.`,
        );
      case 'transform':
        throw new Error('A text function is not a condition; the binder should have refused it.');
    }
  }

  return condition(filter, false);
}

/** The expression rows are ordered by: case-insensitive modes order text by its lower-case form. */
export function sortExpression(property: PropertyDefinition, options: SqlOptions): SQL {
  return options.caseInsensitive && property.type === 'string'
    ? sql`lower(${propertySql(property)})`
    : propertySql(property);
}

/** The requested order with the key appended (unless already there), so every row has one place. */
export function completeSortOrder(orderBy: readonly OrderByItem[], entity: EntityDefinition): OrderByItem[] {
  const key = keyProperty(entity);
  const complete = [...orderBy];
  if (!complete.some((item) => item.property.name === key.name))
    complete.push({ property: key, direction: 'asc' });
  return complete;
}

/** ORDER BY body (without the keywords) for the requested order plus the key tie-breaker. */
export function orderByToSql(
  orderBy: readonly OrderByItem[],
  entity: EntityDefinition,
  options: SqlOptions,
): SQL {
  const items = completeSortOrder(orderBy, entity).map(
    (item) =>
      sql`${sortExpression(item.property, options)} ${sql.raw(item.direction === 'asc' ? 'asc nulls first' : 'desc nulls last')}`,
  );
  return sql.join(items, sql`, `);
}
