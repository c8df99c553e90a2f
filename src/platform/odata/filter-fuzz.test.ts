import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import type { EntityDefinition } from './entity-model.js';
import { bindFilter } from './filter-binder.js';
import { parseFilter } from './filter-parser.js';
import { filterToSql } from './to-sql.js';

/**
 * Random `$filter` input must end in a bound filter that translates to SQL, or in an AppError (a 400):
 * never in a TypeError, a stack overflow or a translation the binder should have stopped.
 */

const entity: EntityDefinition = {
  entitySet: 'things',
  key: 'id',
  properties: [
    { name: 'id', column: sql.raw('id'), type: 'guid', nullable: false },
    { name: 'name', column: sql.raw('name'), type: 'string', nullable: true },
    { name: 'qty', column: sql.raw('qty'), type: 'int', nullable: true },
    { name: 'price', column: sql.raw('price'), type: 'decimal', nullable: true },
    { name: 'on', column: sql.raw('on_'), type: 'boolean', nullable: true },
    { name: 'at', column: sql.raw('at'), type: 'datetime', nullable: false },
    { name: 'day', column: sql.raw('day'), type: 'date', nullable: true },
    { name: 'state', column: sql.raw('state'), type: 'enum', nullable: false, enumValues: [0, 1] },
  ],
};

const VOCABULARY = [
  'name',
  'qty',
  'price',
  'on',
  'at',
  'day',
  'state',
  'id',
  'nope',
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'and',
  'or',
  'not',
  'in',
  'has',
  'add',
  '(',
  ')',
  ',',
  '/',
  "'x'",
  "'it''s'",
  "'%_\\'",
  "'",
  '1',
  '-1',
  '0',
  '1.5',
  'null',
  'true',
  'false',
  'contains',
  'startswith',
  'endswith',
  'tolower',
  'toupper',
  'trim',
  'any',
  '2024-01-31',
  '2024-01-31T10:00:00Z',
  '01234567-89ab-cdef-0123-456789abcdef',
  '$it',
  '"',
  'EQ',
];

/** Deterministic, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dialect = new PgDialect();

function check(text: string): 'ok' | 'refused' {
  try {
    const bound = bindFilter(parseFilter(text), entity);
    dialect.sqlToQuery(filterToSql(bound, { caseInsensitive: true }));
    dialect.sqlToQuery(filterToSql(bound, { caseInsensitive: false }));
    return 'ok';
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return 'refused';
    throw new Error(`'${text}' failed with ${String(error)}`, { cause: error });
  }
}

describe('$filter fuzzing', () => {
  it('turns random token sequences into SQL or a 400, nothing else', () => {
    const next = random(20240131);
    for (let i = 0; i < 4000; i++) {
      const length = 1 + Math.floor(next() * 12);
      const words = Array.from({ length }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]!);
      check(words.join(next() < 0.5 ? ' ' : ''));
    }
  });

  it('turns random grammatical filters into SQL or a 400, and most of them into SQL', () => {
    const next = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const properties = ['name', 'qty', 'price', 'on', 'at', 'day', 'state', 'id'];
    const literals = [
      "'x'",
      '1',
      '0',
      '1.5',
      'null',
      'true',
      '2024-01-31',
      '2024-01-31T10:00:00Z',
      '01234567-89ab-cdef-0123-456789abcdef',
    ];
    const typed: Record<string, string[]> = {
      name: ["'x'", "'it''s'", 'null', "tolower('A')"],
      qty: ['1', '-3', '1.5', 'null', 'price'],
      price: ['1', '0.25', 'null', 'qty'],
      on: ['true', 'false', 'null'],
      at: ['2024-01-31', '2024-01-31T10:00:00Z', 'null'],
      day: ['2024-01-31', 'null'],
      state: ['0', '1', 'null'],
      id: ['01234567-89ab-cdef-0123-456789abcdef', 'null'],
    };
    const generate = (depth: number): string => {
      const choice = depth > 3 ? 0 : Math.floor(next() * 7);
      const property = pick(properties);
      // Mostly well-typed, sometimes any literal, so both outcomes are exercised.
      const value = next() < 0.85 ? pick(typed[property]!) : pick(literals);
      switch (choice) {
        case 0:
          return `${property} ${pick(['eq', 'ne', 'gt', 'ge', 'lt', 'le'])} ${value}`;
        case 1:
          return `not (${generate(depth + 1)})`;
        case 2:
          return `(${generate(depth + 1)}) ${pick(['and', 'or'])} (${generate(depth + 1)})`;
        case 3:
          return `${generate(depth + 1)} ${pick(['and', 'or'])} ${generate(depth + 1)}`;
        case 4:
          return `${pick(['contains', 'startswith', 'endswith'])}(${next() < 0.8 ? pick(['name', 'tolower(name)', 'trim(name)']) : property},${next() < 0.8 ? "'a%_'" : value})`;
        case 5:
          return `${property} in (${value}, ${pick(typed[property]!)})`;
        default:
          return next() < 0.5 ? 'on' : 'not on';
      }
    };
    const outcomes = { ok: 0, refused: 0 };
    for (let i = 0; i < 3000; i++) outcomes[check(generate(0))]++;
    expect(outcomes.ok).toBeGreaterThan(1000);
    expect(outcomes.refused).toBeGreaterThan(100);
  });

  it('turns random characters into SQL or a 400, nothing else', () => {
    const next = random(7);
    const alphabet = 'abnqeto ()\',/-.:0123456789TZ$@"\\%_';
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(next() * 30);
      const text = Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      check(text);
    }
  });
});
