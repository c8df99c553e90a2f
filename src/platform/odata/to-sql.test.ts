import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import type { EntityDefinition } from './entity-model.js';
import { afterRowSql, cursorSql, decodeSkipToken, encodeSkipToken } from './keyset-paging.js';
import { parseQueryOptions } from './query-options.js';
import { completeSortOrder, escapeLike, filterToSql, orderByToSql, type SqlOptions } from './to-sql.js';

const entity: EntityDefinition = {
  entitySet: 'things',
  key: 'id',
  properties: [
    { name: 'id', column: sql.raw('id'), type: 'guid', nullable: false },
    { name: 'name', column: sql.raw('name'), type: 'string', nullable: false },
    { name: 'qty', column: sql.raw('qty'), type: 'int', nullable: true },
    { name: 'price', column: sql.raw('price'), type: 'decimal', nullable: true },
    { name: 'on', column: sql.raw('on_'), type: 'boolean', nullable: true },
    { name: 'at', column: sql.raw('at'), type: 'datetime', nullable: false },
    { name: 'day', column: sql.raw('day'), type: 'date', nullable: true },
  ],
};

const dialect = new PgDialect();
const render = (fragment: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(fragment);
  return { sql: text, params };
};
const CI: SqlOptions = { caseInsensitive: true };
const CS: SqlOptions = { caseInsensitive: false };

function where(filter: string, options: SqlOptions = CS) {
  return render(
    filterToSql(parseQueryOptions({ $filter: filter }, entity, { allowSkip: true }).filter!, options),
  );
}

describe('filterToSql', () => {
  it.each<[string, SqlOptions, string, unknown[]]>([
    ["name eq 'x'", CS, '((name) = $1::text)', ['x']],
    ["name eq 'x'", CI, '(lower((name)) = lower($1::text))', ['x']],
    ["name ne 'x'", CS, '((name) is distinct from $1::text)', ['x']],
    ["name gt 'x'", CI, '(lower((name)) > lower($1::text))', ['x']],
    ['qty eq null', CS, '((qty) is null)', []],
    ['null ne qty', CS, '((qty) is not null)', []],
    ['null eq null', CS, 'true', []],
    ['qty le 5', CS, '((qty) <= $1::bigint)', ['5']],
    ['price lt -1.5', CS, '((price) < $1::numeric)', ['-1.5']],
    [
      'id eq 01234567-89ab-cdef-0123-456789ABCDEF',
      CS,
      '((id) = $1::uuid)',
      ['01234567-89ab-cdef-0123-456789abcdef'],
    ],
    ['at ge 2024-01-31T10:00:00.5+02:00', CS, '((at) >= $1::timestamptz)', ['2024-01-31T10:00:00.5+02:00']],
    ['at lt 2024-01-31', CS, '((at) < $1::timestamptz)', ['2024-01-31T00:00:00Z']],
    ['day eq 2024-01-31', CS, '((day) = $1::date)', ['2024-01-31']],
    ['on eq true', CS, '((on_) = $1::boolean)', ['true']],
    ['on', CS, '((on_))', []],
    ['not on', CS, '(not ((on_)))', []],
    ['qty eq price', CS, '((qty) is not distinct from (price))', []],
    ['qty ne price', CS, '((qty) is distinct from (price))', []],
    ['not (qty gt 1)', CS, '(not coalesce(((qty) > $1::bigint), false))', ['1']],
    [
      'not (qty eq 1 or qty eq null)',
      CS,
      '(not (coalesce(((qty) = $1::bigint), false) or ((qty) is null)))',
      ['1'],
    ],
    [
      "qty gt 1 and name eq 'a' or on",
      CS,
      '((((qty) > $1::bigint) and ((name) = $2::text)) or ((on_)))',
      ['1', 'a'],
    ],
    ['qty in (1, 2)', CS, '((qty) in ($1::bigint, $2::bigint))', ['1', '2']],
    ['qty in (1, null)', CS, '((qty) in ($1::bigint) or (qty) is null)', ['1']],
    ['qty in (null)', CS, '((qty) is null)', []],
    ["name in ('A','b')", CI, '(lower((name)) in (lower($1::text), lower($2::text)))', ['A', 'b']],
    ['not (qty in (1))', CS, '(not coalesce(((qty) in ($1::bigint)), false))', ['1']],
    ["contains(name,'50%_off\\')", CS, "((name) like $1::text escape '\\')", ['%50\\%\\_off\\\\%']],
    ["contains(name,'x')", CI, "((name) ilike $1::text escape '\\')", ['%x%']],
    ["startswith(name,'x')", CS, "((name) like $1::text escape '\\')", ['x%']],
    ["endswith(name,'x')", CS, "((name) like $1::text escape '\\')", ['%x']],
    [
      'contains(name,tolower(name))',
      CS,
      "((name) like $1::text || replace(replace(replace(lower((name)), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || $2::text escape '\\')",
      ['%', '%'],
    ],
    ["toupper(trim(name)) eq 'X'", CS, '(upper(btrim((name))) = $1::text)', ['X']],
    ["name eq 'x''; drop table things; --'", CS, '((name) = $1::text)', ["x'; drop table things; --"]],
  ])('%s (%o)', (filter, options, text, params) => {
    expect(where(filter, options)).toEqual({ sql: text, params });
  });
});

