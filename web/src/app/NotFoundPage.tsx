import { AppLink } from '../components/AppLink';
import { PageHeader } from '../components/PageHeader';
import { HOME_PATH } from './areas';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" description="There is no console page at this address." />
      <AppLink to={HOME_PATH}>Go to the home page</AppLink>
    </>
  );
}
