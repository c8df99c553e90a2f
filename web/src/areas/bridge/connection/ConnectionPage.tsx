import {
  Divider,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  Toolbar,
  ToolbarButton,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowClockwiseRegular,
  ArrowResetRegular,
  CheckmarkStarburstRegular,
  CloudArrowUpRegular,
  KeyResetRegular,
  PlugConnectedRegular,
  PlugDisconnectedRegular,
} from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { messageOf } from '../../../api/api-error';
import {
  enableConnection,
  getConnection,
  resetMappings,
  testConnection,
  type Connection,
} from '../../../api/bridge';
import { useSession } from '../../../auth/session';
import { AppLink } from '../../../components/AppLink';
import { ErrorState } from '../../../components/ErrorState';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';
import { PageHeader } from '../../../components/PageHeader';
import { surface } from '../../../components/surface';
import { CheckList, ChecksByRule, countChecks } from '../CheckList';
import { consoleWords } from '../console-fixes';
import { ConfirmDialog } from '../ConfirmDialog';
import { StateBadge } from '../StateBadge';
import { UncoupledWarning } from '../salespeople/UncoupledWarning';
import { CredentialsDialog, DisableDialog, RedeployDialog, type ActionOutcome } from './ConnectionDialogs';
import { AuditSection, DoctorSection, MappingsSection, PersonEditsSection, when } from './ConnectionSections';

const CONNECTION_KEY = ['bridge', 'connection'] as const;

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXL, maxWidth: '1200px' },
  card: {
    ...surface,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  state: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  secondary: { color: tokens.colorNeutralForeground2 },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalXL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground2 },
  detail: { margin: 0, overflowWrap: 'anywhere' },
  outcome: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, outline: 'none' },
  list: { margin: 0, paddingLeft: '1.25em' },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

type DialogName = 'disable' | 'redeploy' | 'credentials' | 'reset' | null;

/**
 * The connection: its state with the reasons, the integration identity, the last account checks by
 * rule, the actions (test, enable, disable, redeploy, credentials, reset mappings), edits made as the
 * integration user, the doctor, the mappings and recent activity.
 */
