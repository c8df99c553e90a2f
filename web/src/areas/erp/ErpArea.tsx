import { useQuery } from '@tanstack/react-query';
import { Navigate, Route, Routes } from 'react-router';
import { listCompanies } from '../../api/erp';
import { NotFoundPage } from '../../app/NotFoundPage';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { CONTACTS, CUSTOMERS, ITEMS, OPPORTUNITIES, SALESPEOPLE } from './entities';
import { ErpRecordPage } from './ErpRecordPage';

/** The ERP area: its records in the company the ERP created at first start. */
export default function ErpArea() {
  const companies = useQuery({ queryKey: ['erp', 'companies'], queryFn: listCompanies });
  if (companies.isPending) return <LoadingState label="Loading the ERP company…" />;
  if (companies.isError) {
    return (
      <>
        <PageHeader title="ERP" />
        <ErrorState
          title="The ERP could not be opened"
          error={companies.error}
          onRetry={() => void companies.refetch()}
        />
      </>
    );
  }
  const company = companies.data[0];
  if (!company) return <EmptyState title="The ERP has no company yet" />;
  // Each page is keyed by its entity, so its search and page start afresh (the routes share one component).
  return (
    <Routes>
      <Route index element={<Navigate to="salespeople" replace />} />
      <Route
        path="salespeople"
        element={<ErpRecordPage key="SALESPEOPLE" company={company} entity={SALESPEOPLE} />}
      />
      <Route
        path="customers"
        element={<ErpRecordPage key="CUSTOMERS" company={company} entity={CUSTOMERS} />}
      />
      <Route path="contacts" element={<ErpRecordPage key="CONTACTS" company={company} entity={CONTACTS} />} />
      <Route path="items" element={<ErpRecordPage key="ITEMS" company={company} entity={ITEMS} />} />
      <Route
        path="opportunities"
        element={<ErpRecordPage key="OPPORTUNITIES" company={company} entity={OPPORTUNITIES} />}
      />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
