import { Card, CardHeader, makeStyles, Text, tokens } from '@fluentui/react-components';
import { AppLink } from '../components/AppLink';
import { PageHeader } from '../components/PageHeader';
import { useQuery } from '@tanstack/react-query';
import { getConnection } from '../api/bridge';
import { useSession } from '../auth/session';
import { UncoupledWarning } from '../areas/bridge/salespeople/UncoupledWarning';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))',
    gap: tokens.spacingHorizontalL,
  },
  steps: {
    margin: 0,
    paddingLeft: '1.25em',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
});

/** Where an administrator starts: the steps of setting up salespeople, each a link to its page. */
export function HomePage() {
  const styles = useStyles();
  const { user } = useSession();
  const admin = user?.directoryRole === 'global_administrator';
  const connection = useQuery({ queryKey: ['bridge', 'connection'], queryFn: getConnection, enabled: admin });
  return (
    <>
      <PageHeader
        title={`Welcome, ${user?.displayName ?? ''}`}
        description="Tandem keeps the tenant's users, the Sales CRM and the ERP in step. Start with the salespeople."
      />
      <UncoupledWarning enabled={admin && connection.data?.enabled === true} />
      <div className={styles.grid}>
        <Card>
          <CardHeader
            header={
              <Text weight="semibold" as="h2" size={500}>
                Set up salespeople
              </Text>
            }
          />
          <ol className={styles.steps}>
            <li>
              <AppLink to="/admin/directory/import">Import the salespeople</AppLink> from the Microsoft 365
              CSV template, licensed for Dynamics 365 Sales in the same step.
            </li>
            <li>
              Check their licences and seats in <AppLink to="/admin/directory/licences">Licences</AppLink>.
            </li>
            <li>
              <AppLink to="/admin/sales/users">Give them the Salesperson role</AppLink> in Sales, all at once.
            </li>
            <li>
              Create the matching <AppLink to="/admin/erp/salespeople">salespeople in the ERP</AppLink>.
            </li>
            <li>
              Connect the ERP to Sales with the <AppLink to="/admin/bridge/setup">assisted setup</AppLink>:
              the right administrator, a dedicated integration user.
            </li>
            <li>
              <AppLink to="/admin/bridge/salespeople">Couple the salespeople</AppLink> to their Sales users.
            </li>
          </ol>
        </Card>
        <Card>
          <CardHeader
            header={
              <Text weight="semibold" as="h2" size={500}>
                Directory
              </Text>
            }
          />
          <Text>
            <AppLink to="/admin/directory/users">Active users</AppLink>: add users, reset passwords, block
            sign-in and assign licences.
          </Text>
        </Card>
        <Card>
          <CardHeader
            header={
              <Text weight="semibold" as="h2" size={500}>
                Sales and ERP
              </Text>
            }
          />
          <Text>
            <AppLink to="/admin/sales/roles">Security roles</AppLink> and what they allow;{' '}
            <AppLink to="/admin/sales/accounts">accounts</AppLink>,{' '}
            <AppLink to="/admin/erp/customers">customers</AppLink> and{' '}
            <AppLink to="/admin/erp/items">items</AppLink>.
          </Text>
        </Card>
      </div>
    </>
  );
}
