import {
  findNavigation,
  findProperty,
  isFilterable,
  type EntityDefinition,
  type PropertyDefinition,
  type PropertyType,
} from './entity-model.js';
import type {
  CompareOperator,
  FilterNode,
  Literal,
  StringMatchFunction,
  StringTransformFunction,
} from './filter-parser.js';
import { suggestionSentence } from './name-suggestions.js';
import { queryError } from './query-error.js';

/**
 * Checks a parsed `$filter` against an entity: every property exists and may be filtered on, and every
 * comparison and function gets operands of types that make sense. The result is a bound tree in which
 * properties are resolved and literals carry the type they will be compared as, ready for SQL.
 */

/** A literal converted to the type it is compared against (a date compared with a date/time becomes one). */
export type BoundLiteral =
  | { type: 'null' }
  | { type: 'string'; value: string }
  | { type: 'guid'; value: string }
  | { type: 'int'; text: string }
  | { type: 'decimal'; text: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'datetime'; text: string }
  | { type: 'date'; text: string };

export type BoundExpression =
  | { kind: 'property'; property: PropertyDefinition }
  | { kind: 'literal'; literal: BoundLiteral }
  | { kind: 'compare'; op: CompareOperator; left: BoundExpression; right: BoundExpression }
  | { kind: 'and' | 'or'; left: BoundExpression; right: BoundExpression }
  | { kind: 'not'; operand: BoundExpression }
  | { kind: 'in'; operand: BoundExpression; values: BoundLiteral[] }
  | { kind: 'match'; fn: StringMatchFunction; subject: BoundExpression; pattern: BoundExpression }
  | { kind: 'transform'; fn: StringTransformFunction; operand: BoundExpression };

/** A checked `$filter`: a boolean expression over one entity. */
export type BoundFilter = BoundExpression;

/** Types as the checker sees them: enums compare as integers, and `null` fits any nullable slot. */
type ValueType = PropertyType | 'null';

const TYPE_NAMES: Record<ValueType, string> = {
  string: 'a string',
  guid: 'a GUID',
  int: 'an integer',
  decimal: 'a decimal number',
  boolean: 'a boolean',
  datetime: 'a date/time',
  date: 'a date',
  enum: 'an option-set value (integer)',
  null: 'null',
};

const EXAMPLES: Record<PropertyType, string> = {
  string: "'text'",
  guid: '00000000-0000-0000-0000-000000000001 (no quotes)',
  int: '42',
  decimal: '42.5',
  boolean: 'true or false',
  datetime: '2024-01-31T10:00:00Z',
  date: '2024-01-31',
  enum: 'an integer option value such as 1',
};

const NUMERIC = new Set<ValueType>(['int', 'decimal', 'enum']);

interface Typed {
  bound: BoundExpression;
  type: ValueType;
  /** How to name the operand in messages: `'name'` or `the string 'x'`. */
  label: string;
}

function literalType(literal: Literal): ValueType {
  return literal.type;
}

function describeLiteral(literal: Literal): string {
  switch (literal.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(literal.value);
    case 'string':
      return `the string '${literal.value.replace(/'/g, "''")}'`;
    case 'guid':
      return `the GUID ${literal.value}`;
    case 'int':
    case 'decimal':
      return `the number ${literal.text}`;
    case 'datetime':
      return `the date/time ${literal.text}`;
    case 'date':
      return `the date ${literal.text}`;
  }
}

/**
 * Whether `a` may be compared with `b`. A date *literal* compared with a date/time means midnight UTC of
 * that day, as Dataverse accepts it; a date column against a date/time would depend on the session's
 * time zone, so that stays an error.
 */
function comparable(a: Typed, b: Typed): boolean {
  if (a.type === 'null' || b.type === 'null' || a.type === b.type) return true;
  if (NUMERIC.has(a.type) && NUMERIC.has(b.type)) return true;
  const dateLiteral = (x: Typed) => x.type === 'date' && x.bound.kind === 'literal';
  return (a.type === 'datetime' && dateLiteral(b)) || (b.type === 'datetime' && dateLiteral(a));
}

