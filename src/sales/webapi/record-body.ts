import { sql, type SQL } from 'drizzle-orm';
import type { Column } from 'drizzle-orm';
import { DataverseError, invalidArgument, resourceNotFound } from './dataverse-error.js';
import { entityBySet } from './entities.js';
import type { ExecutionScope } from './execution.js';
import { assertAccess, findRecordHead, notFound, type RecordHead } from './record-access.js';
import { resolveKey } from './record-key.js';
import { parseResourcePath } from './resource-path.js';
import type { LookupDefinition, LookupTarget, SalesEntity, WritableAttribute } from './sales-entity.js';

/**
 * A POST/PATCH body checked against the entity: attribute values of the right type and length,
 * lookups bound with `<navigation>@odata.bind` (relative, absolute or `$n` Content-ID URLs) to
 * records that exist and that the caller may append to, and `ownerid@odata.bind` for assignment.
 * Everything is checked before anything is written, so a bad body changes nothing.
 */

const INVALID_PROPERTY = '0x80060888';

export interface CheckedBody {
  /** Column → value to write. */
  values: Map<Column, unknown>;
  /** Lookups bound (or cleared with null): checked for existence; AppendTo is checked by applyBinds. */
  binds: Array<{ lookup: LookupDefinition; target: LookupTarget | undefined; head: RecordHead | undefined }>;
  /** New owner (ownerid@odata.bind) and that owner's business unit. */
  owner: { id: string; businessUnitId: string } | undefined;
  /** The primary key given in the body (create only). */
  keyValue: string | undefined;
}

function edmName(type: WritableAttribute['type']): string {
  return {
    string: 'Edm.String',
    guid: 'Edm.Guid',
    int: 'Edm.Int32',
    enum: 'Edm.Int32',
    decimal: 'Edm.Decimal',
    boolean: 'Edm.Boolean',
    datetime: 'Edm.DateTimeOffset',
    date: 'Edm.Date',
  }[type];
}

function cannotConvert(value: unknown, attribute: WritableAttribute): DataverseError {
  return invalidArgument(
    `Cannot convert the literal '${typeof value === 'string' ? value : JSON.stringify(value)}' to the expected type '${edmName(attribute.type)}' of the property '${attribute.name}'.`,
  );
}

