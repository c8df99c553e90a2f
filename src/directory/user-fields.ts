/**
 * The directory user's profile fields, their Microsoft 365 template columns and length limits, and
 * the checks every way in (API, console, CSV import) applies. One table, so the limits cannot drift.
 */
import { isIsoCountryCode } from './iso-countries.js';

export interface ProfileFieldSpec {
  /** Property name in the API and in import rows. */
  key: ProfileFieldKey;
  /** Column heading in the M365 "Import multiple users" template. */
  csvHeader: string;
  maxLength: number;
  required?: boolean;
}

export type ProfileFieldKey =
  | 'userPrincipalName'
  | 'firstName'
  | 'lastName'
  | 'displayName'
  | 'jobTitle'
  | 'department'
  | 'officeNumber'
  | 'officePhone'
  | 'mobilePhone'
  | 'fax'
  | 'alternateEmail'
  | 'address'
  | 'city'
  | 'state'
  | 'postalCode'
  | 'country';

/** In the exact order of the M365 template (16 columns). */
export const PROFILE_FIELDS: readonly ProfileFieldSpec[] = [
  { key: 'userPrincipalName', csvHeader: 'User Name', maxLength: 79, required: true },
  { key: 'firstName', csvHeader: 'First Name', maxLength: 64 },
  { key: 'lastName', csvHeader: 'Last Name', maxLength: 64 },
  { key: 'displayName', csvHeader: 'Display Name', maxLength: 256, required: true },
  { key: 'jobTitle', csvHeader: 'Job Title', maxLength: 64 },
  { key: 'department', csvHeader: 'Department', maxLength: 64 },
  { key: 'officeNumber', csvHeader: 'Office Number', maxLength: 128 },
  { key: 'officePhone', csvHeader: 'Office Phone', maxLength: 64 },
  { key: 'mobilePhone', csvHeader: 'Mobile Phone', maxLength: 64 },
  { key: 'fax', csvHeader: 'Fax', maxLength: 64 },
  { key: 'alternateEmail', csvHeader: 'Alternate email address', maxLength: 64 },
  { key: 'address', csvHeader: 'Address', maxLength: 1023 },
  { key: 'city', csvHeader: 'City', maxLength: 128 },
  { key: 'state', csvHeader: 'State or Province', maxLength: 128 },
  { key: 'postalCode', csvHeader: 'ZIP or Postal Code', maxLength: 40 },
  { key: 'country', csvHeader: 'Country or Region', maxLength: 128 },
];

export const M365_HEADER = PROFILE_FIELDS.map((f) => f.csvHeader);

export type ProfileFields = Partial<Record<ProfileFieldKey, string | null>>;

export interface FieldIssue {
  field: ProfileFieldKey | 'usageLocation';
  message: string;
}

const UPN_LOCAL = /^[A-Za-z0-9'._!#^~-]+$/;

/** Checks a UPN's shape and that its domain is one of the tenant's verified domains. */
export function upnProblem(upn: string, verifiedDomains: readonly string[]): string | undefined {
  if (upn.length === 0) return 'is required';
  if (upn !== upn.trim()) return 'must not start or end with spaces';
  if (upn.length > 79) return `is ${upn.length} characters; the limit is 79`;
  const at = upn.indexOf('@');
  if (at <= 0 || at !== upn.lastIndexOf('@')) return 'must be alias@domain with exactly one @';
  const local = upn.slice(0, at);
  const domain = upn.slice(at + 1).toLowerCase();
  if (local.length > 64) return `has an alias of ${local.length} characters; the limit is 64`;
  if (!UPN_LOCAL.test(local)) {
    return "may contain only letters, digits and ' . - _ ! # ^ ~ before the @";
  }
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return 'must not start or end with a dot or have two dots in a row before the @';
  }
  if (!verifiedDomains.includes(domain)) {
    return `is in the domain "${domain}", which is not a verified domain of this tenant (verified: ${verifiedDomains.join(', ')})`;
  }
  return undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Validates a set of profile fields. `requireAll` checks required fields are present (creation);
 * otherwise only the fields given are checked (update). Values should already be trimmed.
 */
export function profileProblems(
  fields: ProfileFields & { usageLocation?: string | null },
  verifiedDomains: readonly string[],
  options: { requireAll: boolean; skipUsageLocation?: boolean },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const spec of PROFILE_FIELDS) {
    const value = fields[spec.key];
    const present = value !== undefined && value !== null && value !== '';
    if (!present) {
      if (spec.required && (options.requireAll || value !== undefined)) {
        issues.push({ field: spec.key, message: `${spec.csvHeader} is required` });
      }
      continue;
    }
    if (spec.key === 'userPrincipalName') {
      const problem = upnProblem(value, verifiedDomains);
      if (problem) issues.push({ field: spec.key, message: `User Name "${value}" ${problem}` });
      continue;
    }
    if (value.length > spec.maxLength) {
      issues.push({
        field: spec.key,
        message: `${spec.csvHeader} is ${value.length} characters; the limit is ${spec.maxLength}`,
      });
    } else if (spec.key === 'alternateEmail' && !EMAIL.test(value)) {
      issues.push({
        field: spec.key,
        message: `Alternate email address "${value}" is not an e-mail address`,
      });
    }
  }
  const usage = options.skipUsageLocation ? undefined : fields.usageLocation;
  if (usage !== undefined && usage !== null && usage !== '' && !isIsoCountryCode(usage)) {
    issues.push({
      field: 'usageLocation',
      message: `Usage location "${usage}" is not an ISO 3166 two-letter country code (e.g. US, GB, DK)`,
    });
  }
  return issues;
}

/** Trims, treats a lone space (the M365 template's "blank") as empty, and strips control characters. */
export function cleanCell(raw: string | undefined): string {
  if (raw === undefined) return '';
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return raw.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
}
