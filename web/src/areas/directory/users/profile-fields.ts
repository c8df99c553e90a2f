import type { ProfileChanges } from '../../../api/directory';

/** The profile fields an administrator edits, with the M365 template's headings and limits. */
export const PROFILE_FIELDS: { key: keyof ProfileChanges & string; label: string; max: number }[] = [
  { key: 'displayName', label: 'Display name', max: 256 },
  { key: 'firstName', label: 'First name', max: 64 },
  { key: 'lastName', label: 'Last name', max: 64 },
  { key: 'jobTitle', label: 'Job title', max: 64 },
  { key: 'department', label: 'Department', max: 64 },
  { key: 'officeNumber', label: 'Office number', max: 128 },
  { key: 'officePhone', label: 'Office phone', max: 64 },
  { key: 'mobilePhone', label: 'Mobile phone', max: 64 },
  { key: 'fax', label: 'Fax', max: 64 },
  { key: 'alternateEmail', label: 'Alternate email address', max: 64 },
  { key: 'address', label: 'Address', max: 1023 },
  { key: 'city', label: 'City', max: 128 },
  { key: 'state', label: 'State or province', max: 128 },
  { key: 'postalCode', label: 'ZIP or postal code', max: 40 },
  { key: 'country', label: 'Country or region', max: 128 },
  { key: 'usageLocation', label: 'Usage location', max: 2 },
];
