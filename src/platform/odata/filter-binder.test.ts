import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import type { EntityDefinition } from './entity-model.js';
import { bindFilter } from './filter-binder.js';
import { parseFilter } from './filter-parser.js';

const contacts: EntityDefinition = {
  entitySet: 'contacts',
  key: 'contactid',
  properties: [{ name: 'contactid', column: sql`contactid`, type: 'guid', nullable: false }],
};

const accounts: EntityDefinition = {
  entitySet: 'accounts',
  key: 'accountid',
  properties: [
    { name: 'accountid', column: sql`accountid`, type: 'guid', nullable: false },
    { name: 'name', column: sql`name`, type: 'string', nullable: false },
    { name: 'telephone1', column: sql`telephone1`, type: 'string', nullable: true },
    { name: 'numberofemployees', column: sql`numberofemployees`, type: 'int', nullable: true },
    { name: 'revenue', column: sql`revenue`, type: 'decimal', nullable: true },
    { name: 'donotemail', column: sql`donotemail`, type: 'boolean', nullable: false },
    { name: 'createdon', column: sql`createdon`, type: 'datetime', nullable: false },
    { name: 'lastusedincampaign', column: sql`lastused`, type: 'date', nullable: true },
    { name: 'statecode', column: sql`statecode`, type: 'enum', nullable: false, enumValues: [0, 1] },
    { name: 'industrycode', column: sql`industrycode`, type: 'enum', nullable: true },
    { name: '_primarycontactid_value', column: sql`primarycontactid`, type: 'guid', nullable: true },
    { name: 'secret', column: sql`secret`, type: 'string', nullable: true, filterable: false },
  ],
  navigations: [
    {
      name: 'primarycontactid',
      target: () => contacts,
      kind: 'single',
      join: { local: sql`primarycontactid`, remote: sql`contactid` },
    },
  ],
};

const bind = (text: string) => bindFilter(parseFilter(text), accounts);

