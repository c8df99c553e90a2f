import { PageHeader } from '../../components/PageHeader';

export default function ErpArea() {
  return <PageHeader title="Erp" />;
}
