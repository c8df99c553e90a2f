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
import { useReturnFocus } from '../../../components/useReturnFocus';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  names: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalM },
  userName: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

/** Add a user: basics, licences, and the temporary password shown once. */
export function AddUserDialog({ onClose }: { onClose(): void }) {
  useReturnFocus();
  const styles = useStyles();
  const queryClient = useQueryClient();
  const domains = useQuery({ queryKey: ['directory', 'domains'], queryFn: listDomains });
  const licences = useQuery({ queryKey: ['directory', 'licences'], queryFn: listLicences });
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  // As in the Microsoft 365 admin center, the display name is built from the first and last name
  // while typing, until the person types a display name of their own.
  const [ownDisplayName, setOwnDisplayName] = useState<string | null>(null);
  const displayName = ownDisplayName ?? [firstName.trim(), lastName.trim()].filter(Boolean).join(' ');
  /** Checked before sending: the required fields, in the console's words. */
  const [missing, setMissing] = useState<{ displayName?: string; alias?: string }>({});
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
        displayName: displayName.trim(),
        firstName: firstName.trim() || null,
        lastName: lastName.trim() || null,
        usageLocation: usageLocation.trim() || null,
        signInAllowed,
        licences: chosenLicences,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['directory'] }),
  });
  const error = create.error instanceof ApiError ? create.error : null;
  const fieldError = (field: string) =>
    (field === 'displayName'
      ? missing.displayName
      : field === 'userPrincipalName'
        ? missing.alias
        : undefined) ?? error?.problemFor(field);
  // Problems the fields below do not show go in the message by the buttons.
  const shownFields = ['userPrincipalName', 'displayName', 'firstName', 'lastName', 'usageLocation'];
  const formMessage =
    create.error && !(error?.problems.length && error.problems.every((p) => shownFields.includes(p.field)))
      ? messageOf(create.error)
      : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: typeof missing = {};
    if (!displayName.trim()) found.displayName = 'Enter a display name, or a first and last name.';
    if (!alias.trim()) found.alias = 'Enter a user name.';
    setMissing(found);
    if (Object.keys(found).length > 0) {
      create.reset();
      // The first field in error gets the focus, so a keyboard user lands on what to fix.
      window.setTimeout(() =>
        document.querySelector<HTMLElement>('[role="dialog"] [aria-invalid="true"]')?.focus(),
      );
      return;
    }
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
                  <Input value={displayName} onChange={(_, d) => setOwnDisplayName(d.value)} />
                </Field>
                <Field label="Username" required validationMessage={fieldError('userPrincipalName')}>
                  <div className={styles.userName}>
                    <Input
                      value={alias}
                      onChange={(_, d) => setAlias(d.value)}
                      aria-label="Username"
                      aria-invalid={fieldError('userPrincipalName') ? true : undefined}
                    />
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
