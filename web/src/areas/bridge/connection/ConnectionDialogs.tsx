import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  Text,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, messageOf } from '../../../api/api-error';
import {
  disableConnection,
  redeploySolution,
  updateCredentials,
  type Check,
  type Connection,
} from '../../../api/bridge';
import { FormError } from '../../../components/FormError';
import { useInitialFocus, useReturnFocus } from '../../../components/useReturnFocus';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

export interface ActionOutcome {
  title: string;
  text?: string;
  changes?: string[];
  checks?: Check[];
  connection?: Connection;
}

function FormDialog({
  title,
  submitLabel,
  busy,
  error,
  onSubmit,
  onClose,
  children,
  destructive,
}: {
  /** The dialog opens with the focus on Cancel. */
  destructive?: boolean;
  title: string;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit(): void;
  onClose(): void;
  children: ReactNode;
}) {
  useReturnFocus();
  const surface = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useInitialFocus(surface, destructive ? cancel : undefined);
  const styles = useStyles();
  const problems = error instanceof ApiError && error.problems.length > 0;
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface aria-describedby={undefined} ref={surface}>
        <form
          noValidate
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            onSubmit();
          }}
        >
          <DialogBody>
            <DialogTitle>{title}</DialogTitle>
            <DialogContent className={styles.form}>
              {children}
              <FormError message={error && !problems ? messageOf(error) : null} title="Nothing was changed" />
            </DialogContent>
            <DialogActions>
              <Button type="submit" appearance="primary" disabled={busy}>
                {busy ? 'Working…' : submitLabel}
              </Button>
              <Button disabled={busy} onClick={onClose} ref={cancel}>
                Cancel
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

const fieldError = (error: unknown, field: string) =>
  error instanceof ApiError ? error.problemFor(field) : undefined;

/** Disable with a reason people will read on this page. */
export function DisableDialog({ onClose, onDone }: { onClose(): void; onDone(o: ActionOutcome): void }) {
  const [reason, setReason] = useState('');
  const action = useMutation({
    mutationFn: () => disableConnection(reason),
    onSuccess: (connection) => onDone({ title: 'The connection is disabled', connection }),
  });
  return (
    <FormDialog
      title="Disable the connection"
      submitLabel="Disable"
      destructive
      busy={action.isPending}
      error={action.error}
      onSubmit={() => action.mutate()}
      onClose={onClose}
    >
      <Text>The bridge stops writing to Sales and the ERP until someone enables it again.</Text>
      <Field
        label="Reason"
        hint="Shown on this page, e.g. “Maintenance until Monday”."
        validationMessage={fieldError(action.error, 'reason')}
      >
        <Textarea value={reason} maxLength={500} onChange={(_, d) => setReason(d.value)} />
      </Field>
    </FormDialog>
  );
}

/** Redeploy the integration solution with an administrator's credentials, used for this call only. */
export function RedeployDialog({
  defaultUserName,
  onClose,
  onDone,
}: {
  defaultUserName: string;
  onClose(): void;
  onDone(o: ActionOutcome): void;
}) {
  const [userName, setUserName] = useState(defaultUserName);
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const action = useMutation({
    mutationFn: () => redeploySolution(userName.trim(), password),
    onSuccess: (result) =>
      onDone({
        title: 'The integration solution is deployed',
        text: result.changes.length ? undefined : 'Everything was already in place; nothing changed.',
        changes: result.changes,
        checks: result.checks,
        connection: result.connection,
      }),
  });
  function submit() {
    const problems: Record<string, string> = {};
    if (!userName.trim()) problems.userName = "Enter the administrator's user name.";
    if (!password) problems.password = "Enter the administrator's password.";
    setMissing(problems);
    if (Object.keys(problems).length === 0) action.mutate();
  }
  return (
    <FormDialog
      title="Redeploy the integration solution"
      submitLabel="Redeploy"
      busy={action.isPending}
      error={action.error}
      onSubmit={submit}
      onClose={onClose}
    >
      <Text>
        Imports the integration solution into Sales again and gives the integration identity its roles
        Integration Administrator and Integration User. It needs an administrator with System Administrator,
        System Customizer and a non-administrative role (rule A1); the password is used for this call only and
        never stored.
      </Text>
      <Field
        label="Administrator user name"
        required
        validationMessage={missing.userName ?? fieldError(action.error, 'userName')}
      >
        <Input value={userName} onChange={(_, d) => setUserName(d.value)} autoComplete="username" />
      </Field>
      <Field
        label="Administrator password"
        required
        validationMessage={missing.password ?? fieldError(action.error, 'password')}
      >
        <Input
          type="password"
          value={password}
          onChange={(_, d) => setPassword(d.value)}
          autoComplete="current-password"
        />
      </Field>
    </FormDialog>
  );
}

/** The integration identity's new password (named user) or client secret (application user). */
export function CredentialsDialog({
  connection,
  onClose,
  onDone,
}: {
  connection: Connection;
  onClose(): void;
  onDone(o: ActionOutcome): void;
}) {
  const application = connection.integrationIdentity?.kind === 'application';
  const label = application ? 'New client secret' : 'New password';
  const [secret, setSecret] = useState('');
  const [missing, setMissing] = useState<string>();
  const action = useMutation({
    mutationFn: () => updateCredentials(secret),
    onSuccess: (updated) =>
      onDone({
        title: 'The new credentials are stored',
        text: 'They were tested before being stored (encrypted).',
        checks: updated.lastCheck?.checks,
        connection: updated,
      }),
  });
  return (
    <FormDialog
      title="Update the integration credentials"
      submitLabel="Test and store"
      busy={action.isPending}
      error={action.error}
      onSubmit={() => {
        setMissing(secret ? undefined : `Enter the ${label.toLowerCase()}.`);
        if (secret) action.mutate();
      }}
      onClose={onClose}
    >
      <Text>
        After the password of {connection.integrationIdentity?.name ?? 'the integration identity'} was changed
        {application ? ' (or its client secret rotated)' : ''}, give the new one here: Tandem signs in with it
        first, and stores it encrypted only if that works.
      </Text>
      <Field label={label} required validationMessage={missing ?? fieldError(action.error, 'secret')}>
        <Input
          type="password"
          value={secret}
          onChange={(_, d) => setSecret(d.value)}
          autoComplete="new-password"
        />
      </Field>
    </FormDialog>
  );
}
