/**
 * Turns one CSV record of an import into a staged row: cleaned fields by key, and every problem with
 * its row, column heading and value. Pure, so each rule is unit-tested without a database.
 */
import { passwordPolicyProblem } from '../platform/security/passwords.js';
import type { CsvRecord, ImportColumnKey, ImportLayout } from './csv-reader.js';
import { countryCodeFor, isIsoCountryCode } from './iso-countries.js';
import { cleanCell, profileProblems, type ProfileFields } from './user-fields.js';

export interface RowProblem {
  row: number;
  /** The column heading as in the file ("User Name", "Initial password [passwordProfile]", or "row"). */
  column: string;
  value: string | null;
  message: string;
}

/** What is staged for one row (one import_rows column per field) and drives apply. */
export interface StagedFields extends ProfileFields {
  usageLocation?: string | null;
  /** Usage location derived from Country or Region, used when no other is given. */
  countryCode?: string | null;
  /** Entra "Block sign in" = Yes. */
  signInBlocked?: boolean;
  /** Entra initial password: present only transiently, hashed before staging. */
  password?: string;
}

export interface ValidatedRow {
  row: number;
  /** Lower-cased; '' when missing. */
  userPrincipalName: string;
  fields: StagedFields;
  problems: RowProblem[];
}

const MAX_VALUE_IN_PROBLEM = 200;

function clip(value: string): string {
  return value.length > MAX_VALUE_IN_PROBLEM ? `${value.slice(0, MAX_VALUE_IN_PROBLEM)}…` : value;
}

/** Each layout's headings by column key, made once per file rather than once per row. */
const headingsOf = new WeakMap<ImportLayout, Map<ImportColumnKey, string>>();

function headings(layout: ImportLayout): Map<ImportColumnKey, string> {
  let map = headingsOf.get(layout);
  if (!map) {
    map = new Map(layout.columns.map((c) => [c.key, c.heading]));
    headingsOf.set(layout, map);
  }
  return map;
}

/** Validates one data record against the layout and the tenant's verified domains. */
export function validateRecord(
  layout: ImportLayout,
  record: CsvRecord,
  verifiedDomains: readonly string[],
): ValidatedRow {
  const problems: RowProblem[] = [];
  const fields: StagedFields = {};
  const headingOf = headings(layout);
  if (record.cells.length !== layout.width) {
    problems.push({
      row: record.row,
      column: 'row',
      value: null,
      message: `has ${record.cells.length} cells; the header has ${layout.width}. Check for a missing or extra comma, or a line break inside an unquoted cell`,
    });
  }
  for (const column of layout.columns) {
    const value = cleanCell(record.cells[column.index]);
    switch (column.key) {
      case 'password':
        fields.password = value;
        break;
      case 'blockSignIn': {
        const v = value.toLowerCase();
        if (v === 'yes' || v === 'no') fields.signInBlocked = v === 'yes';
        else
          problems.push({
            row: record.row,
            column: column.heading,
            value: clip(value),
            message: `must be Yes or No, got "${clip(value)}"`,
          });
        break;
      }
      case 'usageLocation':
        fields.usageLocation = value ? value.toUpperCase() : null;
        break;
      default:
        fields[column.key] = value || null;
    }
  }

  const upn = fields.userPrincipalName ?? '';
  // Usage location is checked below, under the file's own heading.
  const issues = profileProblems(fields, verifiedDomains, { requireAll: true, skipUsageLocation: true });
  for (const issue of issues) {
    const raw = fields[issue.field as keyof ProfileFields];
    problems.push({
      row: record.row,
      column: headingOf.get(issue.field) ?? issue.field,
      value: raw ? clip(raw) : null,
      message: issue.message,
    });
  }
  if (fields.usageLocation && !isIsoCountryCode(fields.usageLocation)) {
    problems.push({
      row: record.row,
      column: headingOf.get('usageLocation') ?? 'usageLocation',
      value: clip(fields.usageLocation),
      message: `Usage location "${clip(fields.usageLocation)}" is not an ISO 3166 two-letter country code (e.g. US, GB, DK)`,
    });
  }
  if (fields.password !== undefined) {
    const policy = fields.password ? passwordPolicyProblem(fields.password) : 'is required';
    // The value of a password is never echoed back, not even in a problem report.
    if (policy)
      problems.push({
        row: record.row,
        column: headingOf.get('password') ?? 'password',
        value: null,
        message: `Initial password ${policy}`,
      });
  }
  fields.countryCode = countryCodeFor(fields.country) ?? null;
  return { row: record.row, userPrincipalName: upn.toLowerCase(), fields, problems };
}
