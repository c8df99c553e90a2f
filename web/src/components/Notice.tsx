import { Button, MessageBar, MessageBarActions, MessageBarBody } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';

/**
 * What an action just did ("Salesperson given to 5 users"), above the list it changed, announced to
 * screen readers; it stays until dismissed or the next action.
 */
export function Notice({ message, onDismiss }: { message: string | null; onDismiss(): void }) {
  if (!message) return null;
  return (
    <MessageBar intent="success" role="status" style={{ marginBottom: 12 }}>
      <MessageBarBody>{message}</MessageBarBody>
      <MessageBarActions
        containerAction={
          <Button
            appearance="transparent"
            icon={<DismissRegular />}
            aria-label="Dismiss"
            onClick={onDismiss}
          />
        }
      />
    </MessageBar>
  );
}
