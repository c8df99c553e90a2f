/**
 * The integration solution the bridge ships and setup imports into Sales with the administrator's
 * token (Business Central's "Base Integration Solution"): the roles Integration Administrator and
 * Integration User, and the columns that hold ERP numbers. It is plain data — a Sales server reads
 * it over HTTP (POST /sales/admin/solutions) like any solution file. Bump `version` whenever it
 * changes: Sales upgrades an older installed version and leaves the same version untouched.
 */

const SYNCED = ['account', 'contact', 'opportunity', 'product', 'transactioncurrency'] as const;
type Right = 'Create' | 'Read' | 'Write' | 'Delete' | 'Append' | 'AppendTo' | 'Assign' | 'Share';

function grant(tables: readonly string[], rights: readonly Right[], depth: 'Organization') {
  return tables.flatMap((table) => rights.map((right) => ({ table, right, depth })));
}

export const INTEGRATION_SOLUTION = {
  uniquename: 'TandemIntegration',
  friendlyname: 'Tandem ERP Integration',
  version: '1.0.0.0',
  publisher: 'Tandem',
  description: 'Roles and columns for synchronising Sales with the ERP.',
  roles: [
    {
      key: 'integration_administrator',
      name: 'Integration Administrator',
      description: 'Configures the ERP integration: all rights on synchronised tables, reads users.',
      privileges: [
        ...grant(
          SYNCED,
          ['Create', 'Read', 'Write', 'Delete', 'Append', 'AppendTo', 'Assign', 'Share'],
          'Organization',
        ),
        ...grant(['systemuser', 'businessunit', 'role'], ['Read'], 'Organization'),
        { privilege: 'prvReadSolution', depth: 'Organization' },
      ],
    },
    {
      key: 'integration_user',
      name: 'Integration User',
      description: 'Synchronises accounts, contacts, products, opportunities and currencies with the ERP.',
      privileges: [
        ...grant(
          SYNCED,
          ['Create', 'Read', 'Write', 'Delete', 'Append', 'AppendTo', 'Assign'],
          'Organization',
        ),
        ...grant(['systemuser', 'businessunit'], ['Read'], 'Organization'),
      ],
    },
  ],
  columns: [
    { table: 'account', logicalname: 'tandem_erpcustomerno', type: 'string', maxlength: 20 },
    { table: 'contact', logicalname: 'tandem_erpcontactno', type: 'string', maxlength: 20 },
    { table: 'product', logicalname: 'tandem_erpitemno', type: 'string', maxlength: 20 },
    { table: 'systemuser', logicalname: 'tandem_erpsalespersoncode', type: 'string', maxlength: 20 },
  ],
} as const;

/** The Sales roles the solution brings, which setup assigns to the integration identity. */
export const INTEGRATION_ROLES = INTEGRATION_SOLUTION.roles.map((r) => r.name);