/** One attribute value, converted for the database, or an error naming the attribute and the fix. */
function checkValue(entity: SalesEntity, attribute: WritableAttribute, value: unknown): unknown {
  if (value === null) {
    if (attribute.requiredOnCreate)
      throw invalidArgument(
        `The ${attribute.name} of a ${entity.logicalName} is required and cannot be null.`,
      );
    return null;
  }
  switch (attribute.type) {
    case 'string':
      if (typeof value !== 'string') throw cannotConvert(value, attribute);
      if (attribute.maxLength !== undefined && value.length > attribute.maxLength)
        throw invalidArgument(
          `A validation error occurred. The length of the '${attribute.name}' attribute of the '${entity.logicalName}' entity exceeded the maximum allowed length of '${attribute.maxLength}'.`,
        );
      return value;
    case 'int':
    case 'enum':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2147483647)
        throw cannotConvert(value, attribute);
      if (attribute.enumValues && !attribute.enumValues.includes(value))
        throw invalidArgument(
          `A validation error occurred. The value ${value} of '${attribute.name}' on record of type '${entity.logicalName}' is outside the valid range. Accepted Values: ${attribute.enumValues.join(',')}`,
        );
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) >= 1e15)
        throw cannotConvert(value, attribute);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw cannotConvert(value, attribute);
      return value;
    case 'datetime': {
      if (
        typeof value !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)
      )
        throw cannotConvert(value, attribute);
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) throw cannotConvert(value, attribute);
      return date;
    }
    case 'date': {
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))
        throw cannotConvert(value, attribute);
      const date = new Date(`${value}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
        throw cannotConvert(value, attribute);
      return value;
    }
    case 'guid':
      if (
        typeof value !== 'string' ||
        !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
      )
        throw cannotConvert(value, attribute);
      return value.toLowerCase();
  }
}

/** The path below the service root that a bind URL names (absolute, root-relative, relative or `$n`). */
function bindPath(scope: ExecutionScope, url: string, property: string): string {
  if (url.startsWith('$')) {
    const resolved = scope.contentIds?.get(url.slice(1));
    if (!resolved)
      throw invalidArgument(
        `${property} refers to Content-ID ${url}, which no earlier request of this change set has.`,
      );
    url = resolved;
  }
  if (url.startsWith(scope.serviceRoot + '/')) return url.slice(scope.serviceRoot.length + 1);
  if (/^[a-z]+:\/\//i.test(url)) {
    const marker = url.indexOf('/api/data/v9.2/');
    if (marker < 0)
      throw invalidArgument(
        `${property} must name a record of this service, e.g. /accounts(<id>); '${url}' does not.`,
      );
    return url.slice(marker + '/api/data/v9.2/'.length);
  }
  return url.replace(/^\/+/, '').replace(/^api\/data\/v9\.2\//, '');
}

/** Finds the record a bind URL names; it must be of one of `allowed`'s entity sets. */
async function bindTarget(
  scope: ExecutionScope,
  value: unknown,
  property: string,
  allowed: readonly LookupTarget[],
): Promise<{ target: LookupTarget; head: RecordHead }> {
  if (typeof value !== 'string')
    throw invalidArgument(
      `${property} must be the URL of a record, e.g. "/${allowed[0]!.entitySet}(00000000-0000-0000-0000-000000000001)".`,
    );
  const segments = parseResourcePath(bindPath(scope, value, property).split('?')[0]!);
  const [segment] = segments;
  if (segments.length !== 1 || !segment?.key)
    throw invalidArgument(
      `${property} must be the URL of one record, e.g. "/${allowed[0]!.entitySet}(00000000-0000-0000-0000-000000000001)"; '${value}' is not.`,
    );
  const target = allowed.find((t) => t.entitySet === segment.name);
  if (!target) {
    if (!entityBySet(segment.name)) throw resourceNotFound(segment.name);
    throw invalidArgument(
      `${property} must refer to ${allowed.map((t) => t.entitySet).join(' or ')}, not ${segment.name}.`,
    );
  }
  const entity = entityBySet(target.entitySet)!;
  const key = resolveKey(entity, segment.key);
  const head = await findRecordHead(scope, entity, key);
  if (!head) throw notFound(entity, key);
  return { target, head };
}

/** Checks a body and resolves its binds; `mode` decides whether the key may appear and required attributes must. */
export async function checkBody(
  scope: ExecutionScope,
  entity: SalesEntity,
  body: unknown,
  mode: 'create' | 'update',
): Promise<CheckedBody> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw invalidArgument(
      `The request body must be a JSON object with the ${entity.logicalName}'s attributes.`,
    );
  const checked: CheckedBody = { values: new Map(), binds: [], owner: undefined, keyValue: undefined };
  const given = new Set<string>();
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name.endsWith('@odata.bind')) {
      const navigation = name.slice(0, -'@odata.bind'.length);
      if (navigation === 'ownerid') {
        if (entity.ownership !== 'user')
          throw invalidArgument(
            `${entity.entitySet} are owned by the organisation and have no owner to assign.`,
          );
        const { head } = await bindTarget(scope, value, name, [
          { navigation: 'ownerid', entitySet: 'systemusers', logicalName: 'systemuser' },
        ]);
        // A systemuser's own business unit is its owningbusinessunit column in findRecordHead.
        checked.owner = { id: head.id, businessUnitId: head.owningbusinessunit! };
        continue;
      }
      const lookup = entity.lookups.find((l) => l.targets.some((t) => t.navigation === navigation));
      if (!lookup || !lookup.writable)
        throw new DataverseError(
          'BadRequest',
          INVALID_PROPERTY,
          lookup
            ? `The lookup '${navigation}' of ${entity.logicalName} is set by the system and cannot be bound.`
            : `An undeclared property '${navigation}' which only has property annotations in the payload but no property value was found in the payload. ${entity.logicalName} has no single-valued navigation property '${navigation}'; the bindable ones are ${entity.lookups
                .filter((l) => l.writable)
                .flatMap((l) => l.targets.map((t) => t.navigation))
                .join(', ')}.`,
        );
      if (checked.binds.some((b) => b.lookup === lookup))
        throw invalidArgument(`The lookup ${lookup.attribute} is bound twice in the body; bind it once.`);
      if (value === null) {
        checked.binds.push({ lookup, target: undefined, head: undefined });
        continue;
      }
      const allowed = lookup.targets.filter((t) => t.navigation === navigation);
      const { target, head } = await bindTarget(scope, value, name, allowed);
      checked.binds.push({ lookup, target, head });
      continue;
    }
    if (name.startsWith('@') || name.includes('@')) continue; // annotations (@odata.etag, formatted values) carry no data
    const attribute = entity.writable.find((a) => a.name === name);
    if (!attribute) {
      const known = entity.definition.properties.find((p) => p.name === name);
      // Read-only attributes a client sends back unchanged (createdon, versionnumber) are ignored; a
      // lookup value is not, since writing it would silently do nothing: it needs @odata.bind.
      if (known && !/^_.+_value$/.test(name)) continue;
      const lookup = entity.lookups.find(
        (l) =>
          l.attribute === name ||
          `_${l.attribute}_value` === name ||
          l.targets.some((t) => t.navigation === name),
      );
      throw new DataverseError(
        'BadRequest',
        INVALID_PROPERTY,
        lookup
          ? `'${name}' is a lookup of ${entity.logicalName}: set it with "${lookup.targets[0]!.navigation}@odata.bind": "/${lookup.targets[0]!.entitySet}(<id>)".`
          : `Invalid property '${name}' was found in entity 'Microsoft.Dynamics.CRM.${entity.logicalName}'.`,
      );
    }
    if (value !== null && typeof value === 'object')
      throw invalidArgument(
        `The value of '${name}' must be a single value, not ${Array.isArray(value) ? 'an array' : 'an object'}.`,
      );
    if (attribute.name === entity.definition.key) {
      if (mode === 'update') continue; // the key in the URL wins; Dataverse ignores it in the body
      checked.keyValue = checkValue(entity, attribute, value) as string;
      continue;
    }
    checked.values.set(attribute.column, checkValue(entity, attribute, value));
    given.add(attribute.name);
  }
  if (mode === 'create') {
    const missing = entity.writable.filter((a) => a.requiredOnCreate && !given.has(a.name));
    if (missing.length > 0)
      throw invalidArgument(
        `A ${entity.logicalName} needs ${missing.map((a) => `'${a.name}'`).join(' and ')}; add ${missing.length === 1 ? 'it' : 'them'} to the request body.`,
      );
  }
  return checked;
}

