import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { CheckmarkCircleFilled, CircleRegular } from '@fluentui/react-icons';

export type ImportStep = 'upload' | 'verify' | 'options' | 'result';

const STEPS: { key: ImportStep; label: string }[] = [
  { key: 'upload', label: 'Upload a file' },
  { key: 'verify', label: 'Verify' },
  { key: 'options', label: 'Options' },
  { key: 'result', label: 'Result' },
];

const useStyles = makeStyles({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    minWidth: '180px',
  },
  item: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  done: { color: tokens.colorBrandForeground1 },
});

/** Where the person is in the import, like the admin center's step list. */
export function ImportSteps({ current }: { current: ImportStep }) {
  const styles = useStyles();
  const index = STEPS.findIndex((s) => s.key === current);
  return (
    <ol className={styles.list} aria-label="Import steps">
      {STEPS.map((step, i) => (
        <li key={step.key} className={styles.item} aria-current={i === index ? 'step' : undefined}>
          {i < index ? (
            <CheckmarkCircleFilled className={styles.done} aria-hidden />
          ) : (
            <CircleRegular aria-hidden />
          )}
          <Text weight={i === index ? 'semibold' : 'regular'}>{step.label}</Text>
        </li>
      ))}
    </ol>
  );
}
