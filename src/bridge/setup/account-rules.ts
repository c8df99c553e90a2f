/**
 * The account rules A1, A2, A4 and A7 as pure functions over what Sales says about a user: each
 * check is a CheckResult whose message names the user, the role or the licence, and whose fix says
 * what to do. Setup runs them with the administrator's view; the continuous checks with the
 * integration identity's own.
 */
import type { CheckResult } from '../schema.js';

export const ROLE = {
  systemAdministrator: 'System Administrator',
  systemCustomizer: 'System Customizer',
  integrationAdministrator: 'Integration Administrator',
  integrationUser: 'Integration User',
  salesManager: 'Sales Manager',
  salesperson: 'Salesperson',
} as const;

/** Roles that administer rather than use Sales: they do not count as A1's "non-administrative role". */
const ADMINISTRATIVE_ROLES = new Set<string>([
  ROLE.systemAdministrator,
  ROLE.systemCustomizer,
  ROLE.integrationAdministrator,
]);

export const ACCESS_MODE_LABEL: Record<number, string> = {
  0: 'Read-Write',
  1: 'Administrative',
  2: 'Read',
  3: 'Support User',
  4: 'Non-interactive',
  5: 'Delegated Admin',
};
export const NON_INTERACTIVE = 4;

export const SALES_LICENCE = 'DYN365_ENTERPRISE_PLAN1 (Dynamics 365 Customer Engagement Plan)';

/** What the checks need to know of a Sales user. */
export interface SalesUserFacts {
  systemuserid: string;
  domainname: string;
  fullname?: string | null;
  isdisabled: boolean;
  /** Why Sales disabled the user (e.g. its licence was removed), when it says. */
  disabledreason?: string | null;
  islicensed: boolean;
  accessmode: number;
  applicationid?: string | null;
  roles: string[];
  /**
   * True when Sales showed none of the user's roles because the identity reading them may not read
   * security roles at all (the integration identity reads them through Integration Administrator):
   * its roles are then unknown, not none.
   */
  rolesHidden?: boolean;
}

const pass = (rule: string, id: string, message: string): CheckResult => ({
  rule,
  id,
  status: 'pass',
  message,
});
const fail = (rule: string, id: string, message: string, fix: string): CheckResult => ({
  rule,
  id,
  status: 'fail',
  message,
  fix,
});
const warn = (rule: string, id: string, message: string, fix: string): CheckResult => ({
  rule,
  id,
  status: 'warn',
  message,
  fix,
});

/** " (Sales says: …)" when Sales recorded why it disabled the user. */
function because(user: SalesUserFacts): string {
  return user.disabledreason ? ` (Sales says: ${user.disabledreason.replace(/\.+$/, '')})` : '';
}

function listAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Rule A1: the account that sets up the connection must be a Sales user with System Administrator,
 * System Customizer and at least one non-administrative role. The message lists exactly what is missing.
 */
export function evaluateSetupAdministrator(admin: SalesUserFacts): CheckResult[] {
  const who = admin.domainname;
  const checks: CheckResult[] = [];
  checks.push(
    admin.isdisabled
      ? fail(
          'A1',
          'a1.enabled',
          `${who} is disabled in Sales${because(admin)}, so it cannot set up the connection.`,
          `Allow sign-in for ${who} in the directory and give it a Sales licence (${SALES_LICENCE}), or sign in with another administrator.`,
        )
      : pass('A1', 'a1.enabled', `${who} is an enabled Sales user.`),
  );
  const missing: string[] = [];
  if (!admin.roles.includes(ROLE.systemAdministrator)) missing.push(`the ${ROLE.systemAdministrator} role`);
  if (!admin.roles.includes(ROLE.systemCustomizer)) missing.push(`the ${ROLE.systemCustomizer} role`);
  const ordinary = admin.roles.filter((r) => !ADMINISTRATIVE_ROLES.has(r));
  if (ordinary.length === 0) missing.push(`a non-administrative role (for example ${ROLE.salesManager})`);
  checks.push(
    missing.length > 0
      ? fail(
          'A1',
          'a1.roles',
          `${who} cannot set up the connection: it lacks ${listAnd(missing)} in Sales (it has ${admin.roles.length ? listAnd(admin.roles) : 'no roles'}). The setup administrator needs ${ROLE.systemAdministrator}, ${ROLE.systemCustomizer} and at least one non-administrative role such as ${ROLE.salesManager}.`,
          `A System Administrator assigns the missing roles to ${who} in Sales (POST /sales/admin/users/roles), then sign in again here.`,
        )
      : pass(
          'A1',
          'a1.roles',
          `${who} has ${ROLE.systemAdministrator}, ${ROLE.systemCustomizer} and the non-administrative role ${ordinary[0]}.`,
        ),
  );
  return checks;
}

