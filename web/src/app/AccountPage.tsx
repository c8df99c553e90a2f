import {
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../api/api-error';
import { accessModeLabel } from '../api/sales';
import { useSession } from '../auth/session';
import { changePassword } from '../auth/session-api';
import { FormError } from '../components/FormError';
import { LoadingState } from '../components/LoadingState';
import { PageHeader } from '../components/PageHeader';
import { surface } from '../components/surface';
import { useRights } from './rights';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '720px' },
  card: { ...surface, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'minmax(120px, max-content) 1fr',
    columnGap: tokens.spacingHorizontalXL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground2 },
  detail: { margin: 0, overflowWrap: 'anywhere' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '400px' },
});

/** Everyone's own page: who they are in the directory and in Sales, and changing their password. */
export function AccountPage() {
  const styles = useStyles();
  const { user } = useSession();
  const rights = useRights();
  if (!user) return null;
  const me = rights.me;
  const sales = rights.sales;
  return (
    <>
      <PageHeader
        title="My account"
        description="Who you are in the directory and in Sales, and your password."
      />
      <div className={styles.page}>
        <section className={styles.card} aria-labelledby="account-profile">
          <Text as="h2" size={500} weight="semibold" id="account-profile">
            Profile
          </Text>
          {!rights.known ? <LoadingState label="Loading your account…" /> : null}
          <dl className={styles.facts}>
            <dt className={styles.term}>Name</dt>
            <dd className={styles.detail}>{user.displayName}</dd>
            <dt className={styles.term}>User name</dt>
            <dd className={styles.detail}>{user.userPrincipalName}</dd>
            {me?.jobTitle ? (
              <>
                <dt className={styles.term}>Job title</dt>
                <dd className={styles.detail}>{me.jobTitle}</dd>
              </>
            ) : null}
            <dt className={styles.term}>Directory role</dt>
            <dd className={styles.detail}>{user.roleLabel}</dd>
            {me ? (
              <>
                <dt className={styles.term}>Licences</dt>
                <dd className={styles.detail}>
                  {me.licences.length ? me.licences.map((l) => l.name).join(', ') : 'None'}
                </dd>
              </>
            ) : null}
            {sales ? (
              <>
                <dt className={styles.term}>Sales roles</dt>
                <dd className={styles.detail}>
                  {sales.user
                    ? sales.user.roles.map((r) => r.name).join(', ') ||
                      'None yet: ask an administrator for one'
                    : `Not a Sales user${sales.reason ? ` (${sales.reason.replace(/\.$/, '')})` : ''}`}
                </dd>
                {sales.user ? (
                  <>
                    <dt className={styles.term}>Sales access mode</dt>
                    <dd className={styles.detail}>{accessModeLabel(sales.user.accessmode)}</dd>
                  </>
                ) : null}
              </>
            ) : null}
          </dl>
        </section>
        <ChangePassword userName={user.userPrincipalName} />
      </div>
    </>
  );
}

function ChangePassword({ userName }: { userName: string }) {
  const styles = useStyles();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problems, setProblems] = useState<{ current?: string; next?: string; confirmation?: string }>({});
  const change = useMutation({
    mutationFn: () => changePassword(userName, current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setConfirmation('');
    },
    onError: (error) => {
      if (error instanceof ApiError && error.problemFor('newPassword')) setProblems({ next: error.message });
      else if (error instanceof ApiError && error.status === 401) setProblems({ current: error.message });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: typeof problems = {};
    if (!current) found.current = 'Enter your current password.';
    if (!next) found.next = 'Choose a new password.';
    else if (next !== confirmation)
      found.confirmation = 'The new password and its confirmation differ. Type the same password twice.';
    setProblems(found);
    if (Object.keys(found).length) return;
    change.mutate();
  }

  const fieldError =
    change.error instanceof ApiError &&
    (!!change.error.problemFor('newPassword') || change.error.status === 401);
  return (
    <section className={styles.card} aria-labelledby="account-password">
      <Text as="h2" size={500} weight="semibold" id="account-password">
        Change your password
      </Text>
      <form className={styles.form} onSubmit={submit} noValidate>
        <Field label="Current password" required validationMessage={problems.current}>
          <Input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(_, d) => setCurrent(d.value)}
          />
        </Field>
        <Field
          label="New password"
          required
          hint="At least 8 characters, with three of: lower-case letters, upper-case letters, digits, symbols."
          validationMessage={problems.next}
        >
          <Input
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(_, d) => setNext(d.value)}
          />
        </Field>
        <Field label="Confirm new password" required validationMessage={problems.confirmation}>
          <Input
            type="password"
            autoComplete="new-password"
            value={confirmation}
            onChange={(_, d) => setConfirmation(d.value)}
          />
        </Field>
        {change.isSuccess ? (
          <MessageBar intent="success" role="status">
            <MessageBarBody>Your password is changed. Your other sessions are signed out.</MessageBarBody>
          </MessageBar>
        ) : null}
        <FormError message={change.error && !fieldError ? messageOf(change.error) : null} />
        <div>
          <Button type="submit" appearance="primary" disabled={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </Button>
        </div>
      </form>
    </section>
  );
}
