import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { ApiError, messageOf } from '../../../api/api-error';
import { fetchImportResults, type ImportResult } from '../../../api/directory';
import { AppLink } from '../../../components/AppLink';

const useStyles = makeStyles({
  column: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  counts: { display: 'flex', gap: tokens.spacingHorizontalXXL, flexWrap: 'wrap' },
  count: { display: 'flex', flexDirection: 'column' },
});

/** Counts, the one-time results file with the temporary passwords, and where to go next. */
export function ResultStep({ result, onImportAnother }: { result: ImportResult; onImportAnother(): void }) {
  const styles = useStyles();
  const [download, setDownload] = useState<
    | { state: 'ready' }
    | { state: 'busy' }
    | { state: 'done' }
    | { state: 'failed'; message: string; again: boolean }
  >({ state: 'ready' });
  const fetchResults = async () => {
    setDownload({ state: 'busy' });
    try {
      const blob = await fetchImportResults(result.resultsUrl);
      // Saved from memory once it is all here: a cut transfer never leaves half a file behind.
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = `import-${result.id}-results.csv`;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setDownload({ state: 'done' });
    } catch (error) {
      // 409: already downloaded whole (or expired); anything else may be tried again.
      const again = !(error instanceof ApiError && (error.status === 409 || error.status === 404));
      setDownload({ state: 'failed', message: messageOf(error), again });
    }
  };
  const counts: [string, number][] = [
    ['created', result.created],
    ['updated', result.updated],
    ['failed', result.failed],
    ['licensed', result.licensed],
  ];
  return (
    <div className={styles.column}>
      <Text as="h2" size={500} weight="semibold">
        Import finished
      </Text>
      <div className={styles.counts} role="status">
        {counts.map(([label, value]) => (
          <div key={label} className={styles.count}>
            <Text size={600} weight="semibold">
              {value.toLocaleString()}
            </Text>
            <Text>{label}</Text>
          </div>
        ))}
      </div>
      <MessageBar intent="warning">
        <MessageBarBody>
          <MessageBarTitle>Download the results now</MessageBarTitle>
          The results file holds each new user&apos;s temporary password. It is given out once: keep it safe
          and give each person their password. If a download breaks, download it again (for 15 minutes, until
          one download completes).
        </MessageBarBody>
      </MessageBar>
      {download.state === 'done' ? (
        <Text role="status">The results file was downloaded.</Text>
      ) : (
        <>
          {download.state === 'failed' ? (
            <MessageBar intent="error">
              <MessageBarBody>
                <MessageBarTitle>The results file was not saved</MessageBarTitle>
                {download.message}
              </MessageBarBody>
            </MessageBar>
          ) : null}
          {download.state === 'failed' && !download.again ? null : (
            <div>
              <Button
                appearance="primary"
                icon={download.state === 'busy' ? <Spinner size="tiny" /> : <ArrowDownloadRegular />}
                disabled={download.state === 'busy'}
                onClick={() => void fetchResults()}
              >
                {download.state === 'failed'
                  ? 'Download the results again (CSV)'
                  : 'Download the results (CSV)'}
              </Button>
            </div>
          )}
        </>
      )}
      <Text>
        Next: <AppLink to="/admin/directory/users">see them in Active users</AppLink>
        {result.licence ? (
          <>
            , or <AppLink to="/admin/sales/users">give them Sales security roles</AppLink>
          </>
        ) : null}
        .
      </Text>
      <div>
        <Button onClick={onImportAnother}>Import another file</Button>
      </div>
    </div>
  );
}
