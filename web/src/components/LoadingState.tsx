import { Spinner } from '@fluentui/react-components';

/** What a page or list shows while its data is on the way. */
export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return <Spinner label={label} labelPosition="below" style={{ padding: 32 }} role="status" />;
}
