/**
 * `tandem doctor`: every account rule A1–A7 checked on the live system, with a message naming the
 * user, role or licence and the fix. Reads as the integration identity; changes nothing.
 */
import { connectionReasons, connectionState, loadConnection } from '../connection.js';
import { SYSTEM, type BridgeContext } from '../context.js';
import { listSalespeopleCoupling } from '../coupling/salespeople.js';
import { integrationClients } from '../remote.js';
import type { CheckResult } from '../schema.js';
import { runAccountChecks } from './account-checks.js';
import { recordChecks } from './connection-actions.js';
import { evaluateSetupAdministrator, ROLE } from './account-rules.js';
import { describeRemoteError } from './remote-errors.js';
import { salesUserFacts } from './sales-user-facts.js';

const MAX_NAMED = 5;

function names(items: string[]): string {
  return items.length > MAX_NAMED
    ? `${items.slice(0, MAX_NAMED).join(', ')} and ${items.length - MAX_NAMED} more`
    : items.join(', ');
}

export interface DoctorReport {
  ok: boolean;
  state: string;
  checks: CheckResult[];
}

export async function runDoctor(ctx: BridgeContext): Promise<DoctorReport> {
  let row = await loadConnection(ctx.db);
  // The account checks run first and are recorded (as "test connection" does), so the state the
  // report shows is the one they produce — never "enabled and writing" beside a failing check.
  const accountChecks = row.identityKind && row.salesUrl ? await runAccountChecks(ctx, row) : [];
  if (accountChecks.length > 0 && row.enabled) row = await recordChecks(ctx, SYSTEM, accountChecks);
  const state = connectionState(row);
  const checks: CheckResult[] = [];
  checks.push(
    state === 'enabled'
      ? {
          rule: 'connection',
          id: 'connection.enabled',
          status: 'pass',
          message: 'The connection is enabled and writing.',
        }
      : {
          rule: 'connection',
          id: 'connection.enabled',
          status: 'fail',
          message: `The connection is ${state.replace('-', ' ')}. ${connectionReasons(row).join(' ')}`.trim(),
          fix:
            state === 'not-configured' || state === 'setting-up'
              ? 'Run the assisted setup to the end (POST /bridge/setup/start).'
              : 'Fix what the reasons say, then enable the connection (POST /bridge/connection/enable).',
        },
  );
  if (!row.identityKind || !row.salesUrl) return { ok: false, state, checks };

  const clients = integrationClients(ctx, row);
  // A1: the administrator who set the connection up still qualifies (needed again to redeploy).
  if (row.setupAdminSalesUserId) {
    try {
      const admin = await salesUserFacts(clients.sales, row.setupAdminSalesUserId);
      for (const check of evaluateSetupAdministrator(admin)) {
        checks.push(
          check.status === 'fail'
            ? {
                ...check,
                status: 'warn',
                message: `${check.message} The connection runs without it, but redeploying the integration solution needs such an administrator.`,
              }
            : check,
        );
      }
    } catch (error) {
      checks.push({
        rule: 'A1',
        id: 'a1.roles',
        status: 'warn',
        message: `The setup administrator ${row.setupAdminUpn} could not be checked: ${describeRemoteError(error)}`,
        fix: 'Redeploying the solution will check the administrator again.',
      });
    }
  }

  checks.push(...accountChecks);
  if (accountChecks.some((c) => c.id.endsWith('.token') && c.status === 'fail')) {
    return { ok: false, state, checks };
  }

  // A5: people who sell have the Salesperson role and are coupled to salespeople.
  try {
    const coupling = await listSalespeopleCoupling(ctx, row);
    const withoutRole: string[] = [];
    for (const user of coupling.users.slice(0, 500)) {
      const roles = await clients.sales.listUserRoles(user.systemuserid);
      if (!roles.some((r) => r.name === ROLE.salesperson || r.name === ROLE.salesManager))
        withoutRole.push(user.fullname);
    }
    checks.push(
      withoutRole.length === 0
        ? {
            rule: 'A5',
            id: 'a5.salesperson-role',
            status: 'pass',
            message: `All ${coupling.users.length} licensed Sales users have the ${ROLE.salesperson} or ${ROLE.salesManager} role.`,
          }
        : {
            rule: 'A5',
            id: 'a5.salesperson-role',
            status: 'warn',
            message: `${withoutRole.length} licensed Sales user${withoutRole.length === 1 ? ' has' : 's have'} neither the ${ROLE.salesperson} nor the ${ROLE.salesManager} role: ${names(withoutRole)}.`,
            fix: `Give them the ${ROLE.salesperson} role in bulk (POST /sales/admin/users/roles).`,
          },
    );
    const uncoupled = coupling.users.filter((u) => !u.salesperson).map((u) => u.fullname);
    checks.push(
      uncoupled.length === 0
        ? {
            rule: 'A5',
            id: 'a5.coupled',
            status: 'pass',
            message: `All ${coupling.users.length} eligible Sales users are coupled to salespeople.`,
          }
        : {
            rule: 'A5',
            id: 'a5.coupled',
            status: 'warn',
            message: `${uncoupled.length} eligible Sales user${uncoupled.length === 1 ? ' is' : 's are'} not coupled to a salesperson: ${names(uncoupled)}.`,
            fix: 'Couple them (POST /bridge/coupling/salespeople/auto with createMissing: true).',
          },
    );

    // A6: every salesperson that owns customers in the ERP is coupled to a Sales user.
    const customers = await clients.erp.list(row.erpCompanyId!, 'customers', { select: ['salespersonCode'] });
    const used = new Set(customers.map((c) => String(c.salespersonCode ?? '')).filter(Boolean));
    const coupledCodes = new Set(coupling.salespeople.filter((s) => s.coupledTo).map((s) => s.code));
    const missing = [...used].filter((code) => !coupledCodes.has(code)).sort();
    checks.push(
      missing.length === 0
        ? {
            rule: 'A6',
            id: 'a6.owners-coupled',
            status: 'pass',
            message: `Every salesperson that customers refer to (${used.size}) is coupled to a Sales user.`,
          }
        : {
            rule: 'A6',
            id: 'a6.owners-coupled',
            status: 'fail',
            message: `Customers refer to salesperson${missing.length === 1 ? '' : 's'} ${names(missing)}, not coupled to a Sales user: the accounts they own cannot be synchronised.`,
            fix: `Couple salesperson ${missing[0]} to a Sales user (POST /bridge/coupling/salespeople).`,
          },
    );
  } catch (error) {
    checks.push({
      rule: 'A5',
      id: 'a5.coupled',
      status: 'fail',
      message: `Salespeople could not be checked: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'Test the connection; the integration identity must read Sales users and ERP salespeople.',
    });
  }
  return { ok: !checks.some((c) => c.status === 'fail'), state, checks };
}
