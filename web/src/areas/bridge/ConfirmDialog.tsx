import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from '@fluentui/react-components';
import { useRef, type ReactNode } from 'react';
import { messageOf } from '../../api/api-error';
import { FormError } from '../../components/FormError';
import { useInitialFocus, useReturnFocus } from '../../components/useReturnFocus';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: unknown;
  onConfirm(): void;
  onClose(): void;
  /** More buttons between the confirming one and Cancel. */
  extraActions?: ReactNode;
  /** The action undoes or stops something: the dialog opens with the focus on Cancel, not on it. */
  destructive?: boolean;
}

/** Asks before an action that cannot be undone with one click; the API's refusal stays in the dialog. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onClose,
  extraActions,
  destructive,
}: Props) {
  useReturnFocus();
  const surface = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useInitialFocus(surface, destructive ? cancel : undefined);
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface ref={surface}>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            {children}
            <FormError message={error ? messageOf(error) : null} />
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" disabled={busy} onClick={onConfirm}>
              {confirmLabel}
            </Button>
            {extraActions}
            <Button disabled={busy} onClick={onClose} ref={cancel}>
              Cancel
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
