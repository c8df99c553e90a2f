import { Badge, Button, Card, CardHeader, makeStyles, Text, tokens } from '@fluentui/react-components';
import { KeyResetRegular, PersonAvailableRegular, PersonProhibitedRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { messageOf } from '../../../api/api-error';
import { getUser, resetPassword, setSignInAllowed } from '../../../api/directory';
import { AppLink } from '../../../components/AppLink';
import { CoupledSalesperson, Details, useLinkedSalesUser } from '../../../components/LinkedRecords';
import { ErrorState } from '../../../components/ErrorState';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';
import { PageHeader } from '../../../components/PageHeader';
import { ProfileForm } from './ProfileForm';
import { TemporaryPassword } from './TemporaryPassword';
import { UserLicences } from './UserLicences';

const ROLE_LABEL = {
  global_administrator: 'Global administrator',
  user_administrator: 'User administrator',
  user: 'User',
} as const;

const useStyles = makeStyles({
  sections: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  badges: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    flexWrap: 'wrap',
    marginBottom: tokens.spacingVerticalM,
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

/** One user: account state and actions, licences, profile. */
export function UserDetailsPage() {
  const styles = useStyles();
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const user = useQuery({ queryKey: ['directory', 'user', id], queryFn: () => getUser(id) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['directory'] });
  const block = useMutation({
    mutationFn: (allowed: boolean) => setSignInAllowed([id], allowed),
    onSuccess: refresh,
  });
  const reset = useMutation({ mutationFn: () => resetPassword(id), onSuccess: refresh });

  if (user.isPending) return <LoadingState label="Loading the user…" />;
  if (user.isError) {
    return (
      <>
        <PageHeader title="User" />
        <ErrorState error={user.error} onRetry={() => void user.refetch()} />
        <p>
          <AppLink to="/admin/directory/users">Back to active users</AppLink>
        </p>
      </>
    );
  }
  const u = user.data;
  return (
    <>
      <AppLink to="/admin/directory/users">← Active users</AppLink>
      <PageHeader title={u.displayName} description={u.userPrincipalName} />
      <div className={styles.badges}>
        <Badge appearance="tint">{ROLE_LABEL[u.directoryRole]}</Badge>
        {u.signInAllowed ? (
          <Badge appearance="tint" color="success">
            Sign-in allowed
          </Badge>
        ) : (
          <Badge appearance="tint" color="danger">
            Sign-in blocked
          </Badge>
        )}
        {u.mustChangePassword ? (
          <Badge appearance="tint" color="warning">
            Must change password at next sign-in
          </Badge>
        ) : null}
      </div>
      <div className={styles.sections}>
        <Card>
          <CardHeader
            header={
              <Text as="h2" weight="semibold" size={500}>
                Account
              </Text>
            }
          />
          <div className={styles.actions}>
            {u.signInAllowed ? (
              <Button
                icon={<PersonProhibitedRegular />}
                disabled={block.isPending}
                onClick={() => block.mutate(false)}
              >
                Block sign-in
              </Button>
            ) : (
              <Button
                icon={<PersonAvailableRegular />}
                disabled={block.isPending}
                onClick={() => block.mutate(true)}
              >
                Unblock sign-in
              </Button>
            )}
            <Button icon={<KeyResetRegular />} disabled={reset.isPending} onClick={() => reset.mutate()}>
              Reset password
            </Button>
          </div>
          <FormError message={block.error ? messageOf(block.error) : null} title="Sign-in was not changed" />
          <FormError
            message={reset.error ? messageOf(reset.error) : null}
            title="The password was not reset"
          />
          {reset.data ? (
            <TemporaryPassword userName={u.userPrincipalName} password={reset.data.temporaryPassword} />
          ) : null}
        </Card>
        <Card>
          <CardHeader
            header={
              <Text as="h2" weight="semibold" size={500}>
                Licences
              </Text>
            }
          />
          <UserLicences key={u.rowVersion} user={u} />
        </Card>
        <LinkedRecords userName={u.userPrincipalName} />
        <Card>
          <CardHeader
            header={
              <Text as="h2" weight="semibold" size={500}>
                Profile
              </Text>
            }
          />
          <ProfileForm key={u.rowVersion} user={u} />
        </Card>
      </div>
    </>
  );
}

/** The same person in Sales and in the ERP: the Sales user and the coupled ERP salesperson. */
function LinkedRecords({ userName }: { userName: string }) {
  const sales = useLinkedSalesUser(userName);
  return (
    <Card>
      <CardHeader
        header={
          <Text as="h2" weight="semibold" size={500}>
            Sales and ERP
          </Text>
        }
      />
      <Details
        label="Sales and ERP"
        rows={[
          ['Sales user', sales.link],
          [
            'ERP salesperson',
            sales.systemUserId ? <CoupledSalesperson systemUserId={sales.systemUserId} /> : <Text>—</Text>,
          ],
        ]}
      />
    </Card>
  );
}