/**
 * Checks the rights a body's binds need — Append on the record, AppendTo on each target, Assign for a
 * new owner — and puts the lookup columns into `values`.
 */
export async function applyBinds(
  scope: ExecutionScope,
  entity: SalesEntity,
  checked: CheckedBody,
  record: Pick<RecordHead, 'ownerid' | 'owningbusinessunit'>,
): Promise<void> {
  const bound = checked.binds.filter((b) => b.head !== undefined);
  if (bound.length > 0) await assertAccess(scope, entity, 'Append', record);
  for (const bind of checked.binds) {
    checked.values.set(bind.lookup.column, bind.head?.id ?? null);
    if (bind.lookup.typeColumn) checked.values.set(bind.lookup.typeColumn, bind.target?.logicalName ?? null);
    if (bind.head && bind.target)
      await assertAccess(scope, entityBySet(bind.target.entitySet)!, 'AppendTo', bind.head);
  }
  if (checked.owner) {
    await assertAccess(scope, entity, 'Assign', record);
    checked.values.set(entity.ownerColumn!, checked.owner.id);
    checked.values.set(entity.businessUnitColumn!, checked.owner.businessUnitId);
  }
}

/**
 * Contacts compose fullname from first and last name, as Dataverse does. On create the value is
 * computed here (so a set-based insert can carry it); on update a name not in the body keeps its
 * stored value, so the composition is SQL over the row.
 */
export function derivedValues(
  entity: SalesEntity,
  values: Map<Column, unknown>,
  mode: 'create' | 'update',
): Map<Column, unknown | SQL> {
  const out = new Map<Column, unknown | SQL>(values);
  if (entity.logicalName !== 'contact') return out;
  const first = entity.writable.find((a) => a.name === 'firstname')!.column;
  const last = entity.writable.find((a) => a.name === 'lastname')!.column;
  const full = entity.definition.properties.find((p) => p.name === 'fullname')!.column as Column;
  if (mode === 'create') {
    // nullif(trim(concat_ws(' ', first, last)), ''): nulls are skipped, empty strings are not.
    const parts = [values.get(first), values.get(last)].filter((v) => v !== null && v !== undefined);
    // PostgreSQL's trim() strips spaces only, so String.prototype.trim (all white space) would differ.
    out.set(full, parts.join(' ').replace(/^ +| +$/g, '') || null);
    return out;
  }
  if (!values.has(first) && !values.has(last)) return out;
  const part = (column: Column) =>
    values.has(column) ? sql`${values.get(column) ?? null}::text` : sql`${column}`;
  out.set(full, sql`nullif(trim(concat_ws(' ', ${part(first)}, ${part(last)})), '')`);
  return out;
}
