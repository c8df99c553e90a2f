import {
  Button,
  Checkbox,
  Link,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { problemLogUrl, type ImportSummary } from '../../../api/directory';

const useStyles = makeStyles({
  column: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  counts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))',
    gap: tokens.spacingHorizontalM,
  },
  count: { display: 'flex', flexDirection: 'column' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  problems: { maxHeight: '420px', overflow: 'auto' },
});

interface Props {
  summary: ImportSummary;
  skipInvalidRows: boolean;
  onSkipInvalidRowsChange(skip: boolean): void;
  onNext(): void;
  onUploadAgain(): void;
}

function Count({ label, value }: { label: string; value: number }) {
  const styles = useStyles();
  return (
    <div className={styles.count}>
      <Text size={600} weight="semibold">
        {value.toLocaleString()}
      </Text>
      <Text>{label}</Text>
    </div>
  );
}

/** What the file holds, and every problem by row and column, with the full log to download. */
export function VerifyStep({
  summary,
  skipInvalidRows,
  onSkipInvalidRowsChange,
  onNext,
  onUploadAgain,
}: Props) {
  const styles = useStyles();
  const clean = summary.problemCount === 0;
  const canContinue = clean || (skipInvalidRows && summary.validRowCount > 0);
  return (
    <div className={styles.column}>
      <Text as="h2" size={500} weight="semibold">
        Verify {summary.fileName ?? 'the file'}
      </Text>
      <Text>Read as the {summary.template}.</Text>
      <div className={styles.counts}>
        <Count label="rows" value={summary.rowCount} />
        <Count label="new users" value={summary.willCreate} />
        <Count label="existing users to update" value={summary.willUpdate} />
        <Count label="problems" value={summary.problemCount} />
      </div>
      {clean ? (
        <MessageBar intent="success">
          <MessageBarBody>
            <MessageBarTitle>The file is ready</MessageBarTitle>
            Every row passed. Nothing has been written yet: choose the options next.
          </MessageBarBody>
        </MessageBar>
      ) : (
        <>
          <MessageBar intent="error" role="alert">
            <MessageBarBody>
              <MessageBarTitle>
                {summary.problemCount.toLocaleString()} {summary.problemCount === 1 ? 'problem' : 'problems'}{' '}
                found
              </MessageBarTitle>
              Correct the file and upload it again, or import only the valid rows.
            </MessageBarBody>
          </MessageBar>
          <Link href={problemLogUrl(summary.id)} download>
            <ArrowDownloadRegular aria-hidden /> Download the problem log (CSV, every problem)
          </Link>
          <div className={styles.problems}>
            <Table aria-label="Problems by row and column" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Row</TableHeaderCell>
                  <TableHeaderCell>Column</TableHeaderCell>
                  <TableHeaderCell>Value</TableHeaderCell>
                  <TableHeaderCell>Problem</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {summary.problems.map((p, i) => (
                  <TableRow key={`${p.row}-${p.column}-${i}`}>
                    <TableCell>{p.row}</TableCell>
                    <TableCell>{p.column}</TableCell>
                    <TableCell>{p.value ?? ''}</TableCell>
                    <TableCell>{p.message}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          {summary.problems.length < summary.problemCount ? (
            <Text>
              The first {summary.problems.length} problems are shown; the log has all {summary.problemCount}.
            </Text>
          ) : null}
          {summary.validRowCount > 0 ? (
            <Checkbox
              checked={skipInvalidRows}
              onChange={(_, d) => onSkipInvalidRowsChange(Boolean(d.checked))}
              label={`Import the ${summary.validRowCount.toLocaleString()} valid rows and report the others as failed`}
            />
          ) : null}
        </>
      )}
      <div className={styles.actions}>
        <Button appearance="primary" disabled={!canContinue} onClick={onNext}>
          Next
        </Button>
        <Button onClick={onUploadAgain}>Upload another file</Button>
      </div>
    </div>
  );
}
