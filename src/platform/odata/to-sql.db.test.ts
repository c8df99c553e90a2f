import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import { boolean, date, integer, numeric, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatePgdata } from '../../../test/support/template.js';
import { openDatabase, queryRows, type DatabaseHandle } from '../db/database.js';
import type { EntityDefinition } from './entity-model.js';
import { expandPredicate } from './expand.js';
import {
  afterRowSql,
  cursorSql,
  decodeSkipToken,
  encodeSkipToken,
  type CursorValue,
} from './keyset-paging.js';
import { parseQueryOptions } from './query-options.js';
import { completeSortOrder, filterToSql, orderByToSql, type SqlOptions } from './to-sql.js';

/**
 * The translation run for real: a scratch table in its own schema on PGlite (a copy of the test
 * template) or, when TANDEM_TEST_DATABASE_URL is set, on a fresh PostgreSQL database. Expected rows come
 * from plain JavaScript predicates over the same data, written independently of the SQL.
 */

const scratch = pgSchema('odata_test');
const items = scratch.table('items', {
  id: uuid('id').primaryKey(),
  label: text('label').notNull(),
  name: text('name').notNull(),
  city: text('city'),
  qty: integer('qty').notNull(),
  price: numeric('price', { precision: 12, scale: 4 }),
  active: boolean('active').notNull(),
  created: timestamp('created', { withTimezone: true }).notNull(),
  due: date('due'),
  status: integer('status'),
});

const entity: EntityDefinition = {
  entitySet: 'items',
  key: 'itemid',
  properties: [
    { name: 'itemid', column: items.id, type: 'guid', nullable: false },
    { name: 'label', column: items.label, type: 'string', nullable: false },
    { name: 'name', column: items.name, type: 'string', nullable: false },
    { name: 'city', column: items.city, type: 'string', nullable: true },
    { name: 'qty', column: items.qty, type: 'int', nullable: false },
    { name: 'price', column: items.price, type: 'decimal', nullable: true },
    { name: 'active', column: items.active, type: 'boolean', nullable: false },
    { name: 'createdon', column: items.created, type: 'datetime', nullable: false },
    { name: 'due', column: items.due, type: 'date', nullable: true },
    { name: 'statuscode', column: items.status, type: 'enum', nullable: true, enumValues: [1, 2, 3] },
    // An expression property: proves SQL expressions work where columns do.
    { name: 'namelength', column: sql`length(${items.name})`, type: 'int', nullable: false },
  ],
};

interface Row {
  label: string;
  id: string;
  name: string;
  city: string | null;
  qty: number;
  price: number | null;
  active: boolean;
  created: string;
  due: string | null;
  status: number | null;
}

const id = (n: number) => `a1b2c3d4-0000-4000-8000-${String(n).padStart(12, '0')}`;
const row = (
  n: number,
  name: string,
  city: string | null,
  qty: number,
  price: number | null,
  active: boolean,
  created: string,
  due: string | null,
  status: number | null,
): Row => ({
  label: `r${String(n).padStart(2, '0')}`,
  id: id(n),
  name,
  city,
  qty,
  price,
  active,
  created,
  due,
  status,
});

