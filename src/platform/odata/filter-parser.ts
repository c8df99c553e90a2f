import { queryError } from './query-error.js';
import { tokenize, type Token } from './filter-tokenizer.js';

/**
 * OData v4 `$filter` → syntax tree, by recursive descent with the precedence of the OData URL
 * conventions (tightest first): primary (literals, properties, function calls, `in`, parentheses),
 * `not`, relational (`gt ge lt le`), equality (`eq ne`), `and`, `or`. Binary operators associate to the
 * left. The tree says nothing about types yet; filter-binder.ts checks it against an entity.
 */

export type Literal =
  | { type: 'null' }
  | { type: 'boolean'; value: boolean }
  | { type: 'int'; text: string }
  | { type: 'decimal'; text: string }
  | { type: 'string'; value: string }
  | { type: 'guid'; value: string }
  | { type: 'datetime'; text: string }
  | { type: 'date'; text: string };

export type CompareOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type StringMatchFunction = 'contains' | 'startswith' | 'endswith';
export type StringTransformFunction = 'tolower' | 'toupper' | 'trim';
export type FilterFunction = StringMatchFunction | StringTransformFunction;

export type FilterNode =
  | { kind: 'literal'; literal: Literal; position: number }
  | { kind: 'property'; path: string[]; position: number }
  | { kind: 'compare'; op: CompareOperator; left: FilterNode; right: FilterNode; position: number }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode; position: number }
  | { kind: 'not'; operand: FilterNode; position: number }
  | { kind: 'in'; operand: FilterNode; values: FilterNode[]; position: number }
  | { kind: 'call'; name: FilterFunction; args: FilterNode[]; position: number };

export interface FilterParseOptions {
  /** Name of the query option, for messages. Default `$filter`. */
  option?: string;
  /** Longest accepted expression in characters. Default 8192. */
  maxLength?: number;
  /** Deepest accepted nesting of parentheses, `not` and function calls. Default 50. */
  maxDepth?: number;
}

export const DEFAULT_FILTER_MAX_LENGTH = 8192;
export const DEFAULT_FILTER_MAX_DEPTH = 50;

/** Function name → number of arguments. */
const FUNCTIONS: Record<FilterFunction, number> = {
  contains: 2,
  startswith: 2,
  endswith: 2,
  tolower: 1,
  toupper: 1,
  trim: 1,
};
const FUNCTION_LIST = 'contains, startswith, endswith, tolower, toupper and trim';

const EQUALITY = new Set(['eq', 'ne']);
const RELATIONAL = new Set(['gt', 'ge', 'lt', 'le']);
const KEYWORD_OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', 'in', 'has']);
const ARITHMETIC = new Set(['add', 'sub', 'mul', 'div', 'divby', 'mod']);

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'word':
      return `'${token.text}'`;
    case 'string':
      return `the string '${token.value.replace(/'/g, "''")}'`;
    case 'int':
    case 'decimal':
      return `the number ${token.text}`;
    case 'guid':
    case 'datetime':
    case 'date':
      return `the ${token.kind === 'guid' ? 'GUID' : token.kind === 'date' ? 'date' : 'date/time'} ${token.text}`;
    default:
      return `'${token.kind}'`;
  }
}