/** Brings a literal to the type of the other operand, so SQL can cast it once and correctly. */
function convertLiteral(literal: BoundLiteral, target: ValueType): BoundLiteral {
  if (literal.type === 'date' && target === 'datetime')
    return { type: 'datetime', text: `${literal.text}T00:00:00Z` };
  return literal;
}

export interface BindOptions {
  /** Name of the query option, for messages. Default `$filter`. */
  option?: string;
}

export function bindFilter(
  tree: FilterNode,
  entity: EntityDefinition,
  options: BindOptions = {},
): BoundFilter {
  const option = options.option ?? '$filter';
  const fail = (message: string): never => {
    throw queryError(option, message);
  };
  const at = (node: FilterNode) => `at position ${node.position} in ${option}`;

  function property(node: FilterNode & { kind: 'property' }): Typed {
    const [name, ...rest] = node.path;
    if (rest.length > 0) {
      const nav = findNavigation(entity, name!);
      const hint = nav
        ? ` '${name}' is a navigation property; filter on its lookup value property instead (for example _${name}_value), or query the related entity set.`
        : '';
      fail(
        `Property paths such as '${node.path.join('/')}' ${at(node)} are not supported in ${option}.${hint}`,
      );
    }
    const found = findProperty(entity, name!);
    if (!found) {
      if (findNavigation(entity, name!))
        fail(
          `'${name}' ${at(node)} is a navigation property of ${entity.entitySet}, which cannot be compared; filter on a property of ${entity.entitySet}.`,
        );
      const names = entity.properties.filter(isFilterable).map((p) => p.name);
      fail(
        `Property '${name}' ${at(node)} does not exist on ${entity.entitySet}. ${suggestionSentence(name!, names)}`,
      );
    }
    if (!isFilterable(found!)) fail(`Property '${name}' ${at(node)} cannot be used in ${option}.`);
    return { bound: { kind: 'property', property: found! }, type: found!.type, label: `'${name}'` };
  }

  function expectString(typed: Typed, fn: string, node: FilterNode, which: string): void {
    if (typed.type !== 'string')
      fail(
        `${fn} ${at(node)} needs text as its ${which} argument, but ${typed.label} is ${TYPE_NAMES[typed.type]}.` +
          (typed.type === 'null' ? '' : ' Compare it with eq, ne, gt, ge, lt or le instead.'),
      );
  }

  function expression(node: FilterNode): Typed {
    switch (node.kind) {
      case 'literal':
        return {
          bound: { kind: 'literal', literal: node.literal },
          type: literalType(node.literal),
          label: describeLiteral(node.literal),
        };
      case 'property':
        return property(node);
      case 'and':
      case 'or':
        return {
          bound: {
            kind: node.kind,
            left: condition(node.left, node.kind),
            right: condition(node.right, node.kind),
          },
          type: 'boolean',
          label: `the '${node.kind}' expression`,
        };
      case 'not':
        return {
          bound: { kind: 'not', operand: condition(node.operand, 'not') },
          type: 'boolean',
          label: "the 'not'",
        };
      case 'compare':
        return { bound: compare(node), type: 'boolean', label: `the '${node.op}' comparison` };
      case 'in': {
        const operand = expression(node.operand);
        const values = node.values.map((v) => {
          const literal = (v as FilterNode & { kind: 'literal' }).literal;
          const item: Typed = { bound: { kind: 'literal', literal }, type: literalType(literal), label: '' };
          if (!comparable(operand, item))
            fail(
              `${describeLiteral(literal)} ${at(v)} cannot be in a list compared with ${operand.label}, which is ${TYPE_NAMES[operand.type]}; write it as ${EXAMPLES[operand.type as PropertyType] ?? 'a value of the same type'}.`,
            );
          checkEnumValue(operand, literal, v);
          return convertLiteral(literal, operand.type);
        });
        return {
          bound: { kind: 'in', operand: operand.bound, values },
          type: 'boolean',
          label: "the 'in' test",
        };
      }
      case 'call': {
        const args = node.args.map(expression);
        if (node.name === 'tolower' || node.name === 'toupper' || node.name === 'trim') {
          expectString(args[0]!, node.name, node, 'first');
          return {
            bound: { kind: 'transform', fn: node.name, operand: args[0]!.bound },
            type: 'string',
            label: `${node.name}(…)`,
          };
        }
        expectString(args[0]!, node.name, node, 'first');
        expectString(args[1]!, node.name, node, 'second');
        return {
          bound: { kind: 'match', fn: node.name, subject: args[0]!.bound, pattern: args[1]!.bound },
          type: 'boolean',
          label: `${node.name}(…)`,
        };
      }
    }
  }

  function checkEnumValue(operand: Typed, literal: Literal, node: FilterNode): void {
    if (operand.bound.kind !== 'property' || operand.type !== 'enum') return;
    const allowed = operand.bound.property.enumValues;
    if (literal.type === 'decimal')
      fail(
        `${operand.label} is an option set; ${describeLiteral(literal)} ${at(node)} must be a whole number.`,
      );
    if (allowed && literal.type === 'int' && !allowed.includes(Number(literal.text)))
      fail(
        `${literal.text} ${at(node)} is not a value of ${operand.label}; the values are ${allowed.join(', ')}.`,
      );
  }

  function compare(node: FilterNode & { kind: 'compare' }): BoundExpression {
    const left = expression(node.left);
    const right = expression(node.right);
    if ((left.type === 'null' || right.type === 'null') && node.op !== 'eq' && node.op !== 'ne')
      fail(`null ${at(node)} can only be compared with eq or ne, not ${node.op}.`);
    if (!comparable(left, right)) {
      const [prop, other] = left.bound.kind === 'property' ? [left, right] : [right, left];
      const fix =
        other.bound.kind === 'literal' && prop.type !== 'null'
          ? ` Write the value as ${EXAMPLES[prop.type as PropertyType]}.`
          : '';
      const quotedGuid =
        prop.type === 'guid' && other.type === 'string' ? ' GUIDs are written without quotes.' : '';
      fail(
        `Cannot compare ${prop.label}, which is ${TYPE_NAMES[prop.type]}, with ${other.label}, which is ${TYPE_NAMES[other.type]} (operator '${node.op}' ${at(node)}).${quotedGuid || fix}`,
      );
    }
    if (right.bound.kind === 'literal') checkEnumValue(left, right.bound.literal as Literal, node.right);
    if (left.bound.kind === 'literal') checkEnumValue(right, left.bound.literal as Literal, node.left);
    const convert = (self: Typed, other: Typed): BoundExpression =>
      self.bound.kind === 'literal'
        ? { kind: 'literal', literal: convertLiteral(self.bound.literal, other.type) }
        : self.bound;
    return { kind: 'compare', op: node.op, left: convert(left, right), right: convert(right, left) };
  }

  function condition(node: FilterNode, context: string): BoundExpression {
    const typed = expression(node);
    if (typed.type !== 'boolean') {
      const where = context === 'filter' ? `The ${option}` : `'${context}' ${at(node)}`;
      const hint =
        context === 'not' && node.kind !== 'literal'
          ? " 'not' applies to the value right after it: put the condition in parentheses, e.g. not (name eq 'x')."
          : ' Compare it with a value, e.g. ' + `${typed.label} eq …`;
      fail(`${where} needs a true/false condition, but ${typed.label} is ${TYPE_NAMES[typed.type]}.${hint}`);
    }
    return typed.bound;
  }

  return condition(tree, 'filter');
}
