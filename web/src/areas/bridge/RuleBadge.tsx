import { Badge, Tooltip } from '@fluentui/react-components';

/** "Administrator (rule A1)" → its plain title and the rules it is about, shown apart as badges. */
export function splitRules(title: string): { text: string; rules: string[] } {
  const match = /\s*\(rules? ([^)]*)\)\s*$/.exec(title);
  if (!match) return { text: title, rules: [] };
  return { text: title.slice(0, match.index), rules: match[1]!.split(/\s*\/\s*|\s*,\s*/) };
}

const RULE_MEANING: Record<string, string> = {
  A1: 'the administrator who sets up the connection',
  A2: 'a dedicated integration user',
  A3: 'the integration user’s own changes never synchronise',
  A4: 'the integration user is Non-interactive',
  A5: 'every salesperson is coupled to a Sales user',
  A6: 'record owners are coupled salespeople',
  A7: 'an application user instead of a named one',
};

/**
 * A rule of the account model (A1–A7) as a small badge after the plain sentence, its meaning in a
 * tooltip: the code is a reference for people who know the rules, never the explanation itself.
 */
export function RuleBadge({ rule }: { rule: string }) {
  if (!/^A\d$/.test(rule)) return null;
  return (
    <Tooltip content={`Rule ${rule}: ${RULE_MEANING[rule] ?? 'an account rule'}`} relationship="description">
      <Badge appearance="outline" size="small" shape="rounded" tabIndex={0} style={{ marginLeft: 6 }}>
        {rule}
      </Badge>
    </Tooltip>
  );
}

/** A title with its rules as badges after it. */
export function TitleWithRules({ title }: { title: string }) {
  const { text, rules } = splitRules(title);
  return (
    <>
      {text}
      {rules.map((rule) => (
        <RuleBadge key={rule} rule={rule} />
      ))}
    </>
  );
}
