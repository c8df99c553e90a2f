import type { Depth, Right, SecuredTable } from './depth.js';
import { RIGHTS, SECURED_TABLES, SPECIAL_PRIVILEGES } from './depth.js';

/** One privilege a role grants: a record right on a table, or a special privilege, at a depth. */
export type PrivilegeGrant =
  { table: SecuredTable; right: Right; depth: Depth } | { privilege: string; depth: Depth };

/** A role as data: built-in roles below, solution roles from their manifest. */
export interface RoleDefinition {
  /** Stable key ('system_administrator'); names may be translated or renamed, keys never. */
  key: string;
  name: string;
  description: string;
  /** False for System Administrator: nobody may change it. */
  iscustomizable: boolean;
  privileges: PrivilegeGrant[];
}

/** Grants every listed right on every listed table at one depth. */
export function grant(
  tables: readonly SecuredTable[],
  rights: readonly Right[],
  depth: Depth,
): PrivilegeGrant[] {
  return tables.flatMap((table) => rights.map((right) => ({ table, right, depth })));
}

const ALL_TABLES = Object.keys(SECURED_TABLES) as SecuredTable[];
const USER_OWNED: SecuredTable[] = ['account', 'contact', 'opportunity'];
const ORG_OWNED: SecuredTable[] = ['transactioncurrency', 'product'];
const DIRECTORY_TABLES: SecuredTable[] = ['systemuser', 'businessunit'];
/** What System Customizer gets beyond data: solutions, tables and columns (not roles, not audit). */
const CUSTOMIZATION: string[] = [
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
];

/**
 * The built-in roles, modelled on Dataverse's (power-platform/admin/database-security.md and
 * ce/sales/security-roles-for-sales.md). Roles add up: a user gets the deepest depth any role gives.
 */
export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  {
    key: 'system_administrator',
    name: 'System Administrator',
    description: 'Every privilege at Organization depth: all data, customisation and security roles.',
    iscustomizable: false,
    privileges: [
      ...grant(ALL_TABLES, RIGHTS, 'Organization'),
      ...SPECIAL_PRIVILEGES.map((privilege) => ({ privilege, depth: 'Organization' as const })),
    ],
  },
  {
    key: 'system_customizer',
    name: 'System Customizer',
    description:
      'Full customisation (solutions, tables, columns) and create/read/write/delete on own records; cannot create, change or assign security roles.',
    iscustomizable: true,
    privileges: [
      ...grant(USER_OWNED, RIGHTS, 'User'),
      ...grant(ORG_OWNED, ['Read'], 'Organization'),
      ...grant([...DIRECTORY_TABLES, 'role'], ['Read'], 'Organization'),
      ...CUSTOMIZATION.map((privilege) => ({ privilege, depth: 'Organization' as const })),
    ],
  },
  {
    key: 'sales_manager',
    name: 'Sales Manager',
    description: "All rights on accounts, contacts and opportunities in the manager's business unit.",
    iscustomizable: true,
    privileges: [
      ...grant(USER_OWNED, RIGHTS, 'BusinessUnit'),
      ...grant(ORG_OWNED, ['Read'], 'Organization'),
      ...grant(DIRECTORY_TABLES, ['Read'], 'Organization'),
      { privilege: 'prvExportToExcel', depth: 'Organization' },
      { privilege: 'prvBulkEdit', depth: 'Organization' },
    ],
  },
  {
    key: 'salesperson',
    name: 'Salesperson',
    description:
      'Creates and works on own accounts, contacts and opportunities; reads the accounts and contacts of the business unit.',
    iscustomizable: true,
    privileges: [
      ...grant(['account', 'contact'], ['Create', 'Write', 'Delete', 'Append', 'Assign', 'Share'], 'User'),
      // Colleagues' customers are visible and can be linked to (a contact under a shared account).
      ...grant(['account', 'contact'], ['Read', 'AppendTo'], 'BusinessUnit'),
      ...grant(['opportunity'], RIGHTS, 'User'),
      ...grant(ORG_OWNED, ['Read'], 'Organization'),
      ...grant(DIRECTORY_TABLES, ['Read'], 'Organization'),
      { privilege: 'prvExportToExcel', depth: 'Organization' },
    ],
  },
  {
    key: 'basic_user',
    name: 'Basic User',
    description:
      'Create, read, write and delete own accounts and contacts; read currencies, products and users.',
    iscustomizable: true,
    privileges: [
      ...grant(['account', 'contact'], RIGHTS, 'User'),
      ...grant(ORG_OWNED, ['Read'], 'Organization'),
      ...grant(DIRECTORY_TABLES, ['Read'], 'Organization'),
    ],
  },
];

export const SYSTEM_ADMINISTRATOR = 'system_administrator';
export const SYSTEM_CUSTOMIZER = 'system_customizer';
