import { Spinner } from '@fluentui/react-components';

/**
 * A list keeps its rows while a new search or page loads: this says it is being updated, so the old
 * rows are not taken for the answer. Announced politely to screen readers.
 */
export function Updating({ active, label = 'Updating the list…' }: { active: boolean; label?: string }) {
  return (
    <div role="status" aria-live="polite" style={{ minHeight: 20, marginBottom: 4 }}>
      {active ? <Spinner size="extra-tiny" label={label} labelPosition="after" /> : null}
    </div>
  );
}
