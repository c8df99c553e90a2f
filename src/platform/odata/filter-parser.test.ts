import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import { parseFilter, type FilterNode } from './filter-parser.js';
import { tokenize } from './filter-tokenizer.js';

/** A compact rendering of the tree, so precedence and grouping read at a glance. */
function show(node: FilterNode): string {
  switch (node.kind) {
    case 'literal': {
      const l = node.literal;
      if (l.type === 'null') return 'null';
      if (l.type === 'boolean') return String(l.value);
      if (l.type === 'string') return `'${l.value}'`;
      if (l.type === 'guid') return `guid:${l.value}`;
      return `${l.type}:${l.text}`;
    }
    case 'property':
      return node.path.join('/');
    case 'compare':
      return `(${show(node.left)} ${node.op} ${show(node.right)})`;
    case 'and':
    case 'or':
      return `(${show(node.left)} ${node.kind} ${show(node.right)})`;
    case 'not':
      return `(not ${show(node.operand)})`;
    case 'in':
      return `(${show(node.operand)} in [${node.values.map(show).join(', ')}])`;
    case 'call':
      return `${node.name}(${node.args.map(show).join(', ')})`;
  }
}

const parse = (text: string) => show(parseFilter(text));

function errorOf(text: string, options?: Parameters<typeof parseFilter>[1]): AppError {
  try {
    parseFilter(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`'${text}' parsed without error`);
}

describe('tokenize', () => {
  it('recognises every token kind with 1-based positions', () => {
    const tokens = tokenize(
      "a_1/b eq 'x' , ( ) 12 -3 1.5 2e3 01234567-89ab-CDEF-0123-456789abcdef 2024-01-31 2024-01-31T10:00:00Z",
    );
    expect(tokens.map((t) => [t.kind, t.position])).toEqual([
      ['word', 1],
      ['/', 4],
      ['word', 5],
      ['word', 7],
      ['string', 10],
      [',', 14],
      ['(', 16],
      [')', 18],
      ['int', 20],
      ['int', 23],
      ['decimal', 26],
      ['decimal', 30],
      ['guid', 34],
      ['date', 71],
      ['datetime', 82],
      ['end', 102],
    ]);
  });

  it("undoubles '' inside strings and keeps everything else literally", () => {
    expect(tokenize("'O''Neil' '' '%_\\' ''''")).toMatchObject([
      { kind: 'string', value: "O'Neil" },
      { kind: 'string', value: '' },
      { kind: 'string', value: '%_\\' },
      { kind: 'string', value: "'" },
      { kind: 'end' },
    ]);
  });

  it('lower-cases GUIDs, including ones that start with letters', () => {
    expect(tokenize('ABCDEF01-0000-0000-0000-00000000000A')[0]).toEqual({
      kind: 'guid',
      text: 'abcdef01-0000-0000-0000-00000000000a',
      position: 1,
    });
  });

  it.each([
    '2024-01-31T10:00Z',
    '2024-01-31T10:00:00Z',
    '2024-01-31T10:00:00.1234567Z',
    '2024-01-31T10:00:00+05:30',
    '2024-01-31T10:00:00.5-08:00',
    '2024-01-31T10:00:00',
    '2024-02-29T00:00:00Z',
  ])('reads the date/time %s whole', (text) => {
    expect(tokenize(text)[0]).toEqual({ kind: 'datetime', text, position: 1 });
  });

  it('keeps dotted names whole, so namespaced functions are named in errors', () => {
    expect(tokenize('Microsoft.Dynamics.CRM.Today')[0]).toEqual({
      kind: 'word',
      text: 'Microsoft.Dynamics.CRM.Today',
      position: 1,
    });
  });
});

describe('parseFilter: precedence and grouping', () => {
  it.each([
    ['a eq 1 or b eq 2 and c eq 3', '((a eq int:1) or ((b eq int:2) and (c eq int:3)))'],
    ['a eq 1 and b eq 2 or c eq 3', '(((a eq int:1) and (b eq int:2)) or (c eq int:3))'],
    ['(a eq 1 or b eq 2) and c eq 3', '(((a eq int:1) or (b eq int:2)) and (c eq int:3))'],
    ['a and b and c', '((a and b) and c)'],
    ['a or b or c', '((a or b) or c)'],
    ['not a and b', '((not a) and b)'],
    ['not (a and b)', '(not (a and b))'],
    ['not not a', '(not (not a))'],
    ['not a eq true', '((not a) eq true)'],
    ['a gt 1 eq true', '((a gt int:1) eq true)'],
    ['a eq b gt 1', '(a eq (b gt int:1))'],
    ['a eq 1 eq true', '((a eq int:1) eq true)'],
    ["not contains(name,'x') or a", "((not contains(name, 'x')) or a)"],
    ["not a in ('x','y')", "(not (a in ['x', 'y']))"],
    ["a in ('x') and b", "((a in ['x']) and b)"],
    ['((((a))))', 'a'],
    ['  a   eq\t1  ', '(a eq int:1)'],
    ['_parentaccountid_value eq null', '(_parentaccountid_value eq null)'],
    ['primarycontactid/fullname eq null', '(primarycontactid/fullname eq null)'],
  ])('%s', (text, tree) => {
    expect(parse(text)).toBe(tree);
  });

  it('records the position of each node', () => {
    const tree = parseFilter("name eq 'x' and not qty gt 5");
    expect(tree).toMatchObject({
      kind: 'and',
      position: 13,
      left: { kind: 'compare', position: 6, left: { position: 1 }, right: { position: 9 } },
      right: { kind: 'compare', op: 'gt', position: 25, left: { kind: 'not', position: 17 } },
    });
  });
});

describe('parseFilter: literals', () => {
  it.each([
    ["a eq 'it''s'", "(a eq 'it's')"],
    ["a eq ''", "(a eq '')"],
    ['a eq 42', '(a eq int:42)'],
    ['a eq -42', '(a eq int:-42)'],
    ['a eq 0', '(a eq int:0)'],
    ['a eq 9223372036854775807', '(a eq int:9223372036854775807)'],
    ['a eq -9223372036854775808', '(a eq int:-9223372036854775808)'],
    ['a eq 3.14', '(a eq decimal:3.14)'],
    ['a eq -0.5', '(a eq decimal:-0.5)'],
    ['a eq 1e10', '(a eq decimal:1e10)'],
    ['a eq 1.5E-3', '(a eq decimal:1.5E-3)'],
    ['a eq true', '(a eq true)'],
    ['a eq false', '(a eq false)'],
    ['a eq null', '(a eq null)'],
    ['a eq 01234567-89ab-cdef-0123-456789ABCDEF', '(a eq guid:01234567-89ab-cdef-0123-456789abcdef)'],
    ['a eq deadbeef-0000-0000-0000-000000000000', '(a eq guid:deadbeef-0000-0000-0000-000000000000)'],
    ['a eq 2024-01-31T10:00:00Z', '(a eq datetime:2024-01-31T10:00:00Z)'],
    ['a eq 2024-01-31T10:00:00.123+02:00', '(a eq datetime:2024-01-31T10:00:00.123+02:00)'],
    ['a eq 2024-01-31', '(a eq date:2024-01-31)'],
    ['a eq 2000-02-29', '(a eq date:2000-02-29)'],
    ['2024-01-31 lt a', '(date:2024-01-31 lt a)'],
    ["a in ('x', 1, null, true, 2024-01-31)", "(a in ['x', int:1, null, true, date:2024-01-31])"],
  ])('%s', (text, tree) => {
    expect(parse(text)).toBe(tree);
  });
});

describe('parseFilter: functions', () => {
  it.each([
    ["contains(name,'x')", "contains(name, 'x')"],
    ["startswith(name, 'x')", "startswith(name, 'x')"],
    ["endswith(name,'x')", "endswith(name, 'x')"],
    ["tolower(name) eq 'x'", "(tolower(name) eq 'x')"],
    ["toupper(name) eq 'X'", "(toupper(name) eq 'X')"],
    ["trim(name) eq 'x'", "(trim(name) eq 'x')"],
    ["contains(tolower(trim(name)),tolower('X'))", "contains(tolower(trim(name)), tolower('X'))"],
    ["contains (name,'x')", "contains(name, 'x')"],
  ])('%s', (text, tree) => {
    expect(parse(text)).toBe(tree);
  });
});

describe('parseFilter: errors say what and where', () => {
  it.each([
    [
      "(name eq 'x'",
      "Expected ')' at position 13 in $filter to close the '(' at position 1, found the end of the expression.",
    ],
    ["name eq 'x", 'Unterminated string starting at position 9 in $filter'],
    [
      'name eq',
      'Expected a property, value or function at position 8 in $filter, found the end of the expression.',
    ],
    ['not', 'Expected a property, value or function at position 4'],
    ['eq 1', "Expected a property, value or function at position 1 in $filter, found the operator 'eq'."],
    ['a eq and', "at position 6 in $filter, found the operator 'and'"],
    [
      "name eq 'a' foo",
      "Expected an operator (eq, ne, gt, ge, lt, le, in, and, or) or the end of the expression at position 13 in $filter, found 'foo'.",
    ],
    ['a eq 1 2', 'at position 8 in $filter, found the number 2'],
    ["name EQ 'a'", "Unknown operator 'EQ' at position 6 in $filter: operators are lower-case, write 'eq'."],
    ['a eq 1 AND b', "Unknown operator 'AND' at position 8"],
    ['a add 1', "Arithmetic operator 'add' at position 3 in $filter is not supported."],
    ['a eq b mul 2', "Arithmetic operator 'mul' at position 8"],
    ["a has 'x'", "The 'has' operator at position 3 in $filter is not supported"],
    ["name eq 'a')", "Unexpected ')' at position 12 in $filter: there is no '(' for it to close."],
    ['()', 'Expected a property, value or function at position 2'],
    ['x/any(a: a eq 1)', "Lambda operator 'any' at position 3 in $filter is not supported"],
    ['x/all (a: a eq 1)', "Lambda operator 'all' at position 3"],
    ['any(a)', "Lambda operator 'any' at position 1"],
    [
      "Contains(name,'x')",
      "Function 'Contains' at position 1 in $filter is not supported; the supported functions are contains, startswith, endswith, tolower, toupper and trim. Function names are lower-case: write contains(…).",
    ],
    ["substringof('x',name)", "Function 'substringof' at position 1 in $filter is not supported"],
    [
      'Microsoft.Dynamics.CRM.Today(PropertyName=createdon)',
      "Function 'Microsoft.Dynamics.CRM.Today' at position 1",
    ],
    [
      'contains(name)',
      "contains at position 1 in $filter takes 2 arguments, not 1: write contains(property, 'text').",
    ],
    [
      "tolower(name,'x') eq 'a'",
      'tolower at position 1 in $filter takes 1 argument, not 2: write tolower(property).',
    ],
    ['trim() eq a', 'trim at position 1 in $filter takes 1 argument, not 0'],
    [
      "contains(name,'x'",
      "Expected ',' or ')' at position 18 in $filter to end the arguments of contains, which starts at position 1",
    ],
    ['a in 1', "Expected '(' at position 6 in $filter to start the list after 'in'"],
    ['a in (b)', "Expected a literal value in the 'in' list at position 7 in $filter, found 'b'."],
    [
      "a in ('x' 'y')",
      "Expected ',' or ')' at position 11 in $filter in the 'in' list, found the string 'y'.",
    ],
    ['a in ()', "Expected a literal value in the 'in' list at position 7"],
    ['a/ eq 1', "Expected a property name after '/' at position 4 in $filter, found 'eq'."],
    ['a/1 eq 1', "Expected a property name after '/' at position 3 in $filter, found the number 1."],
    ['name eq "x"', `Unexpected '"' at position 9 in $filter: OData strings are written in single quotes`],
    ["guid'0000' eq a", "Prefixed literal guid'…' at position 1 in $filter is OData v3 syntax"],
    ["a eq datetime'2024-01-01'", "Prefixed literal datetime'…' at position 6"],
    ['a eq -b', "Unexpected '-' at position 6 in $filter: arithmetic is not supported"],
    [
      '$it eq 1',
      "Unexpected '$' at position 1 in $filter: $it, $root and @parameter aliases are not supported",
    ],
    ['a eq @p', "Unexpected '@' at position 6"],
    ['a eq 1#', "Unexpected character '#' at position 7 in $filter."],
    ['a eq 1.', "Malformed literal starting at position 6 in $filter: '1.…'"],
    ['a eq 12ab', 'Malformed literal starting at position 6'],
    ['a eq 2024-1-1', 'Malformed literal starting at position 6'],
    ['a eq 2024-01-31T10', 'Malformed literal starting at position 6'],
    [
      'a eq 99999999999999999999',
      'The integer 99999999999999999999 at position 6 in $filter is out of range',
    ],
    [
      'a eq 2024-13-01',
      "Invalid date/time '2024-13-01' at position 6 in $filter: the month must be 01 to 12.",
    ],
    [
      'a eq 2023-02-29',
      "Invalid date/time '2023-02-29' at position 6 in $filter: the day must be 01 to 28 in that month.",
    ],
    ['a eq 2024-04-31T00:00Z', 'the day must be 01 to 30 in that month'],
    ['a eq 2024-01-01T24:00Z', 'the hour must be 00 to 23'],
    ['a eq 2024-01-01T10:60Z', 'the minutes must be 00 to 59'],
    ['a eq 2024-01-01T10:00:60Z', 'the seconds must be 00 to 59'],
    ['a eq 2024-01-01T10:00:00.1234567890123Z', 'fractional seconds may have at most 12 digits'],
    ['a eq 2024-01-01T10:00:00+24:00', 'the time-zone offset must be between -23:59 and +23:59'],
    ['', 'The $filter is empty'],
    ['   ', 'The $filter is empty'],
  ])('%s', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toContain(message);
    expect(error.status).toBe(400);
    expect(error.problems?.[0]?.field).toBe('$filter');
  });

  it('names the option it was given, e.g. a nested $filter', () => {
    expect(errorOf('a eq', { option: '$filter in $expand=contacts' }).message).toBe(
      'Expected a property, value or function at position 5 in $filter in $expand=contacts, found the end of the expression.',
    );
  });

  it('refuses expressions longer than the limit', () => {
    const long = 'a eq 1 and '.repeat(800) + 'a';
    expect(errorOf(long).message).toBe(
      `The $filter is ${long.length} characters long; the limit is 8192. Split the query.`,
    );
    expect(errorOf('a eq 12345', { maxLength: 5 }).message).toContain('the limit is 5');
    expect(() => parseFilter('a eq 1 and '.repeat(700) + 'a')).not.toThrow();
  });

  it('refuses nesting deeper than the limit, for parentheses, not and function calls', () => {
    const nested = (n: number) => '('.repeat(n) + 'a' + ')'.repeat(n);
    expect(parse(nested(50))).toBe('a');
    expect(errorOf(nested(51)).message).toBe(
      'The $filter nests deeper than 50 levels at position 51 in $filter; simplify the expression.',
    );
    expect(parse('not '.repeat(50) + 'a')).toMatch(/^\(not /);
    expect(errorOf('not '.repeat(51) + 'a').message).toContain('nests deeper than 50 levels at position 201');
    expect(errorOf('tolower('.repeat(51) + 'a' + ')'.repeat(51) + " eq 'a'").message).toContain(
      'nests deeper',
    );
    expect(errorOf(nested(4), { maxDepth: 3 }).message).toContain('nests deeper than 3 levels at position 4');
    // Far past any limit: refused cleanly, not by a stack overflow.
    expect(errorOf(nested(4000), { maxLength: 100_000 }).message).toContain('nests deeper');
  });
});
