import {
  findNavigation,
  findProperty,
  isSelectable,
  isSortable,
  type EntityDefinition,
  type NavigationDefinition,
  type PropertyDefinition,
} from './entity-model.js';
import { bindFilter, type BoundFilter } from './filter-binder.js';
import { parseFilter } from './filter-parser.js';
import { suggestionSentence } from './name-suggestions.js';
import { queryError } from './query-error.js';

/**
 * The system query options of one request (`$select $filter $orderby $top $skip $count $expand
 * $skiptoken`), parsed and checked against the entity being queried. What an API allows differs
 * (Dataverse refuses `$skip`, Business Central accepts it), so each API passes its policy.
 */

export interface OrderByItem {
  property: PropertyDefinition;
  direction: 'asc' | 'desc';
}

export interface ExpandItem {
  navigation: NavigationDefinition;
  /** The navigation's target entity. */
  entity: EntityDefinition;
  /** Options given in parentheses after the name: $select, $filter, $orderby, $top and $expand. */
  options: QueryOptions;
}

export interface QueryOptions {
  /** Properties to return, in the order asked; undefined when $select is absent or `*` (all selectable). */
  select: PropertyDefinition[] | undefined;
  filter: BoundFilter | undefined;
  /** As requested; to-sql.ts appends the key as tie-breaker. */
  orderBy: OrderByItem[];
  top: number | undefined;
  skip: number | undefined;
  count: boolean;
  expand: ExpandItem[];
  /** Opaque continuation token from a previous page's next link. */
  skipToken: string | undefined;
  /** Further system options the API declared in its policy (e.g. `$deltatoken`), by name. */
  extra: Record<string, string>;
  /** Parameters without `$`, left to the API. */
  parameters: Record<string, string>;
}

export interface QueryOptionsPolicy {
  /** Whether `$skip` is accepted (Business Central) or refused (Dataverse). */
  allowSkip: boolean;
  /** Largest accepted `$top`; larger values are refused. Default: no cap. */
  maxTop?: number;
  /** How deeply `$expand` may nest. Default 3. */
  maxExpandDepth?: number;
  /** Longest accepted `$filter`, in characters (default 8192). */
  maxFilterLength?: number;
  /** Deepest accepted `$filter` nesting (default 50). */
  maxFilterDepth?: number;
  /** System options beyond the standard ones that this API handles itself, e.g. `$deltatoken`. */
  extraSystemOptions?: readonly string[];
}

/** A parsed query string: fastify's `request.query`, or URLSearchParams. */
export type QueryInput = URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

const TOP_LEVEL_OPTIONS = [
  '$select',
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$count',
  '$expand',
  '$skiptoken',
];
const NESTED_OPTIONS = ['$select', '$filter', '$orderby', '$top', '$expand'];
const COLLECTION_ONLY = ['$filter', '$orderby', '$top'];

function entriesOf(query: QueryInput): Array<[string, string]> {
  if (query instanceof URLSearchParams) return [...query.entries()];
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'string') entries.push([name, value]);
    else for (const v of value) entries.push([name, v]);
  }
  return entries;
}

/**
 * Splits `text` at `separator` where it is outside quotes and parentheses, so `$expand=a($filter=x eq
 * 'p,q'),b` splits into two items. Returns each piece with its 0-based start offset.
 */
function splitTopLevel(text: string, separator: string): Array<{ text: string; start: number }> {
  const pieces: Array<{ text: string; start: number }> = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === separator && depth === 0) {
      pieces.push({ text: text.slice(start, i), start });
      start = i + 1;
    }
  }
  pieces.push({ text: text.slice(start), start });
  return pieces;
}

function unknownProperty(
  option: string,
  name: string,
  entity: EntityDefinition,
  candidates: string[],
): never {
  const nav = findNavigation(entity, name);
  if (nav && option.startsWith('$select'))
    throw queryError(
      option,
      `'${name}' in ${option} is a navigation property of ${entity.entitySet}; use $expand=${name} to include the related records.`,
    );
  throw queryError(
    option,
    `Property '${name}' in ${option} does not exist on ${entity.entitySet}. ${suggestionSentence(name, candidates)}`,
  );
}

