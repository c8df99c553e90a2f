/**
 * Permission sets as data: each grants rights (read, insert, modify, delete) on ERP objects, like
 * Business Central's permission sets grant them on table data. Sets add up; a call is allowed when
 * any of the caller's sets allows it. Administrative objects (users, permission-set assignments,
 * application registrations, companies) are granted by SUPER alone.
 */

export const ERP_OBJECTS = [
  'company',
  'generalLedgerSetup',
  'salesperson',
  'customer',
  'contact',
  'item',
  'currency',
  'unitOfMeasure',
  'paymentTerm',
  'opportunity',
  'changeFeed',
  'user',
  'permissionAssignment',
  'auditLog',
] as const;
export type ErpObject = (typeof ERP_OBJECTS)[number];

export const RIGHTS = ['read', 'insert', 'modify', 'delete'] as const;
export type Right = (typeof RIGHTS)[number];

/** BC's caption of each object, for messages ("… on TableData Customer: Insert"). */
export const OBJECT_CAPTIONS: Record<ErpObject, string> = {
  company: 'Company',
  generalLedgerSetup: 'General Ledger Setup',
  salesperson: 'Salesperson/Purchaser',
  customer: 'Customer',
  contact: 'Contact',
  item: 'Item',
  currency: 'Currency',
  unitOfMeasure: 'Unit of Measure',
  paymentTerm: 'Payment Terms',
  opportunity: 'Opportunity',
  changeFeed: 'Change Feed',
  user: 'User',
  permissionAssignment: 'Access Control',
  auditLog: 'Audit Log',
};

export interface PermissionSet {
  code: string;
  name: string;
  permissions: Partial<Record<ErpObject, readonly Right[]>>;
}

const ALL: readonly Right[] = RIGHTS;
const R: readonly Right[] = ['read'];

export const PERMISSION_SETS: readonly PermissionSet[] = [
  {
    code: 'SUPER',
    name: 'This role has all permissions.',
    permissions: Object.fromEntries(ERP_OBJECTS.map((o) => [o, ALL])) as Record<ErpObject, readonly Right[]>,
  },
  {
    code: 'BASIC',
    name: 'Basic read access to master data',
    permissions: {
      company: R,
      generalLedgerSetup: R,
      salesperson: R,
      customer: R,
      contact: R,
      item: R,
      currency: R,
      unitOfMeasure: R,
      paymentTerm: R,
      opportunity: R,
    },
  },
  {
    code: 'SALES',
    name: 'Sales: maintain customers, contacts and opportunities',
    permissions: {
      company: R,
      generalLedgerSetup: R,
      salesperson: R,
      customer: ALL,
      contact: ALL,
      item: R,
      currency: R,
      unitOfMeasure: R,
      paymentTerm: R,
      opportunity: ALL,
    },
  },
  {
    // What the bridge needs to synchronise with Sales, and nothing administrative.
    code: 'INTEGRATION',
    name: 'Dynamics 365 Sales integration',
    permissions: {
      company: R,
      generalLedgerSetup: R,
      salesperson: ALL,
      customer: ALL,
      contact: ALL,
      item: ALL,
      currency: ['read', 'insert'],
      unitOfMeasure: R,
      paymentTerm: R,
      opportunity: ALL,
      changeFeed: R,
    },
  },
];

export function findPermissionSet(code: string): PermissionSet | undefined {
  return PERMISSION_SETS.find((set) => set.code === code.toUpperCase());
}

/** Whether any of the given sets grants `right` on `object`. */
export function allows(setCodes: readonly string[], object: ErpObject, right: Right): boolean {
  return setCodes.some((code) => findPermissionSet(code)?.permissions[object]?.includes(right) ?? false);
}
