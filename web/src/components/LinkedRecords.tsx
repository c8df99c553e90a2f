import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { COUPLING_KEY, getConnection, getSalespeopleCoupling } from '../api/bridge';
import { findSalesUser } from '../api/sales';
import { useRights } from '../app/rights';
import { AppLink } from './AppLink';

const useStyles = makeStyles({
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    margin: 0,
  },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0, overflowWrap: 'anywhere' },
});

/** Label → value rows (a description list) for a record's details. */
export function Details({ rows, label }: { rows: Array<[string, ReactNode]>; label: string }) {
  const styles = useStyles();
  return (
    <dl className={styles.list} aria-label={label}>
      {rows.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt className={styles.term}>{term}</dt>
          <dd className={styles.value}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The ERP salesperson coupled to a Sales user, as a link to it on the ERP's Salespeople page. Only the
 * bridge's administrators read couplings; for others it says nothing is known rather than failing.
 */
export function CoupledSalesperson({ systemUserId }: { systemUserId: string }) {
  const rights = useRights();
  // The bridge reads couplings as the integration identity in the ERP's company, both of which the
  // assisted setup chooses; until then it refuses (409), so ask only once the connection has them —
  // the same test the Couple salespeople page makes — and say why nothing is known instead.
  const connection = useQuery({
    queryKey: ['bridge', 'connection'],
    queryFn: getConnection,
    enabled: rights.bridge,
  });
  const configured = Boolean(connection.data?.integrationIdentity && connection.data.erpCompanyId);
  const coupling = useQuery({
    queryKey: COUPLING_KEY,
    queryFn: getSalespeopleCoupling,
    enabled: rights.bridge && configured,
    retry: false,
  });
  if (!rights.bridge) return <Text>Only a Global administrator sees couplings.</Text>;
  if (connection.isPending) return <Text>Loading…</Text>;
  if (connection.isError)
    return <Text>Not known: the bridge did not answer ({connection.error.message})</Text>;
  if (!configured) {
    return (
      <Text>
        Not coupled: the connection to the ERP is not set up yet (
        <AppLink to="/admin/bridge/setup">Assisted setup</AppLink>).
      </Text>
    );
  }
  if (coupling.isPending) return <Text>Loading…</Text>;
  if (coupling.isError) return <Text>Not known: the bridge did not answer ({coupling.error.message})</Text>;
  const code = coupling.data.users.find((u) => u.systemuserid === systemUserId)?.salesperson?.code;
  if (!code) return <Text>Not coupled to an ERP salesperson.</Text>;
  const salesperson = coupling.data.salespeople.find((s) => s.code === code);
  const name = salesperson ? `${salesperson.code} · ${salesperson.displayName}` : code;
  return (
    <AppLink to={`/admin/erp/salespeople?search=${encodeURIComponent(salesperson?.displayName ?? code)}`}>
      {name}
    </AppLink>
  );
}

/** The Sales user provisioned from a directory user: a link to its page in the Sales area, and its id. */
export function useLinkedSalesUser(userName: string): { link: ReactNode; systemUserId: string | null } {
  const rights = useRights();
  const mayRead = rights.salesPrivilege('prvReadUser');
  const user = useQuery({
    queryKey: ['sales', 'users', 'by-name', userName],
    queryFn: () => findSalesUser(userName),
    enabled: mayRead,
  });
  if (!mayRead) return { link: <Text>You may not read Sales users.</Text>, systemUserId: null };
  if (user.isPending) return { link: <Text>Loading…</Text>, systemUserId: null };
  if (user.isError) return { link: <Text>{user.error.message}</Text>, systemUserId: null };
  if (!user.data)
    return {
      link: <Text>Not a Sales user (a Dynamics 365 Customer Engagement Plan licence makes one).</Text>,
      systemUserId: null,
    };
  return {
    link: (
      <AppLink to={`/admin/sales/users/${user.data.systemuserid}`}>
        {user.data.fullname ?? user.data.domainname}
      </AppLink>
    ),
    systemUserId: user.data.systemuserid,
  };
}