const ROWS: Row[] = [
  row(1, 'Contoso Ltd', 'Seattle', 5, 10.5, true, '2024-01-31T10:00:00.123456Z', '2024-02-01', 1),
  row(2, 'contoso pharmacy', 'seattle', 5, 10.5, false, '2024-01-31T10:00:00.123457Z', '2024-02-01', 2),
  row(3, 'Fabrikam', null, 0, 0, true, '2024-01-01T00:00:00Z', null, 1),
  row(4, '100% Cotton', 'Paris', 3, 99.9999, true, '2023-12-31T23:59:59.999999Z', '2023-12-31', null),
  row(5, '100 Percent', 'Paris', 3, null, false, '2024-01-31T12:00:00+02:00', '2024-01-31', 3),
  row(6, 'under_score', 'Oslo', 7, 1.25, true, '2024-02-29T08:30:00Z', '2024-02-29', 2),
  row(7, 'underXscore', 'Oslo', 7, 1.25, true, '2024-03-01T00:00:00Z', null, 2),
  row(8, 'back\\slash', null, 1, 2, false, '2024-03-01T00:00:00Z', '2024-03-01', null),
  row(9, "O'Neil", 'Dublin', 2, 3, true, '2024-03-02T00:00:00Z', '2024-03-02', 1),
  row(10, 'Adventure Works', 'SEATTLE', 9, 500, true, '2024-04-01T00:00:00Z', '2024-04-01', 3),
  row(11, 'Tie', 'Rome', 4, 4, true, '2024-05-01T00:00:00Z', '2024-05-01', 1),
  row(12, 'Tie', 'Rome', 4, 4, true, '2024-05-01T00:00:00Z', '2024-05-01', 1),
  row(13, 'tie', null, 4, 4, false, '2024-05-01T00:00:00Z', null, null),
  row(14, 'TIE', 'Rome', 4, null, true, '2024-05-01T00:00:00Z', '2024-05-01', 1),
  row(15, 'Tie', null, 4, 4, true, '2024-05-01T00:00:00Z', null, 2),
  row(16, 'Northwind', 'Lisbon', 12, 12.3456, true, '2024-06-15T09:15:30.5Z', '2024-06-15', 3),
  row(17, 'Wide World', 'Lisbon', 12, 0.0001, false, '2024-06-15T09:15:30.5Z', '2024-06-15', 3),
  row(18, 'Litware', 'Tokyo', 0, null, true, '2024-07-01T00:00:00Z', '2024-07-01', null),
  row(19, 'Proseware', 'Tokyo', 6, 7.5, true, '2024-08-01T00:00:00Z', '2024-08-01', 2),
  row(20, 'percent%', 'Seattle', 6, 7.5, false, '2024-08-01T00:00:00Z', null, 2),
];

const CI: SqlOptions = { caseInsensitive: true };
const CS: SqlOptions = { caseInsensitive: false };
const time = (iso: string) => new Date(iso).getTime();

let handle: DatabaseHandle;
let cleanup: () => Promise<void>;

