import { MessageBar, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import { useSession } from '../auth/session';
import { AppLink } from '../components/AppLink';
import { PageHeader } from '../components/PageHeader';
import { ACCOUNT_PATH, HOME_PATH } from './areas';

/** A console page the signed-in person may not use: said plainly, with where they can go instead. */
export function NoAccessPage({ page }: { page: string }) {
  const { user } = useSession();
  return (
    <>
      <PageHeader title={page} />
      <MessageBar intent="info" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>You don&apos;t have access to this page</MessageBarTitle>
          {page} is for administrators, or for people with rights your account ({user?.roleLabel ?? 'User'})
          does not have. If you need it, ask an administrator.
        </MessageBarBody>
      </MessageBar>
      <Text as="p">
        <AppLink to={HOME_PATH}>Go to the home page</AppLink> or see{' '}
        <AppLink to={ACCOUNT_PATH}>your account</AppLink>.
      </Text>
    </>
  );
}
