import { PageHeader } from '../../components/PageHeader';

export default function SalesArea() {
  return <PageHeader title="Sales" />;
}