async function openScratchDatabase(): Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void> }> {
  const adminUrl = process.env.TANDEM_TEST_DATABASE_URL;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-odata-'));
  if (!adminUrl) {
    fs.cpSync(templatePgdata(), path.join(dataDir, 'pgdata'), { recursive: true });
    const opened = await openDatabase({ dataDir });
    return {
      handle: opened,
      cleanup: async () => {
        await opened.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `tandem_odata_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const opened = await openDatabase({ databaseUrl: url.toString(), dataDir });
  return {
    handle: opened,
    cleanup: async () => {
      await opened.close();
      await admin(`drop database if exists ${name} with (force)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

beforeAll(async () => {
  ({ handle, cleanup } = await openScratchDatabase());
  await handle.db.execute(sql`create schema odata_test`);
  await handle.db.execute(sql`create table odata_test.items (
    id uuid primary key, label text not null, name text not null, city text, qty integer not null,
    price numeric(12,4), active boolean not null, created timestamptz not null, due date, status integer)`);
  await handle.db.insert(items).values(
    ROWS.map((r) => ({
      ...r,
      price: r.price === null ? null : String(r.price),
      created: new Date(r.created),
    })),
  );
  // Microsecond precision matters to paging: set the exact timestamps, which a JS Date cannot carry.
  for (const r of ROWS)
    await handle.db.execute(
      sql`update odata_test.items set created = ${r.created}::timestamptz where id = ${r.id}::uuid`,
    );
});

const parts = scratch.table('parts', {
  id: integer('id').primaryKey(),
  itemId: uuid('item_id'),
});

const partEntity: EntityDefinition = {
  entitySet: 'parts',
  key: 'partid',
  properties: [
    { name: 'partid', column: parts.id, type: 'int', nullable: false },
    { name: '_itemid_value', column: parts.itemId, type: 'guid', nullable: true },
  ],
};

const itemParts = {
  name: 'item_parts',
  target: () => partEntity,
  kind: 'collection',
  join: { local: items.id, remote: parts.itemId },
} as const;

describe('$expand on a real database', () => {
  beforeAll(async () => {
    await handle.db.execute(sql`create table odata_test.parts (id integer primary key, item_id uuid)`);
    await handle.db.insert(parts).values([
      { id: 1, itemId: id(1) },
      { id: 2, itemId: id(1) },
      { id: 3, itemId: id(2) },
      { id: 4, itemId: id(9) },
      { id: 5, itemId: null },
    ]);
  });

  it('fetches the related rows of a page of parents in one query', async () => {
    const related = async (values: unknown[]) =>
      (
        await queryRows<{ id: number }>(
          handle.db,
          sql`select id from odata_test.parts where ${expandPredicate(itemParts, values)} order by id`,
        )
      ).map((r) => r.id);
    expect(await related([id(1), id(2), id(1), null])).toEqual([1, 2, 3]);
    expect(await related([id(3)])).toEqual([]);
    expect(await related([null])).toEqual([]);
  });
});

afterAll(async () => {
  await cleanup?.();
});

function where(filter: string, options: SqlOptions): SQL {
  const parsed = parseQueryOptions({ $filter: filter }, entity, { allowSkip: true });
  return filterToSql(parsed.filter!, options);
}

async function labels(filter: string, options: SqlOptions = CI): Promise<string[]> {
  const rows = await queryRows<{ label: string }>(
    handle.db,
    sql`select label from odata_test.items where ${where(filter, options)} order by label`,
  );
  return rows.map((r) => r.label);
}

const expected = (predicate: (r: Row) => boolean) => ROWS.filter(predicate).map((r) => r.label);

describe('$filter on a real database', () => {
  const cases: Array<[string, (r: Row) => boolean, SqlOptions?]> = [
    ["name eq 'Tie'", (r) => r.name.toLowerCase() === 'tie'],
    ["name eq 'Tie'", (r) => r.name === 'Tie', CS],
    ["name ne 'Tie'", (r) => r.name !== 'Tie', CS],
    ["city eq 'seattle'", (r) => r.city?.toLowerCase() === 'seattle'],
    ["city ne 'seattle'", (r) => r.city?.toLowerCase() !== 'seattle'],
    ['city eq null', (r) => r.city === null],
    ['city ne null', (r) => r.city !== null],
    ["not (city eq 'Paris')", (r) => r.city !== 'Paris'],
    ["contains(name,'contoso')", (r) => r.name.toLowerCase().includes('contoso')],
    ["contains(name,'contoso')", (r) => r.name.includes('contoso'), CS],
    ["startswith(name,'ti')", (r) => r.name.toLowerCase().startsWith('ti')],
    ["endswith(name,'LTD')", (r) => r.name.toLowerCase().endsWith('ltd')],
    ["contains(name,'%')", (r) => r.name.includes('%')],
    ["contains(name,'0%')", (r) => r.name.includes('0%')],
    ["contains(name,'_')", (r) => r.name.includes('_')],
    ["contains(name,'r_s')", (r) => r.name.includes('r_s')],
    ["contains(name,'\\')", (r) => r.name.includes('\\')],
    ["endswith(name,'%')", (r) => r.name.endsWith('%')],
    ["contains(name,'''')", (r) => r.name.includes("'")],
    ["not contains(name,'e')", (r) => !r.name.toLowerCase().includes('e')],
    ["contains(city,'att')", (r) => (r.city ?? '').includes('att'), CS],
    ["contains(city,'ATT')", (r) => (r.city ?? '').toLowerCase().includes('att')],
    ["contains(tolower(name),'tie')", (r) => r.name.toLowerCase().includes('tie'), CS],
    ["toupper(name) eq 'TIE'", (r) => r.name.toUpperCase() === 'TIE', CS],
    ["trim(' Tie ') eq name", (r) => r.name === 'Tie', CS],
    ['qty gt 5', (r) => r.qty > 5],
    ['qty ge 5 and qty le 7', (r) => r.qty >= 5 && r.qty <= 7],
    ['qty lt 1 or qty eq 12', (r) => r.qty < 1 || r.qty === 12],
    ['qty gt 4.5', (r) => r.qty > 4.5],
    ['qty in (0, 3, 12)', (r) => [0, 3, 12].includes(r.qty)],
    ['not (qty in (0, 3, 12))', (r) => ![0, 3, 12].includes(r.qty)],
    ['price eq 10.5', (r) => r.price === 10.5],
    ['price gt 99.9998', (r) => r.price !== null && r.price > 99.9998],
    ['price le 0.0001', (r) => r.price !== null && r.price <= 0.0001],
    ['price eq null', (r) => r.price === null],
    ['price ne 4', (r) => r.price !== 4],
    ['not (price gt 5)', (r) => !(r.price !== null && r.price > 5)],
    ['active', (r) => r.active],
    ['not active', (r) => !r.active],
    ['active eq false and qty gt 2', (r) => !r.active && r.qty > 2],
    [
      'createdon gt 2024-01-31T10:00:00.123456Z',
      (r) => r.label !== 'r01' && time(r.created) >= time('2024-01-31T10:00:00.123Z'),
    ],
    ['createdon lt 2024-01-01', (r) => time(r.created) < time('2024-01-01T00:00:00Z')],
    ['createdon eq 2024-01-31T10:00:00Z', (r) => time(r.created) === time('2024-01-31T10:00:00Z')],
    ['createdon ge 2024-05-01T02:00:00+02:00', (r) => time(r.created) >= time('2024-05-01T00:00:00Z')],
    ['due eq 2024-02-01', (r) => r.due === '2024-02-01'],
    ['due lt 2024-02-01 or due eq null', (r) => r.due === null || r.due < '2024-02-01'],
    ['statuscode eq 2', (r) => r.status === 2],
    ['statuscode in (1, null)', (r) => r.status === 1 || r.status === null],
    ['statuscode ne 1', (r) => r.status !== 1],
    [`itemid eq ${id(7).toUpperCase()}`, (r) => r.id === id(7)],
    [`itemid in (${id(1)}, ${id(20)})`, (r) => r.id === id(1) || r.id === id(20)],
    ['namelength le 3', (r) => r.name.length <= 3],
    [
      "qty eq 4 and not (city eq 'Rome' or city eq null)",
      (r) => r.qty === 4 && r.city !== 'Rome' && r.city !== null,
    ],
    ['qty eq 4 and price ne qty', (r) => r.qty === 4 && r.price !== 4],
  ];
  it.each(cases)('%s', async (filter, predicate, options) => {
    expect(await labels(filter, options)).toEqual(expected(predicate));
  });

  it('compares columns with each other, null equal to null', async () => {
    expect(await labels('price eq qty')).toEqual(expected((r) => r.price === r.qty));
    expect(await labels('due ne due')).toEqual([]);
  });
});

describe('$orderby and keyset paging on a real database', () => {
  async function query(
    orderText: string,
    filter: string | undefined,
    options: SqlOptions,
    page?: { token: string | undefined; size: number },
  ): Promise<Array<{ label: string; cursor: CursorValue[] }>> {
    const parsed = parseQueryOptions(
      { ...(orderText ? { $orderby: orderText } : {}), ...(filter ? { $filter: filter } : {}) },
      entity,
      { allowSkip: false },
    );
    const order = completeSortOrder(parsed.orderBy, entity);
    const conditions: SQL[] = [sql`true`];
    if (parsed.filter) conditions.push(filterToSql(parsed.filter, options));
    if (page?.token) conditions.push(afterRowSql(order, decodeSkipToken(page.token, order), options));
    const limit = page ? sql`limit ${page.size}` : sql``;
    return queryRows(
      handle.db,
      sql`select label, ${cursorSql(order)} as cursor from odata_test.items
          where ${sql.join(conditions, sql` and `)}
          order by ${orderByToSql(parsed.orderBy, entity, options)} ${limit}`,
    );
  }

  async function pageThrough(
    orderText: string,
    filter: string | undefined,
    options: SqlOptions,
    size: number,
  ) {
    const order = completeSortOrder(
      parseQueryOptions({ $orderby: orderText || 'itemid' }, entity, { allowSkip: false }).orderBy,
      entity,
    );
    const seen: string[] = [];
    let token: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const rows = await query(orderText, filter, options, { token, size });
      seen.push(...rows.map((r) => r.label));
      if (rows.length < size) return seen;
      token = encodeSkipToken(order, rows[rows.length - 1]!.cursor);
    }
    throw new Error('paging did not finish');
  }

  const byLabel = (a: Row, b: Row) => a.label.localeCompare(b.label);
  const nullsFirst = <T>(v: T | null, w: T | null, cmp: (x: T, y: T) => number) =>
    v === null ? (w === null ? 0 : -1) : w === null ? 1 : cmp(v, w);
  const num = (x: number, y: number) => x - y;
  const str = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

  it.each<[string, (a: Row, b: Row) => number]>([
    ['', byLabel],
    ['qty desc', (a, b) => b.qty - a.qty || byLabel(a, b)],
    ['price asc', (a, b) => nullsFirst(a.price, b.price, num) || byLabel(a, b)],
    ['due desc,qty', (a, b) => nullsFirst(b.due, a.due, str) || a.qty - b.qty || byLabel(a, b)],
    [
      'statuscode desc,active asc',
      (a, b) => nullsFirst(b.status, a.status, num) || Number(a.active) - Number(b.active) || byLabel(a, b),
    ],
    ['itemid desc', (a, b) => byLabel(b, a)],
  ])('orders by %s with nulls smallest and the key as tie-breaker', async (orderText, compare) => {
    const rows = await query(orderText, undefined, CI);
    expect(rows.map((r) => r.label)).toEqual([...ROWS].sort(compare).map((r) => r.label));
  });

  it('orders timestamps to the microsecond and text case-insensitively when asked', async () => {
    const created = (await query('createdon desc', 'createdon lt 2024-02-01', CI)).map((r) => r.label);
    expect(created).toEqual(['r02', 'r01', 'r05', 'r03', 'r04']);
    const names = (await query('name asc', "startswith(name,'ti')", CI)).map((r) => r.label);
    expect(names).toEqual(['r11', 'r12', 'r13', 'r14', 'r15']);
  });

  const orders = [
    '',
    'qty desc',
    'price asc',
    'due desc,qty',
    'city asc,name desc',
    'name',
    'createdon desc',
    'statuscode desc,active asc',
    'itemid desc',
  ];
  for (const options of [CI, CS])
    for (const orderText of orders)
      it.each([1, 3, 7])(
        `pages through '${orderText}' (${options.caseInsensitive ? 'case-insensitive' : 'case-sensitive'}) %i at a time without losing or repeating a row`,
        async (size) => {
          const all = (await query(orderText, undefined, options)).map((r) => r.label);
          expect(all).toHaveLength(ROWS.length);
          expect(await pageThrough(orderText, undefined, options, size)).toEqual(all);
        },
      );

  it('pages a filtered query', async () => {
    const all = (await query('name desc', 'qty ge 4', CI)).map((r) => r.label);
    expect([...all].sort()).toEqual(expected((r) => r.qty >= 4));
    expect(await pageThrough('name desc', 'qty ge 4', CI, 2)).toEqual(all);
  });

  it('refuses a token made for another order, or altered', async () => {
    const qtyOrder = completeSortOrder(
      parseQueryOptions({ $orderby: 'qty' }, entity, { allowSkip: false }).orderBy,
      entity,
    );
    const token = encodeSkipToken(qtyOrder, ['4', id(11)]);
    await expect(query('qty desc', undefined, CI, { token, size: 3 })).rejects.toThrow(
      /\$skiptoken is not valid/,
    );
    await expect(query('qty', undefined, CI, { token: token.slice(0, -3), size: 3 })).rejects.toThrow(
      /\$skiptoken/,
    );
    expect((await query('qty', undefined, CI, { token, size: 3 })).map((r) => r.label)).toEqual([
      'r12',
      'r13',
      'r14',
    ]);
  });
});
