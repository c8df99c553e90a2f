import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * `column = any(ids)` with the ids as ONE text parameter, for the pages of hundreds of ids that
 * background loops read (feed snapshots, provisioning). drizzle's inArray sends a parameter per id:
 * building those statements took about a quarter of provisioning 100,000 users on PGlite, where
 * every parameter is also encoded in JavaScript on the server's thread. Ids are uuids (no commas).
 */
export function idIn(column: SQLWrapper, ids: readonly string[]): SQL {
  for (const id of ids) {
    if (id.includes(',')) throw new Error(`idIn: not an id: ${id}`);
  }
  return sql`${column} = any(string_to_array(${ids.join(',')}::text, ',')::uuid[])`;
}