function parseSelect(
  text: string,
  entity: EntityDefinition,
  option: string,
): PropertyDefinition[] | undefined {
  const selectable = entity.properties.filter(isSelectable);
  const chosen: PropertyDefinition[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (name === '')
      throw queryError(
        option,
        `${option} has an empty name; list properties separated by commas, e.g. name,telephone1.`,
      );
    if (name === '*') return undefined;
    const property = findProperty(entity, name);
    if (!property)
      unknownProperty(
        option,
        name,
        entity,
        selectable.map((p) => p.name),
      );
    if (!isSelectable(property!)) throw queryError(option, `Property '${name}' cannot be used in ${option}.`);
    if (!chosen.includes(property!)) chosen.push(property!);
  }
  return chosen;
}

function parseOrderBy(text: string, entity: EntityDefinition, option: string): OrderByItem[] {
  const sortable = entity.properties.filter(isSortable).map((p) => p.name);
  const items: OrderByItem[] = [];
  for (const raw of text.split(',')) {
    const parts = raw.trim().split(/\s+/);
    const [name, direction, ...rest] = parts;
    if (!name)
      throw queryError(
        option,
        `${option} has an empty item; write property [asc|desc], separated by commas.`,
      );
    if (rest.length > 0 || (direction !== undefined && direction !== 'asc' && direction !== 'desc'))
      throw queryError(
        option,
        `'${raw.trim()}' in ${option} is not 'property asc' or 'property desc'` +
          (direction && /^(asc|desc)$/i.test(direction) ? ': the direction is lower-case.' : '.'),
      );
    if (name.includes('/'))
      throw queryError(
        option,
        `Ordering by a related record's property ('${name}') is not supported in ${option}.`,
      );
    const property = findProperty(entity, name);
    if (!property) unknownProperty(option, name, entity, sortable);
    if (!isSortable(property!)) throw queryError(option, `Property '${name}' cannot be used in ${option}.`);
    if (items.some((item) => item.property === property))
      throw queryError(option, `Property '${name}' appears twice in ${option}; name each property once.`);
    items.push({ property: property!, direction: (direction as 'asc' | 'desc' | undefined) ?? 'asc' });
  }
  return items;
}

function parseWholeNumber(text: string, option: string, max: number | undefined): number {
  if (!/^\d+$/.test(text.trim()))
    throw queryError(option, `${option} must be a whole number of 0 or more, not '${text}'.`, text);
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value)) throw queryError(option, `${option} is too large: ${text}.`, text);
  if (max !== undefined && value > max)
    throw queryError(
      option,
      `${option}=${value} is more than the ${max} this API allows; ask for at most ${max} and page through the rest.`,
      text,
    );
  return value;
}

function parseExpand(
  text: string,
  entity: EntityDefinition,
  policy: QueryOptionsPolicy,
  depth: number,
  option: string,
): ExpandItem[] {
  const maxDepth = policy.maxExpandDepth ?? 3;
  if (depth > maxDepth)
    throw queryError(option, `$expand nests deeper than ${maxDepth} levels; expand fewer levels at once.`);
  const items: ExpandItem[] = [];
  for (const piece of splitTopLevel(text, ',')) {
    const trimmed = piece.text.trim();
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([\s\S]*)\))?$/.exec(trimmed);
    if (!match)
      throw queryError(
        option,
        `'${trimmed}' in ${option} is not a navigation property name, optionally followed by options in parentheses, e.g. primarycontactid($select=fullname).`,
      );
    const [, name, inner] = match;
    const navigation = findNavigation(entity, name!);
    if (!navigation) {
      const isProperty = findProperty(entity, name!) !== undefined;
      throw queryError(
        option,
        isProperty
          ? `'${name}' in ${option} is a property of ${entity.entitySet}, not a navigation property; use $select for it.`
          : `Navigation property '${name}' in ${option} does not exist on ${entity.entitySet}. ${suggestionSentence(
              name!,
              (entity.navigations ?? []).map((n) => n.name),
            )}`,
      );
    }
    if (items.some((item) => item.navigation === navigation))
      throw queryError(option, `'${name}' appears twice in ${option}; expand each navigation property once.`);
    const target = navigation!.target();
    const nested: Array<[string, string]> = [];
    if (inner !== undefined && inner.trim() !== '') {
      for (const part of splitTopLevel(inner, ';')) {
        const eq = part.text.indexOf('=');
        if (eq < 0)
          throw queryError(
            option,
            `'${part.text.trim()}' inside ${option}=${name}(…) is not option=value; separate options with ';', e.g. ${name}($select=name;$top=5).`,
          );
        const optionName = part.text.slice(0, eq).trim();
        // One related record has nothing to filter, order or cut: only collections take these.
        if (navigation!.kind === 'single' && COLLECTION_ONLY.includes(optionName))
          throw queryError(
            option,
            `${optionName} inside ${option}=${name}(…) is not allowed: '${name}' leads to a single record; only collection-valued navigation properties take $filter, $orderby and $top.`,
          );
        nested.push([optionName, part.text.slice(eq + 1)]);
      }
    }
    items.push({
      navigation: navigation!,
      entity: target,
      options: parseOptions(nested, target, policy, { depth: depth + 1, context: ` in $expand=${name}` }),
    });
  }
  return items;
}

