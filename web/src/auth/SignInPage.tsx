import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { ChangePasswordForm } from './ChangePasswordForm';
import { SignInForm } from './SignInForm';

const useStyles = makeStyles({
  page: {
    minHeight: '100vh',
    display: 'grid',
    placeItems: 'center',
    backgroundColor: tokens.colorNeutralBackground3,
    padding: tokens.spacingHorizontalL,
    boxSizing: 'border-box',
  },
  card: {
    width: 'min(100%, 440px)',
    boxSizing: 'border-box',
    padding: '44px',
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow16,
    borderRadius: tokens.borderRadiusMedium,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  brand: { color: tokens.colorBrandForeground1, fontWeight: tokens.fontWeightSemibold },
});

/** Remembered between the two steps of a first sign-in: who, and the temporary password. */
interface PendingChange {
  userName: string;
  currentPassword: string;
}

/**
 * Sign-in, and the password change the directory demands at first sign-in (or after a reset). Only
 * interactive users get in; the server says why anyone else cannot (e.g. a Non-interactive user).
 */
export function SignInPage() {
  const styles = useStyles();
  const [pendingChange, setPendingChange] = useState<PendingChange | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  return (
    <div className={styles.page}>
      <main className={styles.card} aria-labelledby="sign-in-title">
        <Text size={400} className={styles.brand}>
          Tandem
        </Text>
        {pendingChange ? (
          <ChangePasswordForm
            userName={pendingChange.userName}
            currentPassword={pendingChange.currentPassword}
            onCancel={() => setPendingChange(null)}
            onRefusedAfterChange={(message) => {
              setPendingChange(null);
              setRefusal(message);
            }}
          />
        ) : (
          <SignInForm key={refusal} initialError={refusal} onPasswordChangeRequired={setPendingChange} />
        )}
      </main>
    </div>
  );
}
