import {
  Avatar,
  Button,
  makeStyles,
  Popover,
  PopoverSurface,
  PopoverTrigger,
  Text,
  tokens,
} from '@fluentui/react-components';
import { SignOutRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useSession } from '../../auth/session';
import { FormError } from '../../components/FormError';
import { messageOf } from '../../api/api-error';
import { HOME_PATH } from '../areas';

const useStyles = makeStyles({
  trigger: {
    color: tokens.colorNeutralForegroundOnBrand,
    ':hover': { color: tokens.colorNeutralForegroundOnBrand },
  },
  // On a phone the avatar alone stands for the account; the name and role are in the popover.
  name: { color: 'inherit', '@media (max-width: 599px)': { display: 'none' } },
  card: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: '260px' },
});

/** Who is signed in, with which directory role, and the way out. */
export function UserMenu() {
  const styles = useStyles();
  const session = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const user = session.user;
  if (!user) return null;
  return (
    <Popover positioning="below-end" withArrow>
      <PopoverTrigger disableButtonEnhancement>
        <Button
          appearance="transparent"
          className={styles.trigger}
          icon={<Avatar name={user.displayName} size={28} color="colorful" aria-hidden />}
          aria-label={`Account of ${user.displayName}, ${user.roleLabel}`}
        >
          <Text className={styles.name}>
            {user.displayName} · {user.roleLabel}
          </Text>
        </Button>
      </PopoverTrigger>
      <PopoverSurface aria-label="Your account">
        <div className={styles.card}>
          <Text weight="semibold" size={400}>
            {user.displayName}
          </Text>
          <Text>{user.userPrincipalName}</Text>
          <Text>Directory role: {user.roleLabel}</Text>
          <Button
            icon={<SignOutRegular />}
            onClick={() => {
              setError(null);
              // The next person to sign in starts at the home page, not on this person's last page.
              session
                .signOut()
                .then(() => navigate(HOME_PATH))
                .catch((caught: unknown) => setError(messageOf(caught)));
            }}
          >
            Sign out
          </Button>
          <FormError message={error} />
        </div>
      </PopoverSurface>
    </Popover>
  );
}