/** Who must not be the integration user: the setup administrator (by Sales user id or UPN). */
export interface AdminIdentity {
  upn: string;
  salesUserId: string;
}

/**
 * Rule A2 for a named integration user, as the administrator sees it in Sales before setup uses it.
 * `user` is undefined when no Sales user has that UPN.
 */
export function evaluateNamedIntegrationUser(
  upn: string,
  user: SalesUserFacts | undefined,
  admin: AdminIdentity | undefined,
): CheckResult[] {
  if (admin && (upn.toLowerCase() === admin.upn.toLowerCase() || user?.systemuserid === admin.salesUserId)) {
    return [
      fail(
        'A2',
        'a2.not-admin',
        `${upn} is the administrator account you set up the connection with, and it cannot also be the integration user. Changes made by the integration user are never synchronised (that is how the bridge avoids echoing its own writes), so every edit you made in Sales while signed in as ${upn} would silently stay in Sales and be lost to the ERP.`,
        `Create a dedicated user for the integration in the directory (for example integration@<your domain>), give it a Sales licence (${SALES_LICENCE}), and enter that user here.`,
      ),
    ];
  }
  if (!user) {
    return [
      fail(
        'A2',
        'a2.exists',
        `There is no Sales user ${upn}.`,
        `Create ${upn} in the directory and assign it a Sales licence (${SALES_LICENCE}); Sales adds the user within seconds. Then enter it here again.`,
      ),
    ];
  }
  return [pass('A2', 'a2.exists', `${upn} is a Sales user.`), ...integrationUserState(user)];
}

/** The A2 checks that hold for the integration user's state at any time (setup and afterwards). */
export function integrationUserState(user: SalesUserFacts): CheckResult[] {
  const who = user.domainname;
  const checks: CheckResult[] = [];
  checks.push(
    user.isdisabled
      ? fail(
          'A2',
          'a2.enabled',
          `The integration user ${who} is disabled in Sales${because(user)}.`,
          `Allow sign-in for ${who} in the directory and make sure it keeps its Sales licence (${SALES_LICENCE}) or is Non-interactive.`,
        )
      : pass('A2', 'a2.enabled', `${who} is enabled.`),
  );
  checks.push(
    !user.islicensed && user.accessmode !== NON_INTERACTIVE
      ? fail(
          'A2',
          'a2.licensed',
          `The integration user ${who} has no Sales licence and its access mode is ${ACCESS_MODE_LABEL[user.accessmode] ?? user.accessmode}.`,
          `Assign the Sales licence ${SALES_LICENCE} to ${who} in the directory, or set its access mode to Non-interactive (which needs no licence).`,
        )
      : pass(
          'A2',
          'a2.licensed',
          user.islicensed
            ? `${who} has a Sales licence.`
            : `${who} is Non-interactive, so it needs no Sales licence.`,
        ),
  );
  checks.push(
    user.roles.includes(ROLE.systemAdministrator)
      ? fail(
          'A2',
          'a2.not-system-administrator',
          `The integration user ${who} has the ${ROLE.systemAdministrator} role. The integration user must not be a System Administrator: it would bypass the security roles the integration is given, and its own edits never synchronise.`,
          `Remove the ${ROLE.systemAdministrator} role from ${who} in Sales (POST /sales/admin/users/roles with action remove), or choose another user.`,
        )
      : pass('A2', 'a2.not-system-administrator', `${who} does not have ${ROLE.systemAdministrator}.`),
  );
  checks.push(
    user.roles.length === 0 && !user.rolesHidden
      ? fail(
          'A2',
          'a2.has-role',
          `The integration user ${who} has no Sales security role.`,
          `Give ${who} at least one role in Sales (for example ${ROLE.salesperson}); setup then adds ${ROLE.integrationAdministrator} and ${ROLE.integrationUser}.`,
        )
      : pass(
          'A2',
          'a2.has-role',
          user.rolesHidden
            ? `${who} has Sales roles (it reads its own user), though it cannot read which.`
            : `${who} has the roles ${listAnd(user.roles)}.`,
        ),
  );
  return checks;
}

/**
 * Rule A7: an application user is a client-credentials identity with no licence, Non-interactive,
 * and (like any integration identity) never System Administrator.
 */
