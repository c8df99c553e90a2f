import { makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { CheckmarkCircleFilled, CircleRegular, RecordRegular } from '@fluentui/react-icons';
import type { SetupStep } from '../../../api/bridge';
import { splitRules } from '../RuleBadge';

const useStyles = makeStyles({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    width: '260px',
  },
  item: { display: 'grid', gridTemplateColumns: '20px 1fr', columnGap: tokens.spacingHorizontalS },
  icon: { fontSize: '20px' },
  done: { color: tokens.colorBrandForeground1 },
  current: { color: tokens.colorBrandForeground1 },
  summary: { color: tokens.colorNeutralForeground2 },
  hidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
});

const STATUS_TEXT = { done: 'done', current: 'current step', pending: 'not yet' } as const;

/** The setup's steps as the admin centres show them: done ✓ with what it did, current, pending. */
export function StepList({ steps }: { steps: SetupStep[] }) {
  const styles = useStyles();
  return (
    <ol className={styles.list} aria-label="Setup steps">
      {steps.map((step) => (
        <li
          key={step.id}
          className={styles.item}
          aria-current={step.status === 'current' ? 'step' : undefined}
        >
          {step.status === 'done' ? (
            <CheckmarkCircleFilled className={mergeClasses(styles.icon, styles.done)} aria-hidden />
          ) : step.status === 'current' ? (
            <RecordRegular className={mergeClasses(styles.icon, styles.current)} aria-hidden />
          ) : (
            <CircleRegular className={styles.icon} aria-hidden />
          )}
          <div>
            <Text weight={step.status === 'current' ? 'semibold' : 'regular'}>
              {splitRules(step.title).text}
            </Text>
            <span className={styles.hidden}> ({STATUS_TEXT[step.status]})</span>
            {step.summary ? (
              <Text block size={200} className={styles.summary}>
                {step.summary}
              </Text>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
