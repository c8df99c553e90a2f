import type { SolutionManifest } from './solution-manifest.js';
import { grant } from './security/role-definitions.js';

const SYNCED = ['account', 'contact', 'opportunity', 'product', 'transactioncurrency'] as const;

/**
 * The integration solution the bridge's setup imports (Business Central's "Base Integration
 * Solution"): it adds the roles Integration Administrator (for the admin who configures the
 * connection) and Integration User (for the account that synchronises). Both read users and
 * business units, which coupling salespeople needs; neither can touch security roles.
 */
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
} as const satisfies SolutionManifest;
