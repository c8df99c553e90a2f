import { PgDialect } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idIn } from './id-list.js';

describe('idIn', () => {
  const dialect = new PgDialect();
  it('sends the ids as one parameter', () => {
    const ids = ['0193b0c2-7f00-7000-8000-000000000001', '0193b0c2-7f00-7000-8000-000000000002'];
    const query = dialect.sqlToQuery(idIn(sql.raw('u.id'), ids));
    expect(query.sql).toBe(`u.id = any(string_to_array($1::text, ',')::uuid[])`);
    expect(query.params).toEqual([ids.join(',')]);
  });

  it('refuses anything that could split into more ids', () => {
    expect(() => idIn(sql.raw('u.id'), ['a,b'])).toThrow(/not an id/);
  });
});
