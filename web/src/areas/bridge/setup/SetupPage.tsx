import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowLeftRegular, ArrowRightRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../../../api/api-error';
import {
  cancelSetup,
  getSetup,
  runStep,
  setupBack,
  startSetup,
  STEP_IDS,
  type SetupStatus,
  type StepId,
  type StepResult,
} from '../../../api/bridge';
import { useSession } from '../../../auth/session';
import { AppLink } from '../../../components/AppLink';
import { ErrorState } from '../../../components/ErrorState';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';
import { PageHeader } from '../../../components/PageHeader';
import { surface } from '../../../components/surface';
import { CheckList, ChecksByRule, countChecks } from '../CheckList';
import { ConfirmDialog } from '../ConfirmDialog';
import { StateBadge } from '../StateBadge';
import { CouplingPanel } from '../salespeople/CouplingPanel';
import { UncoupledWarning } from '../salespeople/UncoupledWarning';
import { GiveAdminRoles } from './GiveAdminRoles';
import { initialValues, missingFields, StepForm, stepInput, type StepValues } from './StepForm';
import { StepList } from './StepList';
import { RuleBadge, splitRules } from '../RuleBadge';

export const SETUP_KEY = ['bridge', 'setup'] as const;

const useStyles = makeStyles({
  layout: { display: 'flex', gap: tokens.spacingHorizontalXXL, alignItems: 'flex-start', flexWrap: 'wrap' },
  panel: {
    flex: 1,
    minWidth: 'min(320px, 100%)',
    maxWidth: '960px',
    ...surface,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
  },
  top: { display: 'flex', justifyContent: 'space-between', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  meta: { color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  result: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, outline: 'none' },
  changes: { margin: 0, paddingLeft: '1.25em' },
});

const TITLE = 'Assisted setup';
const DESCRIPTION =
  'Connect the ERP to Sales step by step: an administrator with the right roles, a dedicated integration identity, its roles and permissions on both sides, then the salespeople. Each step shows its checks; the connection is enabled only at the end, so leaving half-way leaves it disabled.';

/**
 * The assisted setup wizard over POST /bridge/setup/steps/:step: the steps on the left, the current
 * step's form, every check shown inline as it passes or fails, Back / Next, leave and start again.
 * It resumes where the setup stands (the progress lives on the server).
 */
export function SetupPage() {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const setup = useQuery({ queryKey: SETUP_KEY, queryFn: getSetup });
  const [values, setValues] = useState<StepValues>(() => initialValues(user?.userPrincipalName ?? ''));
  const [result, setResult] = useState<StepResult | null>(null);
  const [fieldProblems, setFieldProblems] = useState<Record<string, string>>({});
  const [dialog, setDialog] = useState<'leave' | 'restart' | null>(null);
  const [left, setLeft] = useState(false);
  /** "System Customizer and Sales Manager given to …": shown until another step runs. */
  const [given, setGiven] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState<{ target: 'result' | 'field' | 'form'; n: number }>();
  const resultRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLElement>(null);

  // After each step: the focus goes to its outcome (or the first field in error), so a keyboard or
  // screen-reader user hears what happened and can act on it.
  useEffect(() => {
    if (!focusRequest) return;
    const panel = panelRef.current;
    const field = panel?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (focusRequest.target === 'field' && field) field.focus();
    else if (focusRequest.target === 'form')
      panel?.querySelector<HTMLElement>('form input, form textarea, form select, form button')?.focus();
    else (resultRef.current ?? panel?.querySelector<HTMLElement>('[role="alert"]'))?.focus();
  }, [focusRequest]);
  const focus = (target: 'result' | 'field' | 'form') =>
    setFocusRequest((r) => ({ target, n: (r?.n ?? 0) + 1 }));

  const showStatus = (status: SetupStatus) => {
    queryClient.setQueryData(SETUP_KEY, status);
    void queryClient.invalidateQueries({ queryKey: ['bridge', 'connection'] });
  };

  const run = useMutation({
    mutationFn: (step: StepId) => runStep(step, stepInput(step, values)),
    onSuccess: (outcome) => {
      setResult(outcome);
      showStatus(outcome.setup);
      if (outcome.step !== 'admin') setGiven(null);
      if (outcome.ok && outcome.step === 'admin') setValues((v) => ({ ...v, adminPassword: '' }));
      if (outcome.ok && outcome.step === 'integration-user')
        setValues((v) => ({ ...v, integrationPassword: '' }));
      if (outcome.step === 'salespeople')
        void queryClient.invalidateQueries({ queryKey: ['bridge', 'coupling'] });
      focus('result');
    },
    onError: () => focus('field'),
  });
  const back = useMutation({
    mutationFn: setupBack,
    onSuccess: (status) => {
      showStatus(status);
      setResult(null);
      run.reset();
      focus('form');
    },
  });
  const start = useMutation({
    mutationFn: (restart: boolean) => startSetup(restart),
    onSuccess: (status) => {
      showStatus(status);
      setResult(null);
      setLeft(false);
      setDialog(null);
      run.reset();
      focus('form');
    },
  });
  const cancel = useMutation({
    mutationFn: cancelSetup,
    onSuccess: (status) => {
      showStatus(status);
      setResult(null);
      setDialog(null);
      setLeft(true);
    },
  });

  if (setup.isPending) return <LoadingState label="Loading the setup…" />;
  if (setup.isError) {
    return (
      <>
        <PageHeader title={TITLE} description={DESCRIPTION} />
        <ErrorState error={setup.error} onRetry={() => void setup.refetch()} />
      </>
    );
  }
  const status = setup.data;
  const current = status.running ? status.current : null;
  const busy = run.isPending || back.isPending || start.isPending || cancel.isPending;

  if (!current) {
    const finished = result?.step === 'finish' && result.ok ? result : null;
    return (
      <>
        <PageHeader title={TITLE} description={DESCRIPTION} />
        <div className={styles.layout}>
          <StepList steps={status.steps} />
          <section className={styles.panel} ref={panelRef} aria-labelledby="setup-panel-title">
            {finished ? (
              <div className={styles.result} ref={resultRef} tabIndex={-1}>
                <Text as="h2" size={500} weight="semibold" id="setup-panel-title">
                  Setup finished: the connection is enabled
                </Text>
                <UncoupledWarning />
                <MessageBar intent="success">
                  <MessageBarBody>
                    <MessageBarTitle>Connection tested and enabled</MessageBarTitle>
                    Final checks: {countChecks(finished.checks)}. The administrator&apos;s sign-in is
                    forgotten; from now on the integration identity is checked every minute.
                  </MessageBarBody>
                </MessageBar>
                <ChecksByRule checks={finished.checks} label="Final checks" />
                <Text>
                  Open the <AppLink to="/admin/bridge/connection">Connection</AppLink> page for its state and
                  actions, or <AppLink to="/admin/bridge/salespeople">couple salespeople</AppLink>.
                </Text>
              </div>
            ) : (
              <>
                <Text as="h2" size={500} weight="semibold" id="setup-panel-title">
                  {status.state === 'not-configured' ? 'Set up the connection' : 'Run the setup again'}
                </Text>
                <div>
                  <StateBadge state={status.state} />
                </div>
                {left ? (
                  <MessageBar intent="info" role="status">
                    <MessageBarBody>
                      You left the setup. The connection stays as it was (disabled unless it was enabled
                      before); start the setup again whenever you are ready — steps already in place change
                      nothing.
                    </MessageBarBody>
                  </MessageBar>
                ) : null}
                <Text>
                  {status.state === 'not-configured'
                    ? 'You will need: the Sales URL, an administrator who is System Administrator, System Customizer and has a role such as Sales Manager, and a dedicated integration user (or let setup create an application user).'
                    : 'The connection has been set up before. Run the setup again to change the Sales URL or the integration identity, or to check every step; what is already in place is not changed twice.'}
                </Text>
                <FormError
                  message={start.error ? messageOf(start.error) : null}
                  title="The setup did not start"
                />
                <div className={styles.actions}>
                  <Button appearance="primary" disabled={busy} onClick={() => start.mutate(false)}>
                    {status.state === 'not-configured' ? 'Start setup' : 'Run setup again'}
                  </Button>
                  <AppLink to="/admin/bridge/connection">Connection</AppLink>
                </div>
              </>
            )}
          </section>
        </div>
      </>
    );
  }

  const step = status.steps.find((s) => s.id === current)!;
  const stepIndex = STEP_IDS.indexOf(current);
  const apiError = run.error instanceof ApiError ? run.error : null;
  const problem = (field: string) => fieldProblems[field] ?? apiError?.problemFor(field);
  const fieldNames = ['salesUrl', 'allowHttp', 'userName', 'password', 'displayName', 'companyId'];
  const formError =
    run.error && !(apiError?.problems.length && apiError.problems.every((p) => fieldNames.includes(p.field)))
      ? messageOf(run.error)
      : (back.error ?? start.error ?? cancel.error)
        ? messageOf(back.error ?? start.error ?? cancel.error)
        : null;
  const done = result?.ok && result.step !== current ? result : null;
  const failedHere = result && !result.ok && result.step === current ? result : null;
  const doneWarnings = done ? done.checks.filter((c) => c.status !== 'pass').length : 0;
  const offerRoles =
    failedHere?.step === 'admin' &&
    failedHere.checks.some((c) => c.id === 'a1.roles' && c.status === 'fail') &&
    !!user &&
    values.adminUserName.trim().toLowerCase() === user.userPrincipalName.toLowerCase();

  function submit(event: FormEvent) {
    event.preventDefault();
    const missing = missingFields(current!, values);
    setFieldProblems(missing);
    if (Object.keys(missing).length > 0) {
      setResult(null);
      focus('field');
      return;
    }
    run.mutate(current!);
  }

  return (
    <>
      <PageHeader title={TITLE} description={DESCRIPTION} />
      <div className={styles.layout}>
        <StepList steps={status.steps} />
        <section className={styles.panel} ref={panelRef} aria-labelledby="setup-step-title">
          <div className={styles.top}>
            <Text className={styles.meta}>
              Step {stepIndex + 1} of {STEP_IDS.length}
              {status.startedBy ? ` · started by ${status.startedBy}` : ''}
              {status.administrator ? ` · administrator signed in: ${status.administrator.userName}` : ''}
            </Text>
            <div className={styles.actions}>
              <Button size="small" disabled={busy} onClick={() => setDialog('restart')}>
                Start again
              </Button>
              <Button size="small" disabled={busy} onClick={() => setDialog('leave')}>
                Leave setup
              </Button>
            </div>
          </div>

          {done ? (
            <div
              className={styles.result}
              ref={resultRef}
              tabIndex={-1}
              role="region"
              aria-labelledby="setup-done-title"
            >
              {given ? (
                <MessageBar intent="success" role="status">
                  <MessageBarBody>{given}.</MessageBarBody>
                </MessageBar>
              ) : null}
              <MessageBar intent={doneWarnings ? 'warning' : 'success'} layout="multiline">
                <MessageBarBody>
                  <MessageBarTitle id="setup-done-title">
                    {splitRules(status.steps.find((s) => s.id === done.step)?.title ?? '').text}: done
                    {doneWarnings
                      ? `, with ${doneWarnings === 1 ? 'a warning' : `${doneWarnings} warnings`}`
                      : ''}
                  </MessageBarTitle>
                  {done.summary}.{' '}
                  {doneWarnings
                    ? 'The step passed, but read the warning below: you can continue and deal with it later.'
                    : done.changes.length === 0
                      ? 'Everything was already in place; nothing changed.'
                      : null}
                </MessageBarBody>
              </MessageBar>
              {done.changes.length > 0 ? (
                <div>
                  <Text weight="semibold">What changed</Text>
                  <ul className={styles.changes} aria-label="What changed">
                    {done.changes.map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
              <CheckList checks={done.checks} label={`Checks of ${done.step}`} />
            </div>
          ) : null}

          <form onSubmit={submit} noValidate className={styles.result}>
            <div>
              <Text as="h2" size={500} weight="semibold" id="setup-step-title">
                {splitRules(step.title).text}
              </Text>
              {splitRules(step.title).rules.map((rule) => (
                <RuleBadge key={rule} rule={rule} />
              ))}
            </div>
            <StepForm
              step={current}
              values={values}
              onChange={(changes) => {
                setValues((v) => ({ ...v, ...changes }));
                setFieldProblems({});
              }}
              problem={problem}
              couplePanel={current === 'salespeople' ? <CouplingPanel embedded /> : undefined}
            />

            {failedHere ? (
              <div
                className={styles.result}
                ref={resultRef}
                tabIndex={-1}
                aria-labelledby="setup-failed-title"
              >
                <MessageBar intent="error" layout="multiline" role="alert">
                  <MessageBarBody>
                    <MessageBarTitle id="setup-failed-title">This step did not pass</MessageBarTitle>
                    {countChecks(failedHere.checks)}. Do what each failed check says, then press{' '}
                    {current === 'finish' ? 'Test and enable' : 'Next'} again.
                  </MessageBarBody>
                </MessageBar>
                <CheckList checks={failedHere.checks} label={`Checks of ${failedHere.step}`} />
                {offerRoles ? (
                  <GiveAdminRoles
                    upn={values.adminUserName.trim()}
                    onGiven={(text) => {
                      setGiven(text);
                      run.mutate('admin');
                    }}
                  />
                ) : null}
              </div>
            ) : null}

            <FormError message={formError} title="The step did not run" />
            <div className={styles.actions}>
              <Button
                icon={<ArrowLeftRegular />}
                disabled={busy || stepIndex === 0}
                onClick={() => back.mutate()}
              >
                Back
              </Button>
              <Button
                type="submit"
                appearance="primary"
                icon={<ArrowRightRegular />}
                iconPosition="after"
                disabled={busy}
              >
                {run.isPending ? 'Checking…' : current === 'finish' ? 'Test and enable' : 'Next'}
              </Button>
            </div>
          </form>
        </section>
      </div>
      {dialog === 'leave' ? (
        <ConfirmDialog
          title="Leave the setup?"
          confirmLabel="Leave setup"
          destructive
          busy={cancel.isPending}
          error={cancel.error}
          onConfirm={() => cancel.mutate()}
          onClose={() => setDialog(null)}
        >
          <Text as="p">
            {status.state === 'enabled' || status.state === 'suspended'
              ? 'The connection stays enabled, as it was before this setup.'
              : `The connection stays disabled — it is enabled only at the last step — and shows that setup was left at “${splitRules(step.title).text}”.`}{' '}
            You can run the setup again at any time from this page; steps already in place change nothing.
          </Text>
          <Text as="p">
            To pause instead, just go to another page: the setup waits at this step and resumes here.
          </Text>
        </ConfirmDialog>
      ) : null}
      {dialog === 'restart' ? (
        <ConfirmDialog
          title="Start the setup again?"
          confirmLabel="Start again"
          destructive
          busy={start.isPending}
          error={start.error}
          onConfirm={() => start.mutate(true)}
          onClose={() => setDialog(null)}
        >
          <Text as="p">
            The setup goes back to the first step and the administrator signs in again. Nothing already set up
            is undone, and steps already in place change nothing when they run again.
          </Text>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