export function ConnectionPage() {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const connection = useQuery({ queryKey: CONNECTION_KEY, queryFn: getConnection });
  const [dialog, setDialog] = useState<DialogName>(null);
  const [outcome, setOutcome] = useState<(ActionOutcome & { failed?: boolean }) | null>(null);
  const [focusOutcome, setFocusOutcome] = useState(0);
  const outcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusOutcome) outcomeRef.current?.focus();
  }, [focusOutcome]);

  const done = (o: ActionOutcome & { failed?: boolean }) => {
    setDialog(null);
    setOutcome(o);
    if (o.connection) queryClient.setQueryData(CONNECTION_KEY, o.connection);
    void queryClient.invalidateQueries({ queryKey: ['bridge'] });
    setFocusOutcome((n) => n + 1);
  };
  const onError = () => {
    setOutcome(null);
    setFocusOutcome((n) => n + 1);
  };
  const test = useMutation({
    mutationFn: testConnection,
    onMutate: () => setOutcome(null),
    onSuccess: (r) =>
      done({
        title: r.ok ? 'Every account check passes' : 'An account check fails',
        failed: !r.ok,
        checks: r.checks,
        connection: r.connection,
      }),
    onError,
  });
  const enable = useMutation({
    mutationFn: enableConnection,
    onMutate: () => setOutcome(null),
    onSuccess: (c) => done({ title: 'The connection is enabled', connection: c }),
    onError,
  });
  const reset = useMutation({
    mutationFn: resetMappings,
    onSuccess: (r) =>
      done({
        title: 'The default mappings are restored',
        text: `Reset: ${r.reset.join(', ') || 'none'}.${r.removed.length ? ` Removed: ${r.removed.join(', ')}.` : ''}`,
      }),
  });
  const actionError = test.error ?? enable.error;

  if (connection.isPending) return <LoadingState label="Loading the connection…" />;
  if (connection.isError) {
    return (
      <>
        <PageHeader title="Connection" />
        <ErrorState error={connection.error} onRetry={() => void connection.refetch()} />
      </>
    );
  }
  const c = connection.data;
  const configured = c.state !== 'not-configured';
  const busy = test.isPending || enable.isPending || reset.isPending;

  return (
    <>
      <PageHeader
        title="Connection"
        description="The ERP ↔ Sales connection: whether the bridge is writing, why, the identity it writes as, and what you can do about it."
      />
      <div className={styles.page}>
        <section className={styles.card} aria-labelledby="connection-state-title">
          <div className={styles.state}>
            <Text as="h2" size={500} weight="semibold" id="connection-state-title">
              State
            </Text>
            <StateBadge state={c.state} />
            <Text className={styles.secondary}>
              {c.writing ? 'Writing to Sales and the ERP' : 'Not writing to Sales or the ERP'}
            </Text>
          </div>
          {c.reasons.length ? (
            <MessageBar
              intent={c.state === 'suspended' || c.state === 'disabled' ? 'error' : 'warning'}
              layout="multiline"
            >
              <MessageBarBody>
                <MessageBarTitle>Why</MessageBarTitle>
                <ul className={styles.list} aria-label="Reasons">
                  {c.reasons.map((r) => (
                    <li key={r}>{consoleWords(r)}</li>
                  ))}
                </ul>
              </MessageBarBody>
            </MessageBar>
          ) : null}
          <UncoupledWarning enabled={c.enabled} />
          {c.warnings.length ? <CheckList checks={c.warnings} label="Warnings" /> : null}
          {!configured || c.state === 'setting-up' ? (
            <Text>
              <AppLink to="/admin/bridge/setup">
                {c.state === 'setting-up' ? 'Continue the assisted setup' : 'Start the assisted setup'}
              </AppLink>
            </Text>
          ) : null}
          <Toolbar aria-label="Connection actions" style={{ paddingLeft: 0, flexWrap: 'wrap' }}>
            <ToolbarButton
              icon={<CheckmarkStarburstRegular />}
              disabled={busy || !configured}
              onClick={() => test.mutate()}
            >
              {test.isPending ? 'Testing…' : 'Test connection'}
            </ToolbarButton>
            <ToolbarButton
              icon={<PlugConnectedRegular />}
              disabled={busy || !configured || c.enabled}
              onClick={() => enable.mutate()}
            >
              Enable
            </ToolbarButton>
            <ToolbarButton
              icon={<PlugDisconnectedRegular />}
              disabled={busy || !c.enabled}
              onClick={() => setDialog('disable')}
            >
              Disable…
            </ToolbarButton>
            <ToolbarButton
              icon={<CloudArrowUpRegular />}
              disabled={busy || !configured}
              onClick={() => setDialog('redeploy')}
            >
              Redeploy solution…
            </ToolbarButton>
            <ToolbarButton
              icon={<KeyResetRegular />}
              disabled={busy || !c.integrationIdentity}
              onClick={() => setDialog('credentials')}
            >
              Update credentials…
            </ToolbarButton>
            <ToolbarButton
              icon={<ArrowResetRegular />}
              disabled={busy || !configured}
              onClick={() => setDialog('reset')}
            >
              Reset default mappings…
            </ToolbarButton>
            <ToolbarButton
              icon={<ArrowClockwiseRegular />}
              disabled={busy}
              onClick={() => void queryClient.invalidateQueries({ queryKey: ['bridge'] })}
            >
              Refresh
            </ToolbarButton>
          </Toolbar>
          <div ref={outcomeRef} tabIndex={-1} className={styles.outcome}>
            <FormError
              message={actionError ? messageOf(actionError) : null}
              title={enable.error ? 'The connection was not enabled' : 'The test did not run'}
            />
            {outcome ? <Outcome outcome={outcome} /> : null}
          </div>
        </section>

        <section className={styles.card} aria-labelledby="identity-title">
          <Text as="h2" size={500} weight="semibold" id="identity-title">
            Integration identity
          </Text>
          <Facts connection={c} />
        </section>

        <section className={styles.card} aria-labelledby="checks-title">
          <Text as="h2" size={500} weight="semibold" id="checks-title">
            Last account checks
          </Text>
          {c.lastCheck ? (
            <>
              <Text className={styles.secondary}>
                {when(c.lastCheck.at)}: {countChecks(c.lastCheck.checks)}. They run every minute while the
                connection is enabled; Test connection runs them now.
              </Text>
              <ChecksByRule checks={c.lastCheck.checks} label="Last account checks" />
            </>
          ) : (
            <Text className={styles.secondary}>Not checked yet: the checks run when setup finishes.</Text>
          )}
        </section>

        <div className={styles.card}>
          <PersonEditsSection />
        </div>
        <div className={styles.card}>
          <DoctorSection />
        </div>
        <div className={styles.card}>
          <MappingsSection />
        </div>
        <div className={styles.card}>
          <AuditSection />
        </div>
      </div>

      {dialog === 'disable' ? <DisableDialog onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog === 'redeploy' ? (
        <RedeployDialog
          defaultUserName={c.setupAdministrator ?? user?.userPrincipalName ?? ''}
          onClose={() => setDialog(null)}
          onDone={done}
        />
      ) : null}
      {dialog === 'credentials' ? (
        <CredentialsDialog connection={c} onClose={() => setDialog(null)} onDone={done} />
      ) : null}
      {dialog === 'reset' ? (
        <ConfirmDialog
          title="Reset the default mappings?"
          confirmLabel="Reset mappings"
          destructive
          busy={reset.isPending}
          error={reset.error}
          onConfirm={() => reset.mutate()}
          onClose={() => setDialog(null)}
        >
          <Text as="p">
            Every table mapping goes back to Tandem&apos;s defaults: changes made to directions, fields,
            filters or policies are lost. Couplings are kept.
          </Text>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function Outcome({ outcome }: { outcome: ActionOutcome & { failed?: boolean } }) {
  const styles = useStyles();
  return (
    <div className={styles.section}>
      <MessageBar intent={outcome.failed ? 'error' : 'success'} layout="multiline" role="status">
        <MessageBarBody>
          <MessageBarTitle>{outcome.title}</MessageBarTitle>
          {outcome.checks?.length ? `${countChecks(outcome.checks)}. ` : ''}
          {outcome.text ?? ''}
        </MessageBarBody>
      </MessageBar>
      {outcome.changes?.length ? (
        <ul className={styles.list} aria-label="What changed">
          {outcome.changes.map((change) => (
            <li key={change}>{change}</li>
          ))}
        </ul>
      ) : null}
      {outcome.checks?.length && outcome.failed ? (
        <CheckList checks={outcome.checks.filter((check) => check.status !== 'pass')} label="Failed checks" />
      ) : null}
    </div>
  );
}

function Facts({ connection: c }: { connection: Connection }) {
  const styles = useStyles();
  const identity = c.integrationIdentity;
  const rows: [string, ReactNode][] = [
    [
      'Integration identity',
      identity
        ? `${identity.name ?? '—'} (${identity.kind === 'application' ? 'application user' : 'named user'})`
        : 'Not chosen yet',
    ],
    ['Sales URL', c.salesUrl ?? '—'],
    ['ERP company', c.erpCompanyName ?? c.erpCompanyId ?? '—'],
    ['Set up by', c.setupAdministrator ?? '—'],
    ['Integration solution', c.solutionVersion ? `version ${c.solutionVersion}` : 'Not deployed'],
    ['Local currency', c.localCurrency ?? '—'],
    ['Setup finished', when(c.setupCompletedAt)],
  ];
  return (
    <>
      <dl className={styles.facts}>
        {rows.map(([term, value]) => (
          <div key={term} style={{ display: 'contents' }}>
            <dt className={styles.term}>{term}</dt>
            <dd className={styles.detail}>{value}</dd>
          </div>
        ))}
      </dl>
      <Divider />
      <Text className={styles.secondary}>
        Change the identity or the Sales URL by running the{' '}
        <AppLink to="/admin/bridge/setup">assisted setup</AppLink> again. Salespeople:{' '}
        <AppLink to="/admin/bridge/salespeople">Couple salespeople</AppLink>.
      </Text>
    </>
  );
}
