import { Button, Field, Link, makeStyles, ProgressBar, Text, tokens } from '@fluentui/react-components';
import { ArrowDownloadRegular, ArrowUploadRegular } from '@fluentui/react-icons';
import { useRef, useState } from 'react';
import { ApiError, messageOf } from '../../../api/api-error';
import { templateUrl, uploadImport, type ImportSummary } from '../../../api/directory';
import { FormError } from '../../../components/FormError';

const useStyles = makeStyles({
  column: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  downloads: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  fileRow: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
});

/** Templates to download, then the file to upload; the server verifies it as it arrives. */
export function UploadStep({ onVerified }: { onVerified(summary: ImportSummary): void }) {
  const styles = useStyles();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);

  async function upload() {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      onVerified(await uploadImport(file, setProgress));
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(messageOf(caught)));
    } finally {
      setProgress(null);
    }
  }

  const uploading = progress !== null;
  return (
    <div className={styles.column}>
      <Text as="h2" size={500} weight="semibold">
        Download a template, fill it in, upload it
      </Text>
      <div className={styles.downloads}>
        <Link href={templateUrl(false)} download>
          <ArrowDownloadRegular aria-hidden /> Download a CSV file with headers only
        </Link>
        <Link href={templateUrl(true)} download>
          <ArrowDownloadRegular aria-hidden /> Download a CSV file with headers and sample user information
        </Link>
      </div>
      <Text>
        Keep the 16 column headings as they are. User Name and Display Name are required; every other column
        may be blank. Files of any size are accepted.
      </Text>
      <Field
        label="CSV file"
        required
        validationMessage={error ? messageOf(error) : undefined}
        hint={
          file
            ? `${file.name} · ${(file.size / 1024).toLocaleString(undefined, { maximumFractionDigits: 1 })} KB`
            : 'No file chosen'
        }
      >
        <div className={styles.fileRow}>
          <input
            ref={input}
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            aria-label="CSV file"
            style={{ display: 'none' }}
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setError(null);
            }}
          />
          <Button onClick={() => input.current?.click()} disabled={uploading}>
            Browse…
          </Button>
          <Button
            appearance="primary"
            icon={<ArrowUploadRegular />}
            disabled={!file || uploading}
            onClick={() => void upload()}
          >
            Upload and verify
          </Button>
        </div>
      </Field>
      {uploading ? (
        <Field
          validationState="none"
          validationMessage={
            progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : 'Verifying every row…'
          }
        >
          <ProgressBar value={progress < 1 ? progress : undefined} aria-label="Upload progress" />
        </Field>
      ) : null}
      {error && error instanceof ApiError && error.status === 0 ? (
        <FormError message={messageOf(error)} />
      ) : null}
    </div>
  );
}
