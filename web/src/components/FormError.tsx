import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';

/**
 * An error about a whole form or action, shown right where the person acted (next to its button),
 * and announced to screen readers. Field errors go under their field instead (Field validationMessage).
 */
export function FormError({
  message,
  title,
  id,
}: {
  message: string | null | undefined;
  title?: string;
  id?: string;
}) {
  if (!message) return null;
  return (
    <MessageBar intent="error" role="alert" id={id} style={{ marginTop: 12 }}>
      <MessageBarBody>
        {title ? <MessageBarTitle>{title}</MessageBarTitle> : null}
        {message}
      </MessageBarBody>
    </MessageBar>
  );
}