/** How to name a user in a message: an application user's "# " prefix (Dataverse's convention) dropped. */
export function displayName(user: Pick<SalesUserFacts, 'fullname' | 'domainname'>): string {
  return user.fullname ? user.fullname.replace(/^#\s*/, '') : user.domainname;
}

export function evaluateApplicationUser(user: SalesUserFacts | undefined, clientId: string): CheckResult[] {
  if (!user) {
    return [
      fail(
        'A7',
        'a7.exists',
        `Sales has no application user for the application ${clientId}.`,
        'Run the integration-user step of the assisted setup again with "application user": it creates one with the administrator\'s rights.',
      ),
    ];
  }
  const who = `application user ${displayName(user)}`;
  const checks: CheckResult[] = [
    pass('A7', 'a7.exists', `${displayName(user)} is the application user of ${clientId}.`),
  ];
  checks.push(
    user.accessmode !== NON_INTERACTIVE
      ? fail(
          'A7',
          'a7.non-interactive',
          `The ${who} has the access mode ${ACCESS_MODE_LABEL[user.accessmode] ?? user.accessmode}; application users are Non-interactive.`,
          `Set the access mode of ${who} to Non-interactive in Sales (PATCH /sales/admin/users/{id} with accessmode 4).`,
        )
      : pass('A7', 'a7.non-interactive', `The ${who} is Non-interactive.`),
  );
  checks.push(
    user.islicensed
      ? warn(
          'A7',
          'a7.no-licence',
          `The ${who} holds a Sales licence it does not need.`,
          `Remove the licence from ${who} to free the seat; application users need none.`,
        )
      : pass('A7', 'a7.no-licence', `The ${who} uses no licence.`),
  );
  checks.push(
    user.isdisabled
      ? fail(
          'A7',
          'a7.enabled',
          `The ${who} is disabled in Sales${because(user)}.`,
          `Enable ${who} in Sales, or run the integration-user step of setup again to create a new one.`,
        )
      : pass('A7', 'a7.enabled', `The ${who} is enabled.`),
  );
  checks.push(
    user.roles.includes(ROLE.systemAdministrator)
      ? fail(
          'A7',
          'a7.not-system-administrator',
          `The ${who} has the ${ROLE.systemAdministrator} role; an integration identity must not.`,
          `Remove ${ROLE.systemAdministrator} from ${who} in Sales.`,
        )
      : pass('A7', 'a7.not-system-administrator', `The ${who} does not have ${ROLE.systemAdministrator}.`),
  );
  return checks;
}

/** After the solution is deployed the integration identity must hold both integration roles. */
export function evaluateIntegrationRoles(user: SalesUserFacts, rule: 'A2' | 'A7'): CheckResult {
  const who = rule === 'A7' ? displayName(user) : user.domainname;
  const fix = `Redeploy the integration solution (POST /bridge/connection/redeploy with an administrator's credentials); it assigns both roles to ${who}.`;
  // Integration Administrator is what lets the identity read roles: hidden roles mean it is gone,
  // and whether Integration User is still there cannot be seen.
  if (user.rolesHidden)
    return fail(
      rule,
      `${rule.toLowerCase()}.integration-roles`,
      `The integration user ${who} lacks the role ${ROLE.integrationAdministrator} that the integration solution gives it: without it, ${who} cannot read its own security roles.`,
      fix,
    );
  const missing = [ROLE.integrationAdministrator, ROLE.integrationUser].filter(
    (r) => !user.roles.includes(r),
  );
  return missing.length > 0
    ? fail(
        rule,
        `${rule.toLowerCase()}.integration-roles`,
        `The integration user ${who} lacks the role${missing.length > 1 ? 's' : ''} ${listAnd(missing)} that the integration solution gives it.`,
        fix,
      )
    : pass(
        rule,
        `${rule.toLowerCase()}.integration-roles`,
        `${who} has ${ROLE.integrationAdministrator} and ${ROLE.integrationUser}.`,
      );
}

/**
 * Rule A4 for a named integration user: Non-interactive (API only). When setup made it
 * Non-interactive, going back to an interactive mode is a failure; when the administrator declined,
 * a warning that stays until it is.
 */
export function evaluateAccessMode(user: SalesUserFacts, expectedAccessMode: number | null): CheckResult {
  const who = user.domainname;
  if (user.accessmode === NON_INTERACTIVE)
    return pass(
      'A4',
      'a4.non-interactive',
      `${who} is Non-interactive: it can get API tokens but cannot sign in to the console.`,
    );
  const mode = ACCESS_MODE_LABEL[user.accessmode] ?? String(user.accessmode);
  const fix = `Set the access mode of ${who} to Non-interactive in Sales (PATCH /sales/admin/users/{id} with accessmode 4).`;
  return expectedAccessMode === NON_INTERACTIVE
    ? fail(
        'A4',
        'a4.non-interactive',
        `The integration user ${who} was switched back to the access mode ${mode}: people can sign in with it again, and whatever they change as ${who} never synchronises.`,
        fix,
      )
    : warn(
        'A4',
        'a4.non-interactive',
        `The integration user ${who} has the access mode ${mode}, so a person could sign in with it; their edits would never synchronise.`,
        fix,
      );
}
