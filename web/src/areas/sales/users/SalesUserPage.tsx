import { Badge, Card, CardHeader, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { getUser } from '../../../api/directory';
import { accessModeLabel, getBusinessUnitName, getSalesUser } from '../../../api/sales';
import { useRights } from '../../../app/rights';
import { AppLink } from '../../../components/AppLink';
import { ErrorState } from '../../../components/ErrorState';
import { CoupledSalesperson, Details } from '../../../components/LinkedRecords';
import { LoadingState } from '../../../components/LoadingState';
import { PageHeader } from '../../../components/PageHeader';

/** The directory's licences that make a Sales user (as the server's isSalesLicence decides). */
function isSalesLicence(partNumber: string): boolean {
  const part = partNumber.toUpperCase();
  return part.startsWith('DYN365_ENTERPRISE') || part.startsWith('DYN365_SALES');
}

const useStyles = makeStyles({
  sections: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
});

/**
 * One Sales user: its roles, access mode, licence and business unit, with links to the directory user
 * it is provisioned from and the ERP salesperson it is coupled to.
 */
export function SalesUserPage() {
  const styles = useStyles();
  const { id = '' } = useParams();
  const user = useQuery({ queryKey: ['sales', 'user', id], queryFn: () => getSalesUser(id) });
  const rights = useRights();
  const unitId = user.data?.businessunitid;
  // Sales knows only whether a user is licensed; which licence it is, by the name every page uses,
  // is the directory's to say — asked only by those who may read other directory users.
  // An application user's object id names an app registration, not a directory user.
  const directoryUserId = user.data?.applicationid ? null : (user.data?.azureactivedirectoryobjectid ?? null);
  const directoryUser = useQuery({
    queryKey: ['directory', 'user', directoryUserId],
    queryFn: () => getUser(directoryUserId!),
    enabled: Boolean(directoryUserId) && rights.manageUsers,
  });
  const salesLicences = (directoryUser.data?.licences ?? [])
    .filter((l) => isSalesLicence(l.partNumber))
    .map((l) => l.name);
  const unit = useQuery({
    queryKey: ['sales', 'businessunit', unitId],
    queryFn: () => getBusinessUnitName(unitId!),
    // Its name is a business unit record's: ask only those who may read one, so nobody meets a 403.
    enabled: Boolean(unitId) && rights.salesPrivilege('prvReadBusinessUnit'),
  });

  const back = <AppLink to="/admin/sales/users">← Sales users</AppLink>;
  if (user.isPending) return <LoadingState label="Loading the Sales user…" />;
  if (user.isError) {
    return (
      <>
        {back}
        <PageHeader title="Sales user" />
        <ErrorState error={user.error} onRetry={() => void user.refetch()} />
      </>
    );
  }
  const u = user.data;
  return (
    <>
      {back}
      <PageHeader title={u.fullname ?? u.domainname} description={u.domainname} />
      <div className={styles.sections}>
        <Card>
          <CardHeader
            header={
              <Text as="h2" weight="semibold" size={500}>
                Sales user
              </Text>
            }
          />
          <Details
            label="Sales user"
            rows={[
              ['User name', u.domainname],
              ['Security roles', u.roles.length ? u.roles.map((r) => r.name).join(', ') : 'No roles'],
              ['Access mode', accessModeLabel(u.accessmode)],
              [
                'Licence',
                u.islicensed
                  ? directoryUser.isLoading
                    ? 'Loading…'
                    : salesLicences.length
                      ? `Licensed (${salesLicences.join(', ')})`
                      : 'Licensed'
                  : 'Unlicensed',
              ],
              [
                'Status',
                u.isdisabled ? (
                  <Badge appearance="tint" color="danger">
                    Disabled{u.disabledreason ? `: ${u.disabledreason}` : ''}
                  </Badge>
                ) : (
                  'Enabled'
                ),
              ],
              ['Business unit', unit.data ?? (unit.isLoading ? 'Loading…' : (unitId ?? '—'))],
            ]}
          />
        </Card>
        <Card>
          <CardHeader
            header={
              <Text as="h2" weight="semibold" size={500}>
                Directory and ERP
              </Text>
            }
          />
          <Details
            label="Directory and ERP"
            rows={[
              [
                'Directory user',
                !directoryUserId ? (
                  'None (an application user)'
                ) : rights.manageUsers ? (
                  <AppLink to={`/admin/directory/users/${directoryUserId}`}>{u.domainname}</AppLink>
                ) : (
                  // Only user administrators open other directory users; the name says who it is.
                  u.domainname
                ),
              ],
              ['ERP salesperson', <CoupledSalesperson key="erp" systemUserId={u.systemuserid} />],
            ]}
          />
        </Card>
      </div>
    </>
  );
}