describe('escapeLike', () => {
  it('escapes %, _ and the escape character itself, and nothing else', () => {
    expect(escapeLike('a%b_c\\d*e?f[g]')).toBe('a\\%b\\_c\\\\d*e?f[g]');
  });
});

describe('orderByToSql', () => {
  const order = (text: string, options: SqlOptions = CS) =>
    render(
      orderByToSql(
        parseQueryOptions({ $orderby: text }, entity, { allowSkip: true }).orderBy,
        entity,
        options,
      ),
    ).sql;

  it('puts nulls first ascending and last descending, and appends the key', () => {
    expect(order('qty desc,price')).toBe(
      '(qty) desc nulls last, (price) asc nulls first, (id) asc nulls first',
    );
  });

  it('does not append the key when it is already ordered on', () => {
    expect(order('id desc')).toBe('(id) desc nulls last');
    expect(order('name,id desc')).toBe('(name) asc nulls first, (id) desc nulls last');
  });

  it('orders text by its lower-case form when case-insensitive', () => {
    expect(order('name desc', CI)).toBe('lower((name)) desc nulls last, (id) asc nulls first');
  });

  it('orders by the key alone when no order is asked for', () => {
    expect(render(orderByToSql([], entity, CS)).sql).toBe('(id) asc nulls first');
  });
});

describe('keyset paging', () => {
  const sortOrder = (text: string) =>
    completeSortOrder(parseQueryOptions({ $orderby: text }, entity, { allowSkip: true }).orderBy, entity);

  it('builds the after-row predicate branch by branch, with nulls in their place', () => {
    const order = sortOrder('qty desc,name');
    expect(render(afterRowSql(order, ['5', 'b', 'k'], CI))).toEqual({
      sql:
        '((((qty) < $1::bigint or (qty) is null)) or ((qty) = $2::bigint and lower((name)) > lower($3::text)) or ' +
        '((qty) = $4::bigint and lower((name)) = lower($5::text) and (id) > $6::uuid))',
      params: ['5', '5', 'b', '5', 'b', 'k'],
    });
    // After a null in a descending column nothing but equal nulls can follow; in an ascending one, every non-null.
    expect(render(afterRowSql(order, [null, 'b', 'k'], CS)).sql).toBe(
      '(((qty) is null and (name) > $1::text) or ((qty) is null and (name) = $2::text and (id) > $3::uuid))',
    );
    expect(render(afterRowSql(sortOrder('price'), [null, 'k'], CS)).sql).toBe(
      '(((price) is not null) or ((price) is null and (id) > $1::uuid))',
    );
    expect(render(afterRowSql(sortOrder('id desc'), ['k'], CS)).sql).toBe(
      '((((id) < $1::uuid or (id) is null)))',
    );
  });

  it('selects the cursor as lossless text, timestamps and dates in ISO form', () => {
    expect(render(cursorSql(sortOrder('at,day,price'))).sql).toBe(
      "json_build_array((to_json((at)) #>> '{}'), (to_json((day)) #>> '{}'), ((price))::text, ((id))::text)",
    );
  });

  it('round-trips sort values through an opaque URL-safe token', () => {
    const order = sortOrder('name desc,qty');
    const values = ['Ünïcödé & ?=/+', null, '01234567-89ab-cdef-0123-456789abcdef'];
    const token = encodeSkipToken(order, values);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSkipToken(token, order)).toEqual(values);
  });

  it('refuses tokens that are malformed, tampered with or made for another order', () => {
    const order = sortOrder('name');
    const token = encodeSkipToken(order, ['a', 'k']);
    const bad = (text: string) => () => decodeSkipToken(text, order);
    const message = /The \$skiptoken is not valid for this query/;
    expect(bad('not a token!')).toThrow(message);
    expect(bad(token.slice(0, -4))).toThrow(message);
    expect(bad(Buffer.from('{"o":"name asc,id asc","v":[1,2]}').toString('base64url'))).toThrow(message);
    expect(bad(Buffer.from('{"o":"name asc,id asc","v":["a"]}').toString('base64url'))).toThrow(message);
    expect(bad(Buffer.from('null').toString('base64url'))).toThrow(message);
    expect(bad('A'.repeat(20_000))).toThrow(message);
    expect(() => decodeSkipToken(token, sortOrder('name desc'))).toThrow(message);
    expect(() => encodeSkipToken(order, ['a'])).toThrow('needs 2 sort values');
  });
});
