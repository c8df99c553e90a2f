import { PageHeader } from '../../components/PageHeader';

export default function DirectoryArea() {
  return <PageHeader title="Directory" />;
}
