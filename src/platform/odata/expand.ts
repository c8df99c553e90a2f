import { sql, type SQL } from 'drizzle-orm';
import type { NavigationDefinition } from './entity-model.js';

/**
 * The rows an `$expand` brings in, for a whole page at once: one query per navigation instead of one
 * per parent row. The parent rows' join values (`navigation.join.local`, selected with the page) go in
 * as parameters; the database infers their type from the target's join column.
 */
export function expandPredicate(navigation: NavigationDefinition, localValues: readonly unknown[]): SQL {
  const present = [...new Set(localValues.filter((v) => v !== null && v !== undefined))];
  if (present.length === 0) return sql`false`;
  return sql`(${navigation.join.remote}) in (${sql.join(
    present.map((value) => sql`${value}`),
    sql`, `,
  )})`;
}
