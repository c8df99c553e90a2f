import {
  Button,
  Link,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { relativeLink } from '../../../api/http';
import type { ImportResult } from '../../../api/directory';
import { AppLink } from '../../../components/AppLink';

const useStyles = makeStyles({
  column: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  counts: { display: 'flex', gap: tokens.spacingHorizontalXXL, flexWrap: 'wrap' },
  count: { display: 'flex', flexDirection: 'column' },
});

/** Counts, the one-time results file with the temporary passwords, and where to go next. */
export function ResultStep({ result, onImportAnother }: { result: ImportResult; onImportAnother(): void }) {
  const styles = useStyles();
  const [downloaded, setDownloaded] = useState(false);
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
          The results file holds each new user&apos;s temporary password. It can be downloaded only once; keep
          it safe and give each person their password.
        </MessageBarBody>
      </MessageBar>
      {downloaded ? (
        <Text>The results file was downloaded.</Text>
      ) : (
        <Link href={relativeLink(result.resultsUrl)} download onClick={() => setDownloaded(true)}>
          <ArrowDownloadRegular aria-hidden /> Download the results (CSV)
        </Link>
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
