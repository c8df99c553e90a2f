import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Radio,
  RadioGroup,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, messageOf } from '../../../api/api-error';
import { ACCESS_MODES, accessModeLabel, setAccessMode, type SalesUser } from '../../../api/sales';
import { useReturnFocus } from '../../../components/useReturnFocus';

/** Read-Write for people, Non-interactive for an integration account (it then cannot sign in here). */
export function AccessModeDialog({ user, onClose }: { user: SalesUser; onClose(done?: string): void }) {
  useReturnFocus();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState(String(user.accessmode));
  const save = useMutation({
    mutationFn: () => setAccessMode(user.systemuserid, Number(mode)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['sales', 'users'] });
      onClose(`${user.fullname ?? user.domainname} is now ${accessModeLabel(Number(mode))}.`);
    },
  });
  const error = save.error instanceof ApiError || save.error ? messageOf(save.error) : undefined;
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>Access mode of {user.fullname ?? user.domainname}</DialogTitle>
          <DialogContent>
            <Field label="Access mode" validationMessage={error}>
              <RadioGroup value={mode} onChange={(_, d) => setMode(d.value)}>
                {ACCESS_MODES.map((m) => (
                  <Radio key={m.value} value={String(m.value)} label={`${m.label} — ${m.description}`} />
                ))}
              </RadioGroup>
            </Field>
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              disabled={save.isPending || mode === String(user.accessmode)}
              onClick={() => save.mutate()}
            >
              Save
            </Button>
            <Button onClick={() => onClose()}>Cancel</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
