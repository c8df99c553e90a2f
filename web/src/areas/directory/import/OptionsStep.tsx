import { Button, Field, makeStyles, Radio, RadioGroup, Text, tokens } from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, messageOf } from '../../../api/api-error';
import { applyImport, listLicences, type ImportResult, type ImportSummary } from '../../../api/directory';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';
import { UsageLocationField } from '../users/CountryField';

const NO_LICENCE = 'none';

const useStyles = makeStyles({
  column: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
});

interface Props {
  summary: ImportSummary;
  skipInvalidRows: boolean;
  onBack(): void;
  onImported(result: ImportResult): void;
}

/** Sign-in, one licence for everyone, usage location; then the import itself, all or nothing. */
export function OptionsStep({ summary, skipInvalidRows, onBack, onImported }: Props) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const licences = useQuery({ queryKey: ['directory', 'licences'], queryFn: listLicences });
  const [signIn, setSignIn] = useState('allow');
  const [licence, setLicence] = useState(NO_LICENCE);
  const [usageLocation, setUsageLocation] = useState('');
  const apply = useMutation({
    mutationFn: () =>
      applyImport(summary.id, {
        signInAllowed: signIn === 'allow',
        skipInvalidRows,
        ...(licence !== NO_LICENCE ? { licence } : {}),
        ...(usageLocation.trim() ? { usageLocation: usageLocation.trim() } : {}),
      }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['directory'] });
      onImported(result);
    },
  });
  const error = apply.error instanceof ApiError ? apply.error : null;
  // Usage-location refusals belong to the usage-location field; seats and the rest to the licence.
  const usageLocationError =
    error?.code === 'UsageLocationRequired' ? error.message : error?.problemFor('usageLocation');
  const licenceError =
    error && (error.code === 'CountViolation' || error.status === 404) ? error.message : undefined;
  const otherError = apply.error && !usageLocationError && !licenceError ? messageOf(apply.error) : null;
  const users = skipInvalidRows ? summary.validRowCount : summary.rowCount;

  return (
    <div className={styles.column}>
      <Text as="h2" size={500} weight="semibold">
        Options for {users.toLocaleString()} {users === 1 ? 'user' : 'users'}
      </Text>
      <Field label="Sign-in status">
        <RadioGroup value={signIn} onChange={(_, d) => setSignIn(d.value)}>
          <Radio value="allow" label="Allow the new users to sign in" />
          <Radio value="block" label="Block sign-in" />
        </RadioGroup>
      </Field>
      <Field label="Licence" validationMessage={licenceError}>
        {licences.isPending ? (
          <LoadingState label="Loading licences…" />
        ) : (
          <RadioGroup value={licence} onChange={(_, d) => setLicence(d.value)}>
            <Radio value={NO_LICENCE} label="No licence" />
            {(licences.data ?? []).map((l) => (
              <Radio
                key={l.partNumber}
                value={l.partNumber}
                label={`${l.name} (${l.available} of ${l.seats} available)`}
              />
            ))}
          </RadioGroup>
        )}
      </Field>
      <UsageLocationField
        label="Usage location for every user"
        value={usageLocation}
        onChange={setUsageLocation}
        validationMessage={usageLocationError}
      />
      <Text>
        Left blank, each user keeps the usage location derived from the file&apos;s Country or Region column.
      </Text>
      <FormError message={otherError} title="Nothing was imported" />
      <div className={styles.actions}>
        <Button appearance="primary" disabled={apply.isPending} onClick={() => apply.mutate()}>
          {apply.isPending ? 'Importing…' : 'Import users'}
        </Button>
        <Button onClick={onBack} disabled={apply.isPending}>
          Back
        </Button>
      </div>
    </div>
  );
}
