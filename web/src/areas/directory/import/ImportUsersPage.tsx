import { makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { ImportResult, ImportSummary } from '../../../api/directory';
import { PageHeader } from '../../../components/PageHeader';
import { surface } from '../../../components/surface';
import { ImportSteps, type ImportStep } from './ImportSteps';
import { OptionsStep } from './OptionsStep';
import { ResultStep } from './ResultStep';
import { UploadStep } from './UploadStep';
import { VerifyStep } from './VerifyStep';

const useStyles = makeStyles({
  layout: { display: 'flex', gap: tokens.spacingHorizontalXXL, alignItems: 'flex-start', flexWrap: 'wrap' },
  step: {
    flex: 1,
    minWidth: 'min(320px, 100%)',
    maxWidth: '960px',
    ...surface,
  },
});

/**
 * Import multiple users, Microsoft 365's flow: download the template → upload → verify (every
 * problem by row and column) → options (sign-in, licence, usage location) → result with the one-time
 * results file. Nothing is written to the directory before the options step's Import.
 */
export function ImportUsersPage() {
  const styles = useStyles();
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [skipInvalidRows, setSkipInvalidRows] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);

  const step: ImportStep = result ? 'result' : confirmed ? 'options' : summary ? 'verify' : 'upload';
  const startAgain = () => {
    setSummary(null);
    setConfirmed(false);
    setSkipInvalidRows(false);
    setResult(null);
  };

  return (
    <>
      <PageHeader
        title="Import multiple users"
        description="Add or update many users at once from the Microsoft 365 “Import multiple users” CSV file. Users already in the directory (same user name) are updated, never duplicated."
      />
      <div className={styles.layout}>
        <ImportSteps current={step} />
        <section className={styles.step} aria-live="polite">
          {step === 'upload' ? <UploadStep onVerified={setSummary} /> : null}
          {step === 'verify' && summary ? (
            <VerifyStep
              summary={summary}
              skipInvalidRows={skipInvalidRows}
              onSkipInvalidRowsChange={setSkipInvalidRows}
              onNext={() => setConfirmed(true)}
              onUploadAgain={startAgain}
            />
          ) : null}
          {step === 'options' && summary ? (
            <OptionsStep
              summary={summary}
              skipInvalidRows={skipInvalidRows}
              onBack={() => setConfirmed(false)}
              onImported={setResult}
            />
          ) : null}
          {step === 'result' && result ? <ResultStep result={result} onImportAnother={startAgain} /> : null}
        </section>
      </div>
    </>
  );
}