export function parseFilter(input: string, options: FilterParseOptions = {}): FilterNode {
  const option = options.option ?? '$filter';
  const maxLength = options.maxLength ?? DEFAULT_FILTER_MAX_LENGTH;
  const maxDepth = options.maxDepth ?? DEFAULT_FILTER_MAX_DEPTH;
  const fail = (message: string): never => {
    throw queryError(option, message, input);
  };
  if (input.length > maxLength)
    fail(`The ${option} is ${input.length} characters long; the limit is ${maxLength}. Split the query.`);
  if (input.trim() === '')
    fail(`The ${option} is empty: give an expression such as name eq 'Contoso', or leave it out.`);

  const tokens = tokenize(input, { option });
  let index = 0;
  let depth = 0;
  const peek = (): Token => tokens[index]!;
  const next = (): Token => tokens[index++]!;
  const at = (token: Token) => `at position ${token.position} in ${option}`;
  const isWord = (token: Token, text: string) => token.kind === 'word' && token.text === text;

  function enter(token: Token): void {
    depth++;
    if (depth > maxDepth)
      fail(`The ${option} nests deeper than ${maxDepth} levels ${at(token)}; simplify the expression.`);
  }

  function expect(kind: ')' | '(', what: string, purpose: string): Token {
    const token = peek();
    if (token.kind !== kind) fail(`Expected ${what} ${at(token)} ${purpose}, found ${describe(token)}.`);
    return next();
  }

  function parseOr(): FilterNode {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      const op = next();
      left = { kind: 'or', left, right: parseAnd(), position: op.position };
    }
    return left;
  }

  function parseAnd(): FilterNode {
    let left = parseEquality();
    while (isWord(peek(), 'and')) {
      const op = next();
      left = { kind: 'and', left, right: parseEquality(), position: op.position };
    }
    return left;
  }

  function parseEquality(): FilterNode {
    let left = parseRelational();
    for (let token = peek(); token.kind === 'word' && EQUALITY.has(token.text); token = peek()) {
      next();
      const right = parseRelational();
      left = { kind: 'compare', op: token.text as CompareOperator, left, right, position: token.position };
    }
    return left;
  }

  function parseRelational(): FilterNode {
    let left = parseUnary();
    for (let token = peek(); token.kind === 'word' && RELATIONAL.has(token.text); token = peek()) {
      next();
      const right = parseUnary();
      left = { kind: 'compare', op: token.text as CompareOperator, left, right, position: token.position };
    }
    return left;
  }

  function parseUnary(): FilterNode {
    const token = peek();
    if (isWord(token, 'not')) {
      next();
      enter(token);
      const operand = parseUnary();
      depth--;
      return { kind: 'not', operand, position: token.position };
    }
    return parsePostfixIn(parsePrimary());
  }

  function parsePostfixIn(operand: FilterNode): FilterNode {
    const token = peek();
    if (!isWord(token, 'in')) return operand;
    next();
    expect('(', "'('", "to start the list after 'in', as in name in ('a','b')");
    const values: FilterNode[] = [];
    for (;;) {
      const item = peek();
      const literal = literalOf(item);
      if (!literal) fail(`Expected a literal value in the 'in' list ${at(item)}, found ${describe(item)}.`);
      next();
      values.push({ kind: 'literal', literal: literal!, position: item.position });
      const separator = peek();
      if (separator.kind === ',') {
        next();
        continue;
      }
      if (separator.kind === ')') {
        next();
        break;
      }
      fail(`Expected ',' or ')' ${at(separator)} in the 'in' list, found ${describe(separator)}.`);
    }
    return { kind: 'in', operand, values, position: token.position };
  }

  function literalOf(token: Token): Literal | undefined {
    switch (token.kind) {
      case 'string':
        return { type: 'string', value: token.value };
      case 'int':
        return { type: 'int', text: token.text };
      case 'decimal':
        return { type: 'decimal', text: token.text };
      case 'guid':
        return { type: 'guid', value: token.text };
      case 'datetime':
        return { type: 'datetime', text: token.text };
      case 'date':
        return { type: 'date', text: token.text };
      case 'word':
        if (token.text === 'null') return { type: 'null' };
        if (token.text === 'true' || token.text === 'false')
          return { type: 'boolean', value: token.text === 'true' };
        return undefined;
      default:
        return undefined;
    }
  }

  function parsePrimary(): FilterNode {
    const token = peek();
    const literal = literalOf(token);
    if (literal) {
      next();
      return { kind: 'literal', literal, position: token.position };
    }
    if (token.kind === '(') {
      next();
      enter(token);
      const inner = parseOr();
      depth--;
      expect(')', "')'", `to close the '(' at position ${token.position}`);
      return inner;
    }
    if (token.kind === 'word') {
      if (KEYWORD_OPERATORS.has(token.text) || ARITHMETIC.has(token.text))
        fail(`Expected a property, value or function ${at(token)}, found the operator '${token.text}'.`);
      next();
      if (peek().kind === '(') return parseCall(token.text, token);
      return parsePath(token);
    }
    return fail(`Expected a property, value or function ${at(token)}, found ${describe(token)}.`);
  }

  function parsePath(first: Token & { kind: 'word' }): FilterNode {
    const path = [first.text];
    while (peek().kind === '/') {
      next();
      const segment = peek();
      if (segment.kind !== 'word' || KEYWORD_OPERATORS.has(segment.text))
        fail(`Expected a property name after '/' ${at(segment)}, found ${describe(segment)}.`);
      next();
      const name = (segment as Token & { kind: 'word' }).text;
      path.push(name);
    }
    return { kind: 'property', path, position: first.position };
  }

  function parseCall(name: string, token: Token): FilterNode {
    if (name === 'any' || name === 'all') fail(`Lambda operator '${name}' ${at(token)} is not supported.`);
    if (!Object.hasOwn(FUNCTIONS, name)) {
      const lower = name.toLowerCase();
      const hint = Object.hasOwn(FUNCTIONS, lower)
        ? ` Function names are lower-case: write ${lower}(…).`
        : '';
      fail(
        `Function '${name}' ${at(token)} is not supported; the supported functions are ${FUNCTION_LIST}.${hint}`,
      );
    }
    const fn = name as FilterFunction;
    const open = next();
    enter(open);
    const args: FilterNode[] = [];
    if (peek().kind !== ')') {
      args.push(parseOr());
      while (peek().kind === ',') {
        next();
        args.push(parseOr());
      }
    }
    expect(')', "',' or ')'", `to end the arguments of ${fn}, which starts at position ${token.position}`);
    depth--;
    const arity = FUNCTIONS[fn];
    if (args.length !== arity) {
      const shape = arity === 2 ? `${fn}(property, 'text')` : `${fn}(property)`;
      fail(
        `${fn} ${at(token)} takes ${arity} argument${arity === 1 ? '' : 's'}, not ${args.length}: write ${shape}.`,
      );
    }
    return { kind: 'call', name: fn, args, position: token.position };
  }

  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') {
    if (rest.kind === ')') fail(`Unexpected ')' ${at(rest)}: there is no '(' for it to close.`);
    if (rest.kind === 'word') {
      const lower = rest.text.toLowerCase();
      if (ARITHMETIC.has(rest.text)) fail(`Arithmetic operator '${rest.text}' ${at(rest)} is not supported.`);
      if (rest.text === 'has')
        fail(`The 'has' operator ${at(rest)} is not supported; compare the value with eq.`);
      if (KEYWORD_OPERATORS.has(lower) || ARITHMETIC.has(lower))
        fail(`Unknown operator '${rest.text}' ${at(rest)}: operators are lower-case, write '${lower}'.`);
    }
    fail(
      `Expected an operator (eq, ne, gt, ge, lt, le, in, and, or) or the end of the expression ${at(rest)}, found ${describe(rest)}.`,
    );
  }
  return tree;
}
