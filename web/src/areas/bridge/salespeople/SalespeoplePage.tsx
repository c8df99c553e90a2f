import { useQuery } from '@tanstack/react-query';
import { getConnection } from '../../../api/bridge';
import { AppLink } from '../../../components/AppLink';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { PageHeader } from '../../../components/PageHeader';
import { CouplingPanel } from './CouplingPanel';

/** Couple salespeople: the page (the setup's salespeople step embeds the same panel). */
export function SalespeoplePage() {
  const connection = useQuery({ queryKey: ['bridge', 'connection'], queryFn: getConnection });
  return (
    <>
      <PageHeader
        title="Couple salespeople"
        description="Each Sales user who sells is coupled to one ERP salesperson (rules A5, A6): a customer whose salesperson is not coupled to a Sales user cannot synchronise. Match by e-mail, pick a salesperson by hand, or create salespeople in the ERP from the users."
      />
      {connection.isPending ? (
        <LoadingState label="Loading the connection…" />
      ) : connection.isError ? (
        <ErrorState error={connection.error} onRetry={() => void connection.refetch()} />
      ) : !connection.data.integrationIdentity || !connection.data.erpCompanyId ? (
        // Coupling reads both apps as the integration identity, which setup chooses first.
        <EmptyState title="Set up the connection first">
          Salespeople are coupled through the integration identity, which the assisted setup chooses and gives
          its permissions in the ERP. <AppLink to="/admin/bridge/setup">Open the assisted setup</AppLink>
        </EmptyState>
      ) : (
        <CouplingPanel />
      )}
    </>
  );
}
