import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryInvalid } from './dataverse-error.js';
import type { KeyLiteral, KeyPredicate } from './resource-path.js';
import type { SalesEntity } from './sales-entity.js';

/**
 * A key predicate (`(00000000-…)`, `(accountid=…)`, `(accountnumber='A1')`) resolved against an
 * entity: the SQL condition that finds the record, and what to set when an upsert creates it.
 */
export interface ResolvedKey {
  condition: SQL;
  /** The primary key value, when the record was addressed by it. */
  id: string | undefined;
  /** Alternate key values by attribute, when addressed by an alternate key (set on upsert-create). */
  alternate: Record<string, string | number> | undefined;
  /** For messages: `Id = …` or `accountnumber = 'A1'`. */
  description: string;
}

function literalText(value: KeyLiteral): string {
  return value.type === 'null' ? 'null' : value.value;
}

export function resolveKey(entity: SalesEntity, key: KeyPredicate): ResolvedKey {
  const keyName = entity.definition.key;
  if (key.kind === 'single' || (key.pairs.length === 1 && key.pairs[0]!.name === keyName)) {
    const value = key.kind === 'single' ? key.value : key.pairs[0]!.value;
    if (value.type !== 'guid')
      throw queryInvalid(
        `The key of ${entity.entitySet} is ${keyName}, a GUID written without quotes, e.g. ${entity.entitySet}(00000000-0000-0000-0000-000000000001); '${literalText(value)}' is not one.${
          entity.alternateKeys.length > 0
            ? ` To address a record by ${entity.alternateKeys.map((k) => k.join('+')).join(' or ')}, name it: ${entity.entitySet}(${entity.alternateKeys[0]!.map((n) => `${n}='…'`).join(',')}).`
            : ''
        }`,
      );
    return {
      condition: eq(entity.keyColumn, value.value),
      id: value.value,
      alternate: undefined,
      description: `Id = ${value.value}`,
    };
  }
  const names = key.pairs.map((p) => p.name).sort();
  const match = entity.alternateKeys.find(
    (k) => k.length === names.length && [...k].sort().every((n, i) => n === names[i]),
  );
  if (!match)
    throw queryInvalid(
      `The key (${key.pairs.map((p) => p.name).join(',')}) is not defined on ${entity.entitySet}. ${
        entity.alternateKeys.length > 0
          ? `Its alternate keys are: ${entity.alternateKeys.map((k) => k.join('+')).join(', ')}.`
          : `It has no alternate keys; use the ${keyName} GUID.`
      }`,
    );
  const conditions: SQL[] = [];
  const alternate: Record<string, string | number> = {};
  for (const pair of key.pairs) {
    const attribute = entity.writable.find((a) => a.name === pair.name)!;
    if (pair.value.type === 'null')
      throw queryInvalid(`The alternate key value of ${pair.name} cannot be null.`);
    const value = pair.value.value;
    if (attribute.type === 'string' && pair.value.type !== 'string')
      throw queryInvalid(
        `The alternate key value of ${pair.name} is text: write it in quotes, ${pair.name}='${value}'.`,
      );
    alternate[pair.name] = attribute.type === 'string' ? value : Number(value);
    conditions.push(sql`${attribute.column} = ${alternate[pair.name]}`);
  }
  return {
    condition: and(...conditions)!,
    id: undefined,
    alternate,
    description: key.pairs.map((p) => `${p.name} = '${literalText(p.value)}'`).join(', '),
  };
}
