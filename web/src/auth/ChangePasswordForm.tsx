import { Button, Field, Input, Spinner, Text } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../api/api-error';
import { FormError } from '../components/FormError';
import { useSession } from './session';
import { changePassword, signIn } from './session-api';

const POLICY =
  'At least 8 characters, with three of: lower-case letters, upper-case letters, digits, symbols.';

interface Props {
  userName: string;
  currentPassword: string;
  onCancel(): void;
  /** The password was changed but sign-in was refused (e.g. a Non-interactive user): say why there. */
  onRefusedAfterChange(message: string): void;
}

/** First sign-in (or after a reset): choose a new password, then sign in with it. */
export function ChangePasswordForm({ userName, currentPassword, onCancel, onRefusedAfterChange }: Props) {
  const session = useSession();
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [fieldErrors, setFieldErrors] = useState<{ newPassword?: string; confirmation?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!newPassword) return setFieldErrors({ newPassword: 'Choose a new password.' });
    if (newPassword !== confirmation) {
      return setFieldErrors({
        confirmation: 'The new password and its confirmation differ. Type the same password twice.',
      });
    }
    setFieldErrors({});
    setBusy(true);
    try {
      await changePassword(userName, currentPassword, newPassword);
    } catch (caught) {
      // The password policy and "same as before" are about the new password: show them there.
      if (caught instanceof ApiError && caught.status === 400)
        setFieldErrors({ newPassword: caught.message });
      else setError(messageOf(caught));
      setBusy(false);
      return;
    }
    try {
      session.signedIn(await signIn(userName, newPassword));
    } catch (caught) {
      onRefusedAfterChange(`Your new password is saved. ${messageOf(caught)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Text as="h1" id="sign-in-title" size={600} weight="semibold" block>
        Update your password
      </Text>
      <Text as="p" block>
        You need to update the password of <strong>{userName}</strong> because this is the first time you are
        signing in, or because your password was reset.
      </Text>
      <Field
        label="New password"
        required
        hint={POLICY}
        validationMessage={fieldErrors.newPassword}
        style={{ marginTop: 12 }}
      >
        <Input
          name="newPassword"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(_, data) => setNewPassword(data.value)}
          autoFocus
        />
      </Field>
      <Field
        label="Confirm new password"
        required
        validationMessage={fieldErrors.confirmation}
        style={{ marginTop: 12 }}
      >
        <Input
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          value={confirmation}
          onChange={(_, data) => setConfirmation(data.value)}
        />
      </Field>
      <FormError message={error} />
      <div style={{ display: 'flex', gap: 8, marginTop: 20 }}>
        <Button
          type="submit"
          appearance="primary"
          disabled={busy}
          icon={busy ? <Spinner size="tiny" /> : undefined}
        >
          Update password and sign in
        </Button>
        <Button type="button" onClick={onCancel} disabled={busy}>
          Back to sign in
        </Button>
      </div>
    </form>
  );
}