function errorOf(text: string): string {
  try {
    bind(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return (error as AppError).message;
  }
  throw new Error(`'${text}' bound without error`);
}

describe('bindFilter accepts well-typed filters', () => {
  it.each([
    "name eq 'Contoso'",
    'name eq null',
    "telephone1 ne null and name ne 'x'",
    'numberofemployees gt 10',
    'numberofemployees gt 10.5',
    'revenue ge 1000',
    'revenue lt -0.01',
    'donotemail',
    'not donotemail',
    'donotemail eq false',
    'createdon gt 2024-01-31T10:00:00Z',
    'createdon ge 2024-01-31',
    'lastusedincampaign eq 2024-01-31',
    'statecode eq 0',
    'statecode in (0, 1)',
    'industrycode eq 12',
    'industrycode eq null',
    'accountid eq 01234567-89ab-cdef-0123-456789abcdef',
    '_primarycontactid_value eq null',
    '_primarycontactid_value in (01234567-89ab-cdef-0123-456789abcdef, null)',
    "contains(name,'con')",
    "startswith(tolower(name),'con') or endswith(trim(telephone1),'00')",
    'toupper(name) eq telephone1',
    'revenue eq numberofemployees',
    "name in ('a', 'b', null)",
    'true',
    'null eq null',
  ])('%s', (text) => {
    expect(() => bind(text)).not.toThrow();
  });

  it('resolves properties and converts a date compared with a date/time to midnight UTC', () => {
    expect(bind('createdon ge 2024-01-31')).toMatchObject({
      kind: 'compare',
      op: 'ge',
      left: { kind: 'property', property: { name: 'createdon' } },
      right: { kind: 'literal', literal: { type: 'datetime', text: '2024-01-31T00:00:00Z' } },
    });
    expect(bind('createdon in (2024-01-31, 2024-02-01T10:00:00Z)')).toMatchObject({
      kind: 'in',
      values: [
        { type: 'datetime', text: '2024-01-31T00:00:00Z' },
        { type: 'datetime', text: '2024-02-01T10:00:00Z' },
      ],
    });
  });

  it('gives functions their own node kinds', () => {
    expect(bind("contains(tolower(name),'x')")).toMatchObject({
      kind: 'match',
      fn: 'contains',
      subject: { kind: 'transform', fn: 'tolower', operand: { kind: 'property' } },
      pattern: { kind: 'literal', literal: { type: 'string', value: 'x' } },
    });
  });
});

describe('bindFilter refuses what cannot be right, and says how to fix it', () => {
  it.each([
    [
      "nmae eq 'x'",
      "Property 'nmae' at position 1 in $filter does not exist on accounts. Did you mean 'name'?",
    ],
    [
      "Name eq 'x'",
      "Property 'Name' at position 1 in $filter does not exist on accounts. Did you mean 'name'? Names are case-sensitive.",
    ],
    [
      'zzzz eq 1',
      "Property 'zzzz' at position 1 in $filter does not exist on accounts. Valid names are 'accountid', 'name',",
    ],
    ["secret eq 'x'", "Property 'secret' at position 1 in $filter cannot be used in $filter."],
    [
      'primarycontactid eq null',
      "'primarycontactid' at position 1 in $filter is a navigation property of accounts",
    ],
    [
      "primarycontactid/fullname eq 'x'",
      "Property paths such as 'primarycontactid/fullname' at position 1 in $filter are not supported in $filter. 'primarycontactid' is a navigation property; filter on its lookup value property instead (for example _primarycontactid_value)",
    ],
    [
      'name eq 5',
      "Cannot compare 'name', which is a string, with the number 5, which is an integer (operator 'eq' at position 6 in $filter). Write the value as 'text'.",
    ],
    [
      "numberofemployees eq '5'",
      "Cannot compare 'numberofemployees', which is an integer, with the string '5', which is a string (operator 'eq' at position 19 in $filter). Write the value as 42.",
    ],
    [
      "accountid eq '01234567-89ab-cdef-0123-456789abcdef'",
      "which is a GUID, with the string '01234567-89ab-cdef-0123-456789abcdef', which is a string (operator 'eq' at position 11 in $filter). GUIDs are written without quotes.",
    ],
    ['accountid eq 5', 'Write the value as 00000000-0000-0000-0000-000000000001 (no quotes).'],
    ['donotemail eq 1', "Cannot compare 'donotemail', which is a boolean, with the number 1"],
    ["createdon gt '2024-01-01'", 'Write the value as 2024-01-31T10:00:00Z.'],
    [
      'lastusedincampaign eq 2024-01-31T10:00:00Z',
      "Cannot compare 'lastusedincampaign', which is a date, with the date/time 2024-01-31T10:00:00Z",
    ],
    ["statecode eq 'Active'", 'Write the value as an integer option value such as 1.'],
    ['statecode eq 5', "5 at position 14 in $filter is not a value of 'statecode'; the values are 0, 1."],
    ['statecode in (0, 7)', "7 at position 18 in $filter is not a value of 'statecode'"],
    [
      'statecode eq 0.5',
      "'statecode' is an option set; the number 0.5 at position 14 in $filter must be a whole number.",
    ],
    [
      'name eq revenue',
      "Cannot compare 'name', which is a string, with 'revenue', which is a decimal number (operator 'eq' at position 6 in $filter).",
    ],
    ['name gt null', 'null at position 6 in $filter can only be compared with eq or ne, not gt.'],
    [
      "name in ('a', 1)",
      "the number 1 at position 15 in $filter cannot be in a list compared with 'name', which is a string; write it as 'text'.",
    ],
    [
      "contains(numberofemployees,'1')",
      "contains at position 1 in $filter needs text as its first argument, but 'numberofemployees' is an integer. Compare it with eq, ne, gt, ge, lt or le instead.",
    ],
    ['contains(name,5)', 'needs text as its second argument, but the number 5 is an integer.'],
    ['contains(name,null)', 'needs text as its second argument, but null is null.'],
    ["tolower(revenue) eq 'x'", 'tolower at position 1 in $filter needs text as its first argument'],
    ['name', "The $filter needs a true/false condition, but 'name' is a string."],
    ['tolower(name)', 'The $filter needs a true/false condition, but tolower(…) is a string.'],
    ['5', 'The $filter needs a true/false condition, but the number 5 is an integer.'],
    [
      "not name eq 'x'",
      "'not' at position 5 in $filter needs a true/false condition, but 'name' is a string. 'not' applies to the value right after it: put the condition in parentheses, e.g. not (name eq 'x').",
    ],
    [
      "name eq 'x' and revenue",
      "'and' at position 17 in $filter needs a true/false condition, but 'revenue' is a decimal number.",
    ],
    [
      'donotemail or 1',
      "'or' at position 15 in $filter needs a true/false condition, but the number 1 is an integer.",
    ],
  ])('%s', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });
});
