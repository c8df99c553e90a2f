import { getTableColumns } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { nearbyNames } from '../platform/odata/index.js';
import { erpError } from './errors.js';
import type { FieldSpec, RecordEntity } from './record-entity.js';

/**
 * A request body → the column values to store, checked the way BC checks them: unknown properties
 * are refused (naming the property and the nearest known names), non-editable ones are ignored,
 * types must match, text must fit its field (Application_StringExceededLength), codes are
 * upper-cased and option values must be one of the field's options (spaces may come as `_x0020_`).
 */

export interface ParsedInput {
  /** Column property name (drizzle key) → value. */
  values: Record<string, unknown>;
  /** Wire names present in the body (after aliases). */
  given: Set<string>;
  /** `id` from the body, if any (POST may choose the system id, as BC allows). */
  id: string | undefined;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const columnKeys = new WeakMap<RecordEntity, Map<PgColumn, string>>();

/** The drizzle property name of a column of the entity's table. */
export function columnKey(entity: RecordEntity, column: PgColumn): string {
  let keys = columnKeys.get(entity);
  if (!keys) {
    keys = new Map(Object.entries(getTableColumns(entity.table)).map(([key, c]) => [c as PgColumn, key]));
    columnKeys.set(entity, keys);
  }
  const key = keys.get(column);
  if (!key) throw new Error(`Column ${column.name} is not in the table of ${entity.entitySet}.`);
  return key;
}

function findField(entity: RecordEntity, name: string): FieldSpec | undefined {
  return entity.fields.find((f) => f.name === name || f.aliases?.includes(name));
}

function invalid(entity: RecordEntity, field: FieldSpec, message: string) {
  return erpError(
    'BadRequest',
    'BadRequest',
    `${message} (property '${field.name}' of ${entity.entityName}).`,
    {
      problems: [{ field: field.name, message }],
    },
  );
}

function coerce(entity: RecordEntity, field: FieldSpec, raw: unknown): unknown {
  switch (field.type) {
    case 'string': {
      if (raw === null) return '';
      if (typeof raw !== 'string')
        throw invalid(entity, field, `Expected a string, got ${JSON.stringify(raw)}`);
      let value = raw;
      if (field.values) {
        // BC's own responses write spaces in option values XML-encoded ("In_x0020_Progress"), so a
        // client may send back either form.
        const plain = value.replace(/_x0020_/g, ' ');
        const match = field.values.find((v) => v.toLowerCase() === plain.toLowerCase());
        if (match === undefined)
          throw erpError(
            'BadRequest',
            'Application_EvaluateException',
            `The value "${value}" cannot be evaluated into type ${field.name}. Use one of: ${field.values
              .map((v) => `"${v}"`)
              .join(', ')}.`,
            { problems: [{ field: field.name, message: 'not an allowed value', value }] },
          );
        return match;
      }
      if (field.maxLength !== undefined && value.length > field.maxLength)
        throw erpError(
          'BadRequest',
          'Application_StringExceededLength',
          `The length of the string is ${value.length}, but it must be less than or equal to ${field.maxLength} characters. Value: ${value.slice(0, 250)} (property '${field.name}' of ${entity.entityName}).`,
          { problems: [{ field: field.name, message: `longer than ${field.maxLength} characters` }] },
        );
      if (field.upper) value = value.toUpperCase();
      return value;
    }
    case 'guid':
      if (typeof raw !== 'string' || !GUID.test(raw))
        throw erpError(
          'BadRequest',
          'Application_InvalidGUID',
          `Invalid format of GUID string in property '${field.name}'. The correct format of the GUID string is: CDEF7890-ABCD-0123-1234-567890ABCDEF where 0-9, A-F symbolizes hexadecimal digits.`,
          { problems: [{ field: field.name, message: 'not a GUID' }] },
        );
      return raw.toLowerCase();
    case 'decimal':
      if (typeof raw !== 'number' || !Number.isFinite(raw))
        throw invalid(entity, field, `Expected a number, got ${JSON.stringify(raw)}`);
      return String(raw);
    case 'boolean':
      if (typeof raw !== 'boolean')
        throw invalid(entity, field, `Expected true or false, got ${JSON.stringify(raw)}`);
      return raw;
    case 'date': {
      if (raw === null || raw === '' || raw === '0001-01-01') return null;
      const m = typeof raw === 'string' ? DATE.exec(raw) : null;
      const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
      if (!m || !d || d.getUTCDate() !== Number(m[3]))
        throw erpError(
          'BadRequest',
          'BadRequest',
          `Unable to convert value ${JSON.stringify(raw)} to Date for property '${field.name}'; write dates as YYYY-MM-DD.`,
          { problems: [{ field: field.name, message: 'not a date' }] },
        );
      return raw;
    }
    case 'datetime':
      throw invalid(entity, field, 'Date/time properties are read-only');
  }
}

/** Checks a POST or PATCH body against the entity's fields. */
export function parseInput(entity: RecordEntity, body: unknown): ParsedInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw erpError(
      'BadRequest',
      'BadRequest',
      `Invalid Request Body: send a JSON object with the properties of a ${entity.entityName}.`,
    );
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  let id: string | undefined;
  for (const [name, raw] of Object.entries(body as Record<string, unknown>)) {
    if (name.startsWith('@odata.')) continue;
    if (name === 'id') {
      if (raw === null || raw === undefined) continue;
      id = coerce(entity, { name: 'id', type: 'guid' }, raw) as string;
      continue;
    }
    const field = findField(entity, name);
    if (!field) {
      const near = nearbyNames(
        name,
        entity.fields.map((f) => f.name),
      );
      throw erpError(
        'BadRequest',
        'BadRequest_PropertyNotFound',
        `The property '${name}' does not exist on type 'Microsoft.NAV.${entity.entityName}'. Make sure to only use property names that are defined by the type.${near.length ? ` Did you mean '${near[0]}'?` : ''}`,
        { problems: [{ field: name, message: 'unknown property' }] },
      );
    }
    if (field.readOnly || (!field.column && !field.virtual)) continue;
    if (given.has(field.name))
      throw invalid(entity, field, 'The property is given twice (under its name and an alias)');
    values[field.column ? columnKey(entity, field.column) : `@${field.name}`] = coerce(entity, field, raw);
    given.add(field.name);
  }
  return { values, given, id };
}
