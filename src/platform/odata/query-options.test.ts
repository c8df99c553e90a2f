import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import type { EntityDefinition } from './entity-model.js';
import { parseQueryOptions, type QueryInput, type QueryOptionsPolicy } from './query-options.js';

const contacts: EntityDefinition = {
  entitySet: 'contacts',
  key: 'contactid',
  properties: [
    { name: 'contactid', column: sql`contactid`, type: 'guid', nullable: false },
    { name: 'fullname', column: sql`fullname`, type: 'string', nullable: true },
    { name: '_parentcustomerid_value', column: sql`parentcustomerid`, type: 'guid', nullable: true },
  ],
  navigations: [
    {
      name: 'parentcustomerid_account',
      target: () => accounts,
      kind: 'single',
      join: { local: sql`parentcustomerid`, remote: sql`accountid` },
    },
  ],
};

const accounts: EntityDefinition = {
  entitySet: 'accounts',
  key: 'accountid',
  properties: [
    { name: 'accountid', column: sql`accountid`, type: 'guid', nullable: false },
    { name: 'name', column: sql`name`, type: 'string', nullable: false },
    { name: 'telephone1', column: sql`telephone1`, type: 'string', nullable: true },
    { name: 'revenue', column: sql`revenue`, type: 'decimal', nullable: true },
    { name: 'description', column: sql`description`, type: 'string', nullable: true, sortable: false },
    { name: 'passwordhash', column: sql`hash`, type: 'string', nullable: true, selectable: false },
  ],
  navigations: [
    {
      name: 'contact_customer_accounts',
      target: () => contacts,
      kind: 'collection',
      join: { local: sql`accountid`, remote: sql`parentcustomerid` },
    },
    {
      name: 'primarycontactid',
      target: () => contacts,
      kind: 'single',
      join: { local: sql`primarycontactid`, remote: sql`contactid` },
    },
  ],
};

const DATAVERSE: QueryOptionsPolicy = { allowSkip: false, maxTop: 5000, extraSystemOptions: ['$deltatoken'] };
const BUSINESS_CENTRAL: QueryOptionsPolicy = { allowSkip: true };

const parse = (query: QueryInput, policy: QueryOptionsPolicy = DATAVERSE) =>
  parseQueryOptions(query, accounts, policy);

