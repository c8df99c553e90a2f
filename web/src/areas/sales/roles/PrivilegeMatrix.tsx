import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import type { Depth, SecurityRole } from '../../../api/sales';

const RIGHTS = ['Create', 'Read', 'Write', 'Delete', 'Append', 'AppendTo', 'Assign', 'Share'];
const RIGHT_LABEL: Record<string, string> = { AppendTo: 'Append To' };
const TABLE_LABEL: Record<string, string> = {
  account: 'Account',
  contact: 'Contact',
  opportunity: 'Opportunity',
  transactioncurrency: 'Currency',
  product: 'Product',
  systemuser: 'User',
  role: 'Security role',
  businessunit: 'Business unit',
};

/** How far a depth reaches, in words and as a filled share of a circle, as Dynamics shows it. */
const DEPTH: Record<Depth, { label: string; fill: number }> = {
  None: { label: 'None', fill: 0 },
  User: { label: 'User', fill: 0.25 },
  BusinessUnit: { label: 'Business Unit', fill: 0.5 },
  ParentChildBusinessUnit: { label: 'Parent: Child BU', fill: 0.75 },
  Organization: { label: 'Organization', fill: 1 },
};

const useStyles = makeStyles({
  scroller: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, whiteSpace: 'nowrap' },
  none: { color: tokens.colorNeutralForeground4 },
  special: { margin: 0, paddingLeft: '1.25em', columns: '2 260px' },
});

function DepthIcon({ fill }: { fill: number }) {
  const angle = fill * 2 * Math.PI;
  const x = 8 + 7 * Math.sin(angle);
  const y = 8 - 7 * Math.cos(angle);
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden style={{ flexShrink: 0 }}>
      <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1" />
      {fill >= 1 ? <circle cx="8" cy="8" r="7" fill="currentColor" /> : null}
      {fill > 0 && fill < 1 ? (
        <path d={`M8 8 L8 1 A7 7 0 ${fill > 0.5 ? 1 : 0} 1 ${x} ${y} Z`} fill="currentColor" />
      ) : null}
    </svg>
  );
}

/** The role's privileges, read-only: one row per table, one column per right. */
export function PrivilegeMatrix({ role }: { role: SecurityRole }) {
  const styles = useStyles();
  const tables = Object.keys(role.privileges);
  const special = Object.entries(role.specialPrivileges).filter(([, depth]) => depth !== 'None');
  return (
    <>
      <div className={styles.scroller} role="region" tabIndex={0} aria-label={`Privileges of ${role.name}`}>
        <Table aria-label={`Privileges of ${role.name}`} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Table</TableHeaderCell>
              {RIGHTS.map((right) => (
                <TableHeaderCell key={right}>{RIGHT_LABEL[right] ?? right}</TableHeaderCell>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {tables.map((table) => (
              <TableRow key={table}>
                <TableCell>{TABLE_LABEL[table] ?? table}</TableCell>
                {RIGHTS.map((right) => {
                  const depth = DEPTH[role.privileges[table]?.[right] ?? 'None'];
                  return (
                    <TableCell key={right}>
                      <span className={`${styles.cell} ${depth.fill === 0 ? styles.none : ''}`}>
                        <DepthIcon fill={depth.fill} />
                        {depth.label}
                      </span>
                    </TableCell>
                  );
                })}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <Text as="h3" weight="semibold" size={400}>
        Other privileges
      </Text>
      {special.length === 0 ? (
        <Text>None.</Text>
      ) : (
        <ul className={styles.special}>
          {special.map(([name, depth]) => (
            <li key={name}>
              {name} ({DEPTH[depth].label})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
