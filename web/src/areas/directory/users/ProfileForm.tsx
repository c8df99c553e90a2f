import {
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../../../api/api-error';
import { updateUser, type DirectoryUser, type ProfileChanges } from '../../../api/directory';
import { FormError } from '../../../components/FormError';
import { PROFILE_FIELDS } from './profile-fields';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
    gap: tokens.spacingHorizontalL,
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalL },
});

type Values = Record<string, string>;

function valuesOf(user: DirectoryUser): Values {
  return Object.fromEntries(PROFILE_FIELDS.map((f) => [f.key, String(user[f.key] ?? '')]));
}

/** Edit a user's profile; only changed fields are sent, guarded by the version on screen. */
export function ProfileForm({ user }: { user: DirectoryUser }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() => valuesOf(user));
  const original = valuesOf(user);
  const changes: ProfileChanges = Object.fromEntries(
    PROFILE_FIELDS.filter((f) => values[f.key] !== original[f.key]).map((f) => [
      f.key,
      values[f.key]!.trim() || null,
    ]),
  );
  const dirty = Object.keys(changes).length > 0;

  const save = useMutation({
    mutationFn: () => updateUser(user.id, changes, user.rowVersion),
    onSuccess: (saved) => {
      queryClient.setQueryData(['directory', 'user', user.id], saved);
      setValues(valuesOf(saved));
      void queryClient.invalidateQueries({ queryKey: ['directory', 'users'] });
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const unplaced = save.error && !(error && error.problems.length > 0) ? messageOf(save.error) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (dirty) save.mutate();
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Profile">
      <div className={styles.grid}>
        {PROFILE_FIELDS.map((field) => (
          <Field
            key={field.key}
            label={field.label}
            required={field.key === 'displayName'}
            validationMessage={error?.problemFor(field.key)}
          >
            <Input
              value={values[field.key] ?? ''}
              onChange={(_, d) =>
                setValues((v) => ({
                  ...v,
                  [field.key]: field.key === 'usageLocation' ? d.value.toUpperCase() : d.value,
                }))
              }
            />
          </Field>
        ))}
      </div>
      <FormError
        message={unplaced}
        title={error?.status === 412 ? 'Someone changed this user meanwhile' : 'The changes were not saved'}
      />
      {save.isSuccess && !dirty ? (
        <MessageBar intent="success" style={{ marginTop: 12 }}>
          <MessageBarBody>Saved.</MessageBarBody>
        </MessageBar>
      ) : null}
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" disabled={!dirty || save.isPending}>
          Save changes
        </Button>
        <Button disabled={!dirty || save.isPending} onClick={() => setValues(original)}>
          Discard changes
        </Button>
      </div>
    </form>
  );
}
