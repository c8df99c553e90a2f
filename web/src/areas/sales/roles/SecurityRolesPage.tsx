import { Badge, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { listRoles } from '../../../api/sales';
import { AppLink } from '../../../components/AppLink';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { PageHeader } from '../../../components/PageHeader';
import { PrivilegeMatrix } from './PrivilegeMatrix';

const useStyles = makeStyles({
  layout: { display: 'flex', gap: tokens.spacingHorizontalXXL, alignItems: 'flex-start', flexWrap: 'wrap' },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: tokens.spacingVerticalS,
    minWidth: '220px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  current: { fontWeight: tokens.fontWeightSemibold },
  detail: {
    flex: 1,
    minWidth: 'min(480px, 100%)',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  badges: { display: 'flex', gap: tokens.spacingHorizontalS },
});

/** Security roles and what each allows: table × right → depth, plus special privileges. */
export function SecurityRolesPage() {
  const styles = useStyles();
  const { roleId } = useParams();
  const roles = useQuery({ queryKey: ['sales', 'roles'], queryFn: listRoles });
  const list = roles.data ?? [];
  const role = list.find((r) => r.roleid === roleId) ?? list.find((r) => r.name === 'Salesperson') ?? list[0];

  return (
    <>
      <PageHeader
        title="Security roles"
        description="A role is a set of privileges: for each table, which rights reach how far (the user's own records, their business unit, or the whole organisation). Roles add up."
      />
      {roles.isPending ? (
        <LoadingState label="Loading roles…" />
      ) : roles.isError ? (
        <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />
      ) : !role ? (
        <EmptyState title="No security roles" />
      ) : (
        <div className={styles.layout}>
          <nav aria-label="Security roles">
            <ul className={styles.list}>
              {list.map((r) => (
                <li key={r.roleid} className={r.roleid === role.roleid ? styles.current : undefined}>
                  <AppLink to={`/admin/sales/roles/${r.roleid}`}>{r.name}</AppLink>
                </li>
              ))}
            </ul>
          </nav>
          <section className={styles.detail} aria-labelledby="role-name">
            <Text as="h2" id="role-name" size={600} weight="semibold">
              {role.name}
            </Text>
            <div className={styles.badges}>
              {role.roletemplatekey ? <Badge appearance="tint">Built-in, read-only</Badge> : null}
              {role.solutionid ? <Badge appearance="tint">From a solution</Badge> : null}
            </div>
            <PrivilegeMatrix role={role} />
          </section>
        </div>
      )}
    </>
  );
}
