/**
 * The Microsoft 365 "Import multiple users" CSV template: headers only, or headers with the five
 * sample users of Microsoft's file, under the tenant's own domain. UTF-8 with a BOM and CRLF line
 * ends, as the admin center's download is, so Excel opens it with accents intact.
 */
import { stringify } from 'csv-stringify/sync';
import { M365_HEADER } from './user-fields.js';

const SAMPLE_PEOPLE = [
  ['chris', 'Chris', 'Green'],
  ['ben', 'Ben', 'Andrews'],
  ['david', 'David', 'Longmuir'],
  ['cynthia', 'Cynthia', 'Carey'],
  ['melissa', 'Melissa', 'MacBeth'],
] as const;

/** The five sample rows of Microsoft's template, with `contoso.com` replaced by `domain`. */
export function sampleUserRows(domain: string): string[][] {
  return SAMPLE_PEOPLE.map(([alias, first, last], i) => [
    `${alias}@${domain}`,
    first,
    last,
    `${first} ${last}`,
    'IT Manager',
    'Information Technology',
    String(123451 + i),
    `123-555-${1211 + i}`,
    `123-555-${6641 + i}`,
    '123-555-6700',
    `chris@${domain}`,
    '1 Microsoft way',
    'Redmond',
    'Wa',
    '98052',
    'United States',
  ]);
}

/** The template as CSV text (BOM, CRLF), with or without the sample users. */
export function templateCsv(options: { domain: string; sample: boolean }): string {
  const rows = [M365_HEADER as string[], ...(options.sample ? sampleUserRows(options.domain) : [])];
  return '\uFEFF' + stringify(rows, { record_delimiter: '\r\n' });
}

export function templateFileName(sample: boolean): string {
  return sample ? 'ImportUsersSample_en.csv' : 'ImportUsersTemplate_en.csv';
}
