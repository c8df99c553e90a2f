import { parseFilter, type FilterNode, type Literal } from './filter-parser.js';

/**
 * Evaluates an OData `$filter` against a record already in memory (JSON as an API returned it), for
 * clients that receive records they cannot filter at the source — change feeds and change tracking
 * refuse `$filter`, so a sync applies its mappings' filters to what they return. Comparison follows
 * OData: `null` equals only `null`, strings compare exactly (case-sensitive), numbers by value, and a
 * comparison with a missing property is a comparison with `null`.
 */

export type RecordPredicate = (record: Record<string, unknown>) => boolean;

type Value = string | number | boolean | null;

function literalValue(literal: Literal): Value {
  switch (literal.type) {
    case 'null':
      return null;
    case 'boolean':
      return literal.value;
    case 'int':
    case 'decimal':
      return Number(literal.text);
    case 'string':
    case 'guid':
      return literal.value;
    case 'datetime':
    case 'date':
      return literal.text;
  }
}

function plain(value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function valueOf(node: FilterNode, record: Record<string, unknown>): Value {
  switch (node.kind) {
    case 'literal':
      return literalValue(node.literal);
    case 'property': {
      let current: unknown = record;
      for (const segment of node.path) {
        if (current === null || typeof current !== 'object') return null;
        current = (current as Record<string, unknown>)[segment];
      }
      return plain(current);
    }
    case 'call': {
      const args = node.args.map((a) => valueOf(a, record));
      const [first, second] = args;
      if (node.name === 'tolower') return typeof first === 'string' ? first.toLowerCase() : null;
      if (node.name === 'toupper') return typeof first === 'string' ? first.toUpperCase() : null;
      if (node.name === 'trim') return typeof first === 'string' ? first.trim() : null;
      if (typeof first !== 'string' || typeof second !== 'string') return false;
      if (node.name === 'contains') return first.includes(second);
      if (node.name === 'startswith') return first.startsWith(second);
      return first.endsWith(second);
    }
    default:
      return test(node, record);
  }
}

function equal(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
}

function order(a: Value, b: Value): number | undefined {
  if (a === null || b === null) return undefined;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function test(node: FilterNode, record: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return test(node.left, record) && test(node.right, record);
    case 'or':
      return test(node.left, record) || test(node.right, record);
    case 'not':
      return !test(node.operand, record);
    case 'in': {
      const value = valueOf(node.operand, record);
      return node.values.some((v) => equal(value, valueOf(v, record)));
    }
    case 'compare': {
      const left = valueOf(node.left, record);
      const right = valueOf(node.right, record);
      if (node.op === 'eq') return equal(left, right);
      if (node.op === 'ne') return !equal(left, right);
      const c = order(left, right);
      if (c === undefined) return false;
      if (node.op === 'gt') return c > 0;
      if (node.op === 'ge') return c >= 0;
      if (node.op === 'lt') return c < 0;
      return c <= 0;
    }
    default:
      return valueOf(node, record) === true;
  }
}

/** A predicate for `$filter` text (empty or null: every record passes). Throws the parser's error. */
export function compileRecordFilter(filter: string | null | undefined): RecordPredicate {
  if (!filter || !filter.trim()) return () => true;
  const tree = parseFilter(filter);
  return (record) => test(tree, record);
}

/** The properties a filter reads (to ask an API to return them). */
export function filterProperties(filter: string | null | undefined): string[] {
  if (!filter || !filter.trim()) return [];
  const found = new Set<string>();
  const visit = (node: FilterNode): void => {
    switch (node.kind) {
      case 'property':
        found.add(node.path[0]!);
        return;
      case 'compare':
      case 'and':
      case 'or':
        visit(node.left);
        visit(node.right);
        return;
      case 'not':
        visit(node.operand);
        return;
      case 'in':
        visit(node.operand);
        node.values.forEach(visit);
        return;
      case 'call':
        node.args.forEach(visit);
        return;
      default:
        return;
    }
  };
  visit(parseFilter(filter));
  return [...found];
}

/**
 * `property eq literal` conditions that every passing record must meet (joined by `and` only), e.g.
 * `type eq 'Person'` from `type eq 'Person' and companyNumber ne ''`: a record created to pass the
 * filter is given these values.
 */
export function requiredEqualities(filter: string | null | undefined): Record<string, Value> {
  if (!filter || !filter.trim()) return {};
  const out: Record<string, Value> = {};
  const visit = (node: FilterNode): void => {
    if (node.kind === 'and') {
      visit(node.left);
      visit(node.right);
    } else if (node.kind === 'compare' && node.op === 'eq') {
      if (node.left.kind === 'property' && node.right.kind === 'literal' && node.left.path.length === 1)
        out[node.left.path[0]!] = literalValue(node.right.literal);
    }
  };
  visit(parseFilter(filter));
  return out;
}