function errorOf(query: QueryInput, policy: QueryOptionsPolicy = DATAVERSE): AppError {
  try {
    parse(query, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`${JSON.stringify(query)} parsed without error`);
}

describe('parseQueryOptions', () => {
  it('gives defaults when no option is present and passes other parameters through', () => {
    expect(parse({ foo: 'bar', '@p1': "'x'" })).toEqual({
      select: undefined,
      filter: undefined,
      orderBy: [],
      top: undefined,
      skip: undefined,
      count: false,
      expand: [],
      skipToken: undefined,
      extra: {},
      parameters: { foo: 'bar', '@p1': "'x'" },
    });
  });

  it('reads URLSearchParams as well as a parsed query object', () => {
    const options = parse(new URLSearchParams('$select=name&$top=3&$count=true'));
    expect(options.select?.map((p) => p.name)).toEqual(['name']);
    expect(options.top).toBe(3);
    expect(options.count).toBe(true);
  });

  it('parses $select in the order given, once per property, with * meaning all', () => {
    expect(parse({ $select: 'telephone1, name,telephone1' }).select?.map((p) => p.name)).toEqual([
      'telephone1',
      'name',
    ]);
    expect(parse({ $select: '*' }).select).toBeUndefined();
  });

  it('parses $orderby with directions, ascending by default', () => {
    const { orderBy } = parse({ $orderby: 'revenue desc, name,telephone1 asc' });
    expect(orderBy.map((o) => [o.property.name, o.direction])).toEqual([
      ['revenue', 'desc'],
      ['name', 'asc'],
      ['telephone1', 'asc'],
    ]);
  });

  it('parses $top, $count, $skiptoken and declared extra options', () => {
    const options = parse({ $top: '0', $count: 'false', $skiptoken: 'abc_-', $deltatoken: '919042' });
    expect(options).toMatchObject({
      top: 0,
      count: false,
      skipToken: 'abc_-',
      extra: { $deltatoken: '919042' },
    });
    expect(parse({ $top: '5000' }).top).toBe(5000);
  });

  it('accepts $skip only where the API allows it', () => {
    expect(parse({ $skip: '20', $top: '10' }, BUSINESS_CENTRAL)).toMatchObject({ skip: 20, top: 10 });
    expect(errorOf({ $skip: '20' }).message).toBe(
      'The query parameter $skip is not supported. Page with the Prefer: odata.maxpagesize header and follow @odata.nextLink.',
    );
  });

  it('binds $filter against the entity', () => {
    expect(parse({ $filter: "name eq 'x'" }).filter).toMatchObject({
      kind: 'compare',
      left: { kind: 'property', property: { name: 'name' } },
    });
  });

  it('parses $expand with nested options, including quotes and parentheses inside a nested $filter', () => {
    const { expand } = parse({
      $expand:
        "contact_customer_accounts($select=fullname;$filter=fullname eq 'a,b;c)' and fullname ne null;$orderby=fullname desc;$top=5),primarycontactid",
    });
    expect(expand).toHaveLength(2);
    expect(expand[0]).toMatchObject({
      navigation: { name: 'contact_customer_accounts', kind: 'collection' },
      entity: { entitySet: 'contacts' },
      options: {
        select: [{ name: 'fullname' }],
        filter: { kind: 'and', left: { right: { literal: { value: 'a,b;c)' } } } },
        orderBy: [{ property: { name: 'fullname' }, direction: 'desc' }],
        top: 5,
      },
    });
    expect(expand[1]).toMatchObject({
      navigation: { name: 'primarycontactid' },
      options: { select: undefined },
    });
  });

  it('follows nested $expand up to the allowed depth', () => {
    const { expand } = parse({
      $expand: 'primarycontactid($expand=parentcustomerid_account($select=name))',
    });
    expect(expand[0]!.options.expand[0]).toMatchObject({
      navigation: { name: 'parentcustomerid_account' },
      entity: { entitySet: 'accounts' },
      options: { select: [{ name: 'name' }] },
    });
    const deep = 'primarycontactid($expand=parentcustomerid_account($expand=primarycontactid))';
    expect(errorOf({ $expand: deep }, { allowSkip: false, maxExpandDepth: 2 }).message).toContain(
      '$expand nests deeper than 2 levels',
    );
  });

  it('applies the filter limits of the policy', () => {
    expect(
      errorOf({ $filter: "name eq 'abcdef'" }, { allowSkip: true, maxFilterLength: 10 }).message,
    ).toContain('the limit is 10');
    expect(
      errorOf({ $filter: '((name eq null))' }, { allowSkip: true, maxFilterDepth: 1 }).message,
    ).toContain('nests deeper than 1 levels');
  });
});

describe('parseQueryOptions errors', () => {
  it.each<[QueryInput, string, string]>([
    [
      { $select: 'nmae' },
      '$select',
      "Property 'nmae' in $select does not exist on accounts. Did you mean 'name'?",
    ],
    [{ $select: 'Name' }, '$select', "Did you mean 'name'? Names are case-sensitive."],
    [{ $select: 'telephone' }, '$select', "Did you mean 'telephone1'?"],
    [{ $select: 'name,,telephone1' }, '$select', '$select has an empty name'],
    [{ $select: 'passwordhash' }, '$select', "Property 'passwordhash' cannot be used in $select."],
    [
      { $select: 'primarycontactid' },
      '$select',
      "'primarycontactid' in $select is a navigation property of accounts; use $expand=primarycontactid",
    ],
    [
      { $orderby: 'nmae desc' },
      '$orderby',
      "Property 'nmae' in $orderby does not exist on accounts. Did you mean 'name'?",
    ],
    [
      { $orderby: 'name DESC' },
      '$orderby',
      "'name DESC' in $orderby is not 'property asc' or 'property desc': the direction is lower-case.",
    ],
    [{ $orderby: 'name up' }, '$orderby', "'name up' in $orderby is not 'property asc' or 'property desc'."],
    [{ $orderby: 'name asc desc' }, '$orderby', "is not 'property asc' or 'property desc'"],
    [{ $orderby: 'name,' }, '$orderby', '$orderby has an empty item'],
    [{ $orderby: 'description' }, '$orderby', "Property 'description' cannot be used in $orderby."],
    [{ $orderby: 'name,name desc' }, '$orderby', "Property 'name' appears twice in $orderby"],
    [{ $orderby: 'primarycontactid/fullname' }, '$orderby', "Ordering by a related record's property"],
    [{ $top: '-1' }, '$top', "$top must be a whole number of 0 or more, not '-1'."],
    [{ $top: 'ten' }, '$top', '$top must be a whole number'],
    [{ $top: '1.5' }, '$top', '$top must be a whole number'],
    [{ $top: '5001' }, '$top', '$top=5001 is more than the 5000 this API allows'],
    [{ $top: '99999999999999999999' }, '$top', '$top is too large'],
    [{ $count: 'yes' }, '$count', "$count must be true or false, not 'yes'."],
    [{ $filter: "nmae eq 'x'" }, '$filter', "Property 'nmae' at position 1 in $filter does not exist"],
    [{ $filter: 'name eq' }, '$filter', 'at position 8 in $filter'],
    [
      { $Filter: 'x' },
      '$Filter',
      "Unknown query option '$Filter': option names are lower-case, write $filter.",
    ],
    [
      { $search: 'x' },
      '$search',
      "Unknown query option '$search'. The supported options are $select, $filter, $orderby, $top, $count, $expand, $skiptoken, $deltatoken.",
    ],
    [{ $top: ['1', '2'] }, '$top', '$top appears more than once; give it once.'],
    [
      { $expand: 'contacts' },
      '$expand',
      "Navigation property 'contacts' in $expand does not exist on accounts.",
    ],
    [{ $expand: 'primarycontact' }, '$expand', "Did you mean 'primarycontactid'?"],
    [
      { $expand: 'name' },
      '$expand',
      "'name' in $expand is a property of accounts, not a navigation property; use $select for it.",
    ],
    [
      { $expand: 'primarycontactid,primarycontactid' },
      '$expand',
      "'primarycontactid' appears twice in $expand",
    ],
    [
      { $expand: 'primarycontactid(' },
      '$expand',
      "'primarycontactid(' in $expand is not a navigation property name",
    ],
    [
      { $expand: 'primarycontactid($select)' },
      '$expand',
      "'$select' inside $expand=primarycontactid(…) is not option=value",
    ],
    [
      { $expand: 'primarycontactid($select=nmae)' },
      '$select in $expand=primarycontactid',
      "Property 'nmae' in $select in $expand=primarycontactid does not exist on contacts.",
    ],
    [
      { $expand: 'contact_customer_accounts($filter=fullname eq 5)' },
      '$filter in $expand=contact_customer_accounts',
      "Cannot compare 'fullname', which is a string, with the number 5, which is an integer (operator 'eq' at position 10 in $filter in $expand=contact_customer_accounts).",
    ],
    [
      { $expand: "primarycontactid($filter=fullname eq 'x')" },
      '$expand',
      "$filter inside $expand=primarycontactid(…) is not allowed: 'primarycontactid' leads to a single record; only collection-valued navigation properties take $filter, $orderby and $top.",
    ],
    [
      { $expand: 'primarycontactid($orderby=fullname)' },
      '$expand',
      '$orderby inside $expand=primarycontactid(…) is not allowed',
    ],
    [
      { $expand: 'primarycontactid($count=true)' },
      '$count',
      "Unknown query option '$count' in $expand=primarycontactid. The supported options are $select, $filter, $orderby, $top, $expand.",
    ],
    [
      { $expand: 'contact_customer_accounts($top=1;$top=2)' },
      '$top',
      '$top appears more than once in $expand=contact_customer_accounts',
    ],
    [
      { $expand: 'primarycontactid(foo=1)' },
      '$expand',
      "'foo' in $expand=primarycontactid is not a query option",
    ],
  ])('%j', (query, field, message) => {
    const error = errorOf(query);
    expect(error.message).toContain(message);
    expect(error.status).toBe(400);
    expect(error.problems?.[0]?.field).toBe(field);
  });

  it('lists valid names when nothing is near', () => {
    expect(errorOf({ $select: 'qqqqqqqq' }).message).toBe(
      "Property 'qqqqqqqq' in $select does not exist on accounts. Valid names are 'accountid', 'name', 'telephone1', 'revenue', 'description'.",
    );
  });
});
