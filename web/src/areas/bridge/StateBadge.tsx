import { Badge } from '@fluentui/react-components';
import type { ConnectionState } from '../../api/bridge';

const STATES: Record<
  ConnectionState,
  { label: string; color: 'success' | 'warning' | 'danger' | 'informative' | 'subtle' }
> = {
  'not-configured': { label: 'Not set up', color: 'subtle' },
  'setting-up': { label: 'Setting up', color: 'informative' },
  disabled: { label: 'Disabled', color: 'danger' },
  enabled: { label: 'Enabled', color: 'success' },
  suspended: { label: 'Suspended', color: 'warning' },
};

/** The connection's state as a coloured badge, with its name in words. */
export function StateBadge({
  state,
  size = 'large',
}: {
  state: ConnectionState;
  size?: 'medium' | 'large' | 'extra-large';
}) {
  const s = STATES[state];
  return (
    <Badge appearance="filled" color={s.color} size={size}>
      {s.label}
    </Badge>
  );
}