function parseOptions(
  entries: Array<[string, string]>,
  entity: EntityDefinition,
  policy: QueryOptionsPolicy,
  scope: { depth: number; context: string },
): QueryOptions {
  const nested = scope.depth > 1;
  const standard = nested
    ? NESTED_OPTIONS
    : TOP_LEVEL_OPTIONS.filter((o) => o !== '$skip' || policy.allowSkip);
  const allowed = new Set([...standard, ...(nested ? [] : (policy.extraSystemOptions ?? []))]);
  const seen = new Map<string, string>();
  const parameters: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!name.startsWith('$')) {
      if (nested)
        throw queryError(`$expand`, `'${name}'${scope.context} is not a query option; options start with $.`);
      parameters[name] = value;
      continue;
    }
    if (!allowed.has(name)) {
      const lower = name.toLowerCase();
      if (name === '$skip' && !policy.allowSkip && !nested)
        throw queryError(
          name,
          'The query parameter $skip is not supported. Page with the Prefer: odata.maxpagesize header and follow @odata.nextLink.',
        );
      if (allowed.has(lower) && lower !== name)
        throw queryError(
          name,
          `Unknown query option '${name}'${scope.context}: option names are lower-case, write ${lower}.`,
        );
      throw queryError(
        name,
        `Unknown query option '${name}'${scope.context}. The supported options are ${[...allowed].join(', ')}.`,
      );
    }
    if (seen.has(name))
      throw queryError(name, `${name} appears more than once${scope.context}; give it once.`);
    seen.set(name, value);
  }

  const option = (name: string) => `${name}${scope.context}`;
  const text = (name: string) => seen.get(name);

  const selectText = text('$select');
  const filterText = text('$filter');
  const orderText = text('$orderby');
  const topText = text('$top');
  const skipText = text('$skip');
  const countText = text('$count');
  const expandText = text('$expand');

  if (countText !== undefined && countText !== 'true' && countText !== 'false')
    throw queryError('$count', `$count must be true or false, not '${countText}'.`, countText);

  let filter: BoundFilter | undefined;
  if (filterText !== undefined) {
    const tree = parseFilter(filterText, {
      option: option('$filter'),
      ...(policy.maxFilterLength === undefined ? {} : { maxLength: policy.maxFilterLength }),
      ...(policy.maxFilterDepth === undefined ? {} : { maxDepth: policy.maxFilterDepth }),
    });
    filter = bindFilter(tree, entity, { option: option('$filter') });
  }

  const extra: Record<string, string> = {};
  for (const name of policy.extraSystemOptions ?? []) {
    const value = seen.get(name);
    if (value !== undefined) extra[name] = value;
  }

  return {
    select: selectText === undefined ? undefined : parseSelect(selectText, entity, option('$select')),
    filter,
    orderBy: orderText === undefined ? [] : parseOrderBy(orderText, entity, option('$orderby')),
    top: topText === undefined ? undefined : parseWholeNumber(topText, option('$top'), policy.maxTop),
    skip: skipText === undefined ? undefined : parseWholeNumber(skipText, '$skip', undefined),
    count: countText === 'true',
    expand:
      expandText === undefined ? [] : parseExpand(expandText, entity, policy, scope.depth, option('$expand')),
    skipToken: text('$skiptoken'),
    extra,
    parameters,
  };
}

/** Parses and checks the query options of a request against the entity set it addresses. */
export function parseQueryOptions(
  query: QueryInput,
  entity: EntityDefinition,
  policy: QueryOptionsPolicy,
): QueryOptions {
  return parseOptions(entriesOf(query), entity, policy, { depth: 1, context: '' });
}
