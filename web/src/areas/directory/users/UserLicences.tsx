import { Button, Checkbox, makeStyles, tokens } from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { messageOf } from '../../../api/api-error';
import { changeUserLicences, listLicences, type DirectoryUser } from '../../../api/directory';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';

const useStyles = makeStyles({
  list: { display: 'flex', flexDirection: 'column' },
  actions: { marginTop: tokens.spacingVerticalM },
});

/** The user's licences as checkboxes; saving adds and removes in one all-or-nothing request. */
export function UserLicences({ user }: { user: DirectoryUser }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const licences = useQuery({ queryKey: ['directory', 'licences'], queryFn: listLicences });
  const held = user.licences.map((l) => l.partNumber);
  const [chosen, setChosen] = useState<string[]>(held);
  const add = chosen.filter((p) => !held.includes(p));
  const remove = held.filter((p) => !chosen.includes(p));
  const save = useMutation({
    mutationFn: () => changeUserLicences(user.id, add, remove),
    onSuccess: (saved) => {
      queryClient.setQueryData(['directory', 'user', user.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['directory', 'licences'] });
      void queryClient.invalidateQueries({ queryKey: ['directory', 'users'] });
    },
  });
  if (licences.isPending) return <LoadingState label="Loading licences…" />;
  return (
    <div>
      <div className={styles.list} role="group" aria-label="Licences">
        {(licences.data ?? []).map((l) => (
          <Checkbox
            key={l.partNumber}
            label={`${l.name} (${l.available} of ${l.seats} available)`}
            checked={chosen.includes(l.partNumber)}
            onChange={(_, d) =>
              setChosen((c) => (d.checked ? [...c, l.partNumber] : c.filter((p) => p !== l.partNumber)))
            }
          />
        ))}
      </div>
      <FormError message={save.error ? messageOf(save.error) : null} title="Licences were not changed" />
      <div className={styles.actions}>
        <Button
          appearance="primary"
          disabled={(add.length === 0 && remove.length === 0) || save.isPending}
          onClick={() => save.mutate()}
        >
          Save licences
        </Button>
      </div>
    </div>
  );
}
