import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Radio,
  RadioGroup,
  Field,
} from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { messageOf } from '../../../api/api-error';
import { assignLicence, listLicences, removeLicence } from '../../../api/directory';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';
import { useReturnFocus } from '../../../components/useReturnFocus';

/** Give (or take back) one licence for the selected users, all of them or none. */
export function AssignLicenceDialog({
  userIds,
  onClose,
}: {
  userIds: string[];
  /** `done` says what changed, for the page to confirm it. */
  onClose(done?: string): void;
}) {
  useReturnFocus();
  const queryClient = useQueryClient();
  const licences = useQuery({ queryKey: ['directory', 'licences'], queryFn: listLicences });
  const [partNumber, setPartNumber] = useState('');
  const change = useMutation({
    mutationFn: async (action: 'assign' | 'remove') => {
      if (action === 'assign') await assignLicence(partNumber, userIds);
      else await removeLicence(partNumber, userIds);
    },
    onSuccess: async (_, action) => {
      await queryClient.invalidateQueries({ queryKey: ['directory'] });
      const name = licences.data?.find((l) => l.partNumber === partNumber)?.name ?? partNumber;
      const who = `${userIds.length} ${userIds.length === 1 ? 'user' : 'users'}`;
      onClose(action === 'assign' ? `${name} assigned to ${who}.` : `${name} removed from ${who}.`);
    },
  });
  return (
    <Dialog open onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>
            Licences for {userIds.length} {userIds.length === 1 ? 'user' : 'users'}
          </DialogTitle>
          <DialogContent>
            {licences.isPending ? (
              <LoadingState />
            ) : (
              <Field label="Licence" required>
                <RadioGroup value={partNumber} onChange={(_, d) => setPartNumber(d.value)}>
                  {(licences.data ?? []).map((l) => (
                    <Radio
                      key={l.partNumber}
                      value={l.partNumber}
                      label={`${l.name} (${l.available} of ${l.seats} available)`}
                    />
                  ))}
                </RadioGroup>
              </Field>
            )}
            <FormError message={change.error ? messageOf(change.error) : null} title="Nothing was changed" />
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              disabled={!partNumber || change.isPending}
              onClick={() => change.mutate('assign')}
            >
              Assign
            </Button>
            <Button disabled={!partNumber || change.isPending} onClick={() => change.mutate('remove')}>
              Remove
            </Button>
            <Button onClick={() => onClose()}>Cancel</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
