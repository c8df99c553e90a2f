import { Card, CardHeader, makeStyles, Text, tokens } from '@fluentui/react-components';
import { AppLink } from '../components/AppLink';
import { LoadingState } from '../components/LoadingState';
import { PageHeader } from '../components/PageHeader';
import { useQuery } from '@tanstack/react-query';
import { getConnection } from '../api/bridge';
import { useSession } from '../auth/session';
import { UncoupledWarning } from '../areas/bridge/salespeople/UncoupledWarning';
import { ACCOUNT_PATH } from './areas';
import { useRights, type Rights } from './rights';

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

/**
 * The home page follows the signed-in person's rights: a Global administrator starts with the steps
 * of setting up salespeople, each a link to its page; everyone else sees their account and the pages
 * their directory role and Sales / ERP rights open to them.
 */
export function HomePage() {
  const { user } = useSession();
  const rights = useRights();
  return user?.directoryRole === 'global_administrator' ? (
    <AdministratorHome />
  ) : (
    <PersonHome rights={rights} name={user?.displayName ?? ''} />
  );
}

function PersonHome({ rights, name }: { rights: Rights; name: string }) {
  const styles = useStyles();
  const sales = rights.sales?.user;
  const salesPages = [
    rights.salesPrivilege('prvReadAccount') ? (
      <AppLink key="accounts" to="/admin/sales/accounts">
        Accounts
      </AppLink>
    ) : null,
    rights.salesPrivilege('prvReadContact') ? (
      <AppLink key="contacts" to="/admin/sales/contacts">
        Contacts
      </AppLink>
    ) : null,
    rights.salesPrivilege('prvReadUser') ? (
      <AppLink key="users" to="/admin/sales/users">
        Sales users
      </AppLink>
    ) : null,
  ].filter((link) => link !== null);
  return (
    <>
      <PageHeader
        title={`Welcome, ${name}`}
        description="Your account, and the parts of Tandem your role opens to you."
      />
      {!rights.known ? <LoadingState label="Loading what your account can use…" /> : null}
      <div className={styles.grid}>
        <Card>
          <CardHeader
            header={
              <Text weight="semibold" as="h2" size={500}>
                Your account
              </Text>
            }
          />
          <Text>
            {sales
              ? `In Sales you are ${sales.roles.map((r) => r.name).join(', ') || 'a user without a role yet'}.`
              : 'You are not a Sales user.'}
          </Text>
          <Text>
            <AppLink to={ACCOUNT_PATH}>Your profile</AppLink> ·{' '}
            <AppLink to={ACCOUNT_PATH}>Change your password</AppLink>
          </Text>
        </Card>
        {rights.manageUsers ? (
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
              sign-in and assign licences; <AppLink to="/admin/directory/import">import users</AppLink> from a
              CSV file.
            </Text>
          </Card>
        ) : null}
        {salesPages.length ? (
          <Card>
            <CardHeader
              header={
                <Text weight="semibold" as="h2" size={500}>
                  Your Sales records
                </Text>
              }
            />
            <Text>
              {salesPages.map((link, i) => (
                <span key={i}>
                  {i > 0 ? ' · ' : ''}
                  {link}
                </span>
              ))}
            </Text>
          </Card>
        ) : null}
        {rights.erp ? (
          <Card>
            <CardHeader
              header={
                <Text weight="semibold" as="h2" size={500}>
                  ERP
                </Text>
              }
            />
            <Text>
              <AppLink to="/admin/erp/customers">Customers</AppLink> ·{' '}
              <AppLink to="/admin/erp/salespeople">Salespeople</AppLink> ·{' '}
              <AppLink to="/admin/erp/items">Items</AppLink>
            </Text>
          </Card>
        ) : null}
      </div>
    </>
  );
}

/** Where a Global administrator starts: the steps of setting up salespeople, each a link to its page. */
function AdministratorHome() {
  const styles = useStyles();
  const { user } = useSession();
  const connection = useQuery({ queryKey: ['bridge', 'connection'], queryFn: getConnection });
  return (
    <>
      <PageHeader
        title={`Welcome, ${user?.displayName ?? ''}`}
        description="Tandem keeps the tenant's users, the Sales CRM and the ERP in step. Start with the salespeople."
      />
      <UncoupledWarning enabled={connection.data?.enabled === true} />
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
              CSV template, licensed for Dynamics 365 Customer Engagement Plan (the Sales licence) in the same
              step.
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
