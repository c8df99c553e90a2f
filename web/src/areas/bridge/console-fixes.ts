import type { Check } from '../../api/bridge';
import { consoleWords } from '../../api/console-words';

export { consoleWords };

/** What to do about a check, in the console's own words, and the page where it is done. */
export interface ConsoleFix {
  text: string;
  link?: { to: string; label: string };
}

const SALES_USERS = '/admin/sales/users';
const ACTIVE_USERS = '/admin/directory/users';
const COUPLE = '/admin/bridge/salespeople';
const CONNECTION = '/admin/bridge/connection';
const SETUP = '/admin/bridge/setup';

/**
 * The bridge's checks carry the API's fix (routes and fields: what an API caller does); the CLI says it
 * with its commands and flags (src/cli/cli-words.ts), and the console says what is done in the
 * console, here, by check id, with a link to the page. A check it does not know keeps the bridge's
 * sentence without its API asides (consoleWords).
 */
const FIXES: Record<string, (check: Check) => ConsoleFix> = {
  'url.https': (check) =>
    /allow http/i.test(check.fix ?? '')
      ? { text: 'Use the https:// address, or tick “Allow http for a loopback address”, then press Next.' }
      : { text: 'Use the https:// address of the Sales server.' },
  'a1.enabled': () => ({
    text: 'Allow the administrator to sign in and give it a Dynamics 365 Customer Engagement Plan licence on the Active users page, or sign in with another administrator.',
    link: { to: ACTIVE_USERS, label: 'Open Active users' },
  }),
  'a1.roles': () => ({
    text: 'Give the administrator the missing roles on the Sales users page (select the user, then Manage security roles), then press Next again.',
    link: { to: SALES_USERS, label: 'Open Sales users' },
  }),
  'a1.sales-user': () => ({
    text: 'Make the administrator a Sales user with the System Administrator role: a Dynamics 365 Customer Engagement Plan licence or a directory administrator role, then System Administrator on the Sales users page.',
    link: { to: SALES_USERS, label: 'Open Sales users' },
  }),
  'a2.exists': () => ({
    text: 'Add the integration user on the Active users page with a Dynamics 365 Customer Engagement Plan licence, or choose another user.',
    link: { to: ACTIVE_USERS, label: 'Open Active users' },
  }),
  'a2.enabled': () => ({
    text: 'Allow the integration user to sign in and give it a Dynamics 365 Customer Engagement Plan licence on the Active users page.',
    link: { to: ACTIVE_USERS, label: 'Open Active users' },
  }),
  'a2.licensed': () => ({
    text: 'Give the integration user a Dynamics 365 Customer Engagement Plan licence on the Active users page (open the user, Licences).',
    link: { to: ACTIVE_USERS, label: 'Open Active users' },
  }),
  'a2.has-role': () => ({
    text: 'Give the integration user a Sales role such as Salesperson on the Sales users page (select the user, then Manage security roles).',
    link: { to: SALES_USERS, label: 'Open Sales users' },
  }),
  'a2.not-system-administrator': () => ({
    text: 'Remove System Administrator from the integration user on the Sales users page (select the user, then Manage security roles), or choose another user.',
    link: { to: SALES_USERS, label: 'Open Sales users' },
  }),
  'a2.password-change-required': () => ({
    text: 'Sign in to this console once as the integration user (in a private window) and choose a new password, then enter the new password here.',
  }),
  'a2.token': tokenFix,
  'a2.locked-out': lockedOutFix,
  'a7.locked-out': lockedOutFix,
  'a7.token': tokenFix,
  'a2.integration-roles': integrationRolesFix,
  'a7.integration-roles': integrationRolesFix,
  'a4.non-interactive': nonInteractiveFix,
  'a7.non-interactive': nonInteractiveFix,
  'a3.person-edits': () => ({
    text: 'Make those changes again as yourself so they synchronise, keep the integration identity for the bridge only (Non-interactive), then press Acknowledge on the Connection page.',
    link: { to: CONNECTION, label: 'Open Connection' },
  }),
  'a5.coupled': () => ({
    text: 'Couple them on the Couple salespeople page: Auto-match by e-mail, or create salespeople for the users still uncoupled.',
    link: { to: COUPLE, label: 'Open Couple salespeople' },
  }),
  'a5.salesperson-role': () => ({
    text: 'Give them the Salesperson role on the Sales users page: select them, then Manage security roles.',
    link: { to: SALES_USERS, label: 'Open Sales users' },
  }),
  'a6.owners-coupled': () => ({
    text: 'Couple the salesperson to a Sales user on the Couple salespeople page.',
    link: { to: COUPLE, label: 'Open Couple salespeople' },
  }),
  'currency.lcy': () => ({
    text: 'Tick “Create the local currency in Sales if it is missing”, or add the currency in Sales yourself, then press Next again.',
  }),
  'connection.configured': () => ({
    text: 'Run the assisted setup.',
    link: { to: SETUP, label: 'Open Assisted setup' },
  }),
  'connection.enabled': (check) =>
    /to the end/.test(check.fix ?? '')
      ? { text: 'Run the assisted setup to the end.', link: { to: SETUP, label: 'Open Assisted setup' } }
      : {
          text: 'Fix what the reasons say, then press Enable on the Connection page.',
          link: { to: CONNECTION, label: 'Open Connection' },
        },
};

function tokenFix(check: Check): ConsoleFix {
  return /\/credentials\b|Update credentials/.test(check.fix ?? '')
    ? {
        text: 'Enter the current password or secret with Update credentials on the Connection page.',
        link: { to: CONNECTION, label: 'Open Connection' },
      }
    : {
        text: 'Allow the integration user to sign in on the Active users page (and make sure it need not change its password), then press Test connection.',
        link: { to: ACTIVE_USERS, label: 'Open Active users' },
      };
}

function lockedOutFix(check: Check): ConsoleFix {
  const wait = /Wait (\d+) seconds/.exec(check.fix ?? '')?.[1];
  return {
    text: `Wait ${wait ?? 'a few'} seconds, then press Test connection. If the stored password or secret is wrong, enter the current one first with Update credentials on the Connection page, so the failures do not start again.`,
    link: { to: CONNECTION, label: 'Open Connection' },
  };
}

function integrationRolesFix(): ConsoleFix {
  return {
    text: 'Press Redeploy solution on the Connection page: it gives the integration identity both roles again.',
    link: { to: CONNECTION, label: 'Open Connection' },
  };
}

function nonInteractiveFix(): ConsoleFix {
  return {
    text: 'Set its access mode to Non-interactive on the Sales users page (select the user, then Set access mode).',
    link: { to: SALES_USERS, label: 'Open Sales users' },
  };
}

/** What to do about a check that did not pass, in the console's words; null when nothing is to do. */
export function consoleFix(check: Check): ConsoleFix | null {
  if (check.status === 'pass') return null;
  const fix = FIXES[check.id];
  if (fix) return fix(check);
  return check.fix ? { text: consoleWords(check.fix) } : null;
}
