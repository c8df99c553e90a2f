import { makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { CheckmarkCircleFilled, DismissCircleFilled, WarningFilled } from '@fluentui/react-icons';
import type { Check, CheckStatus } from '../../api/bridge';
import { AppLink } from '../../components/AppLink';
import { consoleFix } from './console-fixes';
import { RuleBadge } from './RuleBadge';

const useStyles = makeStyles({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  item: { display: 'grid', gridTemplateColumns: '20px 1fr', columnGap: tokens.spacingHorizontalS },
  icon: { fontSize: '20px', marginTop: '1px' },
  pass: { color: tokens.colorStatusSuccessForeground1 },
  warn: { color: tokens.colorStatusWarningForeground1 },
  fail: { color: tokens.colorStatusDangerForeground1 },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  fix: { color: tokens.colorNeutralForeground2 },
  groups: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  group: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

const STATUS_LABEL: Record<CheckStatus, string> = { pass: 'Passed', warn: 'Warning', fail: 'Failed' };

/** ✓ passed, ⚠ warning, ✕ failed: the icon's meaning is in text too, for screen readers. */
function StatusIcon({ status }: { status: CheckStatus }) {
  const styles = useStyles();
  const Icon =
    status === 'pass' ? CheckmarkCircleFilled : status === 'warn' ? WarningFilled : DismissCircleFilled;
  return (
    <Icon
      className={mergeClasses(styles.icon, styles[status])}
      aria-label={STATUS_LABEL[status]}
      role="img"
    />
  );
}

/** Account checks as the bridge reports them: each one's message, and for a problem what to do in the console. */
export function CheckList({ checks, label }: { checks: Check[]; label: string }) {
  const styles = useStyles();
  return (
    <ul className={styles.list} aria-label={label}>
      {checks.map((check, index) => {
        const fix = consoleFix(check);
        return (
          <li key={`${check.id}-${index}`} className={styles.item} data-status={check.status}>
            <StatusIcon status={check.status} />
            <div className={styles.body}>
              <Text>
                {check.message}
                <RuleBadge rule={check.rule} />
              </Text>
              {fix ? (
                <Text className={styles.fix}>
                  <Text weight="semibold">What to do: </Text>
                  {fix.text}
                  {fix.link ? (
                    <>
                      {' '}
                      <AppLink to={fix.link.to}>{fix.link.label}</AppLink>
                    </>
                  ) : null}
                </Text>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

const RULE_TITLES: Record<string, string> = {
  connection: 'Connection',
  A1: 'Setup administrator',
  A2: 'Integration user',
  A3: 'No echo',
  A4: 'Non-interactive',
  A5: 'Salespeople',
  A6: 'Owners',
  A7: 'Application user',
  erp: 'ERP access',
  sales: 'Sales access',
  currency: 'Currency',
};

/** Checks grouped by rule (A1…A7), failures first within a group. */
export function ChecksByRule({
  checks,
  label,
  headingLevel = 3,
}: {
  checks: Check[];
  label: string;
  headingLevel?: 3 | 4;
}) {
  const styles = useStyles();
  const rules = [...new Set(checks.map((c) => c.rule))].sort((a, b) =>
    a === 'connection' ? -1 : b === 'connection' ? 1 : a.localeCompare(b),
  );
  const order: Record<CheckStatus, number> = { fail: 0, warn: 1, pass: 2 };
  return (
    <div className={styles.groups} aria-label={label} role="group">
      {rules.map((rule) => (
        <section key={rule} className={styles.group}>
          <Text as={headingLevel === 3 ? 'h3' : 'h4'} weight="semibold">
            {RULE_TITLES[rule] ?? rule}
            <RuleBadge rule={rule} />
          </Text>
          <CheckList
            label={`${RULE_TITLES[rule] ?? rule} checks`}
            checks={checks.filter((c) => c.rule === rule).sort((a, b) => order[a.status] - order[b.status])}
          />
        </section>
      ))}
    </div>
  );
}

/** "2 failed, 1 warning, 7 passed". */
export function countChecks(checks: Check[]): string {
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const parts = [];
  if (count('fail')) parts.push(`${count('fail')} failed`);
  if (count('warn')) parts.push(`${count('warn')} ${count('warn') === 1 ? 'warning' : 'warnings'}`);
  parts.push(`${count('pass')} passed`);
  return parts.join(', ');
}
