/**
 * Record rights and access depths of the Dataverse privilege model, and how privileges are named.
 * Pure: no database here, so the rules can be unit tested on their own.
 */

export const RIGHTS = ['Create', 'Read', 'Write', 'Delete', 'Append', 'AppendTo', 'Assign', 'Share'] as const;
export type Right = (typeof RIGHTS)[number];

/** None < User (Basic) < Business Unit (Local) < Parent:Child BU (Deep) < Organization (Global). */
export const DEPTHS = ['None', 'User', 'BusinessUnit', 'ParentChildBusinessUnit', 'Organization'] as const;
export type Depth = (typeof DEPTHS)[number];

export const DEPTH_LABEL: Record<Depth, string> = {
  None: 'None',
  User: 'User',
  BusinessUnit: 'Business Unit',
  ParentChildBusinessUnit: 'Parent: Child Business Units',
  Organization: 'Organization',
};

export function depthRank(depth: Depth): number {
  return DEPTHS.indexOf(depth);
}

export function maxDepth(a: Depth, b: Depth): Depth {
  return depthRank(a) >= depthRank(b) ? a : b;
}

export function isDepth(value: string): value is Depth {
  return (DEPTHS as readonly string[]).includes(value);
}

export function isRight(value: string): value is Right {
  return (RIGHTS as readonly string[]).includes(value);
}

/**
 * Tables whose privileges roles carry, by logical name, with the name Dataverse uses inside the
 * privilege (prvReadUser for systemuser) and the ownership that decides which depths make sense.
 */
export const SECURED_TABLES = {
  account: { privilegeName: 'Account', ownership: 'user', label: 'account' },
  contact: { privilegeName: 'Contact', ownership: 'user', label: 'contact' },
  opportunity: { privilegeName: 'Opportunity', ownership: 'user', label: 'opportunity' },
  transactioncurrency: { privilegeName: 'TransactionCurrency', ownership: 'organization', label: 'currency' },
  product: { privilegeName: 'Product', ownership: 'organization', label: 'product' },
  systemuser: { privilegeName: 'User', ownership: 'businessunit', label: 'user' },
  role: { privilegeName: 'Role', ownership: 'businessunit', label: 'security role' },
  businessunit: { privilegeName: 'BusinessUnit', ownership: 'businessunit', label: 'business unit' },
} as const satisfies Record<string, { privilegeName: string; ownership: string; label: string }>;

export type SecuredTable = keyof typeof SECURED_TABLES;

export function isSecuredTable(table: string): table is SecuredTable {
  return Object.hasOwn(SECURED_TABLES, table);
}

/** The Dataverse privilege name of a record right on a table: prvWriteAccount, prvAppendToContact. */
export function privilegeName(table: SecuredTable, right: Right): string {
  return `prv${right}${SECURED_TABLES[table].privilegeName}`;
}

/**
 * Privileges that are not about records: customisation (solutions, tables) and security roles are
 * covered by the role table's own rights (prvCreateRole, prvWriteRole, prvAssignRole…).
 */
export const SPECIAL_PRIVILEGES = [
  'prvImportCustomization',
  'prvExportCustomization',
  'prvPublishCustomization',
  'prvCreateEntity',
  'prvWriteEntity',
  'prvCreateAttribute',
  'prvWriteAttribute',
  'prvReadSolution',
  'prvCreateSolution',
  'prvWriteSolution',
  'prvDeleteSolution',
  'prvBulkEdit',
  'prvExportToExcel',
  'prvReadAuditSummary',
] as const;

/**
 * Dataverse offers only None or Organization on organisation-owned tables: a role that stores a
 * narrower depth on one (e.g. User read on products) grants it organisation-wide, as Dataverse does.
 */
export function effectiveDepth(table: SecuredTable, depth: Depth): Depth {
  if (depth !== 'None' && SECURED_TABLES[table].ownership === 'organization') return 'Organization';
  return depth;
}

/** The caller's position relative to a record, as needed to decide if a depth reaches it. */
export interface RecordReach {
  ownsRecord: boolean;
  sameBusinessUnit: boolean;
  inBusinessUnitSubtree: boolean;
}

/** The smallest depth that reaches a record. */
export function depthNeeded(reach: RecordReach): Depth {
  if (reach.ownsRecord) return 'User';
  if (reach.sameBusinessUnit) return 'BusinessUnit';
  if (reach.inBusinessUnitSubtree) return 'ParentChildBusinessUnit';
  return 'Organization';
}

export function depthReaches(depth: Depth, reach: RecordReach): boolean {
  return depth !== 'None' && depthRank(depth) >= depthRank(depthNeeded(reach));
}
