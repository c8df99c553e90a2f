import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  makeStyles,
  Option,
  Switch,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../../../api/api-error';
import { createUser, listDomains, listLicences } from '../../../api/directory';
import { FormError } from '../../../components/FormError';
import { UsageLocationField } from './CountryField';
import { TemporaryPassword } from './TemporaryPassword';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  names: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalM },
  userName: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

/** Add a user: basics, licences, and the temporary password shown once. */
export function AddUserDialog({ onClose }: { onClose(): void }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const domains = useQuery({ queryKey: ['directory', 'domains'], queryFn: listDomains });
  const licences = useQuery({ queryKey: ['directory', 'licences'], queryFn: listLicences });
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [alias, setAlias] = useState('');
  const [domain, setDomain] = useState<string | null>(null);
  const [usageLocation, setUsageLocation] = useState('');
  const [chosenLicences, setChosenLicences] = useState<string[]>([]);
  const [signInAllowed, setSignInAllowed] = useState(true);
  const chosenDomain =
    domain ?? domains.data?.find((d) => d.isDefault)?.name ?? domains.data?.[0]?.name ?? '';

  const create = useMutation({
    mutationFn: () =>
      createUser({
        userPrincipalName: `${alias.trim()}@${chosenDomain}`,
        displayName: displayName.trim() || `${firstName} ${lastName}`.trim(),
        firstName: firstName.trim() || null,
        lastName: lastName.trim() || null,
        usageLocation: usageLocation.trim() || null,
        signInAllowed,
        licences: chosenLicences,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['directory'] }),
  });
  const error = create.error instanceof ApiError ? create.error : null;
  const fieldError = (field: string) => error?.problemFor(field);
  // Problems the fields below do not show go in the message by the buttons.
  const shownFields = ['userPrincipalName', 'displayName', 'firstName', 'lastName', 'usageLocation'];
  const formMessage =
    create.error && !(error?.problems.length && error.problems.every((p) => shownFields.includes(p.field)))
      ? messageOf(create.error)
      : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  const created = create.data;
  return (
    <Dialog open onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        {created ? (
          <DialogBody>
            <DialogTitle>{created.displayName} was added</DialogTitle>
            <DialogContent className={styles.form}>
              <span>
                User name: <strong>{created.userPrincipalName}</strong>
              </span>
              {created.temporaryPassword ? (
                <TemporaryPassword
                  userName={created.userPrincipalName}
                  password={created.temporaryPassword}
                />
              ) : null}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={onClose}>
                Close
              </Button>
            </DialogActions>
          </DialogBody>
        ) : (
          <form onSubmit={submit} noValidate>
            <DialogBody>
              <DialogTitle>Add a user</DialogTitle>
              <DialogContent className={styles.form}>
                <div className={styles.names}>
                  <Field label="First name" validationMessage={fieldError('firstName')}>
                    <Input value={firstName} onChange={(_, d) => setFirstName(d.value)} autoFocus />
                  </Field>
                  <Field label="Last name" validationMessage={fieldError('lastName')}>
                    <Input value={lastName} onChange={(_, d) => setLastName(d.value)} />
                  </Field>
                </div>
                <Field label="Display name" required validationMessage={fieldError('displayName')}>
                  <Input
                    value={displayName}
                    placeholder={`${firstName} ${lastName}`.trim() || undefined}
                    onChange={(_, d) => setDisplayName(d.value)}
                  />
                </Field>
                <Field label="Username" required validationMessage={fieldError('userPrincipalName')}>
                  <div className={styles.userName}>
                    <Input value={alias} onChange={(_, d) => setAlias(d.value)} aria-label="Username" />
                    <span aria-hidden>@</span>
                    <Dropdown
                      aria-label="Domain"
                      value={chosenDomain}
                      selectedOptions={[chosenDomain]}
                      onOptionSelect={(_, d) => setDomain(d.optionValue ?? null)}
                    >
                      {(domains.data ?? []).map((d) => (
                        <Option key={d.name}>{d.name}</Option>
                      ))}
                    </Dropdown>
                  </div>
                </Field>
                <UsageLocationField
                  value={usageLocation}
                  onChange={setUsageLocation}
                  validationMessage={fieldError('usageLocation')}
                />
                <div>
                  <Text as="h3" weight="semibold" id="add-user-licences">
                    Licences
                  </Text>
                  <div role="group" aria-labelledby="add-user-licences">
                    {(licences.data ?? []).map((l) => (
                      <Checkbox
                        key={l.partNumber}
                        label={`${l.name} (${l.available} of ${l.seats} available)`}
                        checked={chosenLicences.includes(l.partNumber)}
                        onChange={(_, d) =>
                          setChosenLicences((current) =>
                            d.checked
                              ? [...current, l.partNumber]
                              : current.filter((p) => p !== l.partNumber),
                          )
                        }
                      />
                    ))}
                  </div>
                </div>
                <Switch
                  label="Allow sign-in"
                  checked={signInAllowed}
                  onChange={(_, d) => setSignInAllowed(d.checked)}
                />
                <FormError message={formMessage} title="The user was not added" />
              </DialogContent>
              <DialogActions>
                <Button type="submit" appearance="primary" disabled={create.isPending}>
                  Add user
                </Button>
                <Button onClick={onClose}>Cancel</Button>
              </DialogActions>
            </DialogBody>
          </form>
        )}
      </DialogSurface>
    </Dialog>
  );
}
