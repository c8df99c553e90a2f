import { Button, Field, Input, Spinner, Text } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../api/api-error';
import { FormError } from '../components/FormError';
import { useSession } from './session';
import { signIn } from './session-api';

interface Props {
  /** Why the last attempt was refused, when it came from another step (the password change). */
  initialError?: string | null;
  onPasswordChangeRequired(pending: { userName: string; currentPassword: string }): void;
}

export function SignInForm({ initialError = null, onPasswordChangeRequired }: Props) {
  const session = useSession();
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ userName?: string; password?: string }>({});
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const name = userName.trim();
    const nextMissing = {
      ...(name ? {} : { userName: 'Enter your user name, e.g. name@contoso.com.' }),
      ...(password ? {} : { password: 'Enter your password.' }),
    };
    setMissing(nextMissing);
    if (nextMissing.userName || nextMissing.password) return;
    setBusy(true);
    try {
      const user = await signIn(name, password);
      session.signedIn(user);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'PasswordChangeRequired') {
        onPasswordChangeRequired({ userName: name, currentPassword: password });
        return;
      }
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-describedby={error ? 'sign-in-error' : undefined}>
      <Text as="h1" id="sign-in-title" size={600} weight="semibold" block>
        Sign in
      </Text>
      <Field label="User name" required validationMessage={missing.userName} style={{ marginTop: 16 }}>
        <Input
          name="userName"
          type="email"
          autoComplete="username"
          placeholder="name@contoso.com"
          value={userName}
          onChange={(_, data) => setUserName(data.value)}
          autoFocus
        />
      </Field>
      <Field label="Password" required validationMessage={missing.password} style={{ marginTop: 12 }}>
        <Input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(_, data) => setPassword(data.value)}
        />
      </Field>
      <FormError id="sign-in-error" message={error} />
      <Button
        type="submit"
        appearance="primary"
        disabled={busy}
        icon={busy ? <Spinner size="tiny" /> : undefined}
        style={{ marginTop: 20 }}
      >
        Sign in
      </Button>
    </form>
  );
}
