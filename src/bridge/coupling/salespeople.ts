/**
 * Couple salespeople (rules A5 / A6): eligible Sales users (enabled, licensed, people — not the
 * integration identity, not application users) beside the ERP's salespeople; couple one-to-one,
 * uncouple, auto-match by e-mail, and create a salesperson from a user. Couplings go to the general
 * coupling table under the SALESPEOPLE mapping. Reads and ERP writes act as the integration identity.
 */
import { AppError } from '../../platform/http/app-error.js';
import { recordBridgeAudit } from '../audit.js';
import type { SystemUser } from '../clients/index.js';
import { assertNotSuspended } from '../connection.js';
import type { BridgeActor, BridgeContext } from '../context.js';
import { integrationClients, type ConnectionRow, type RemoteClients } from '../remote.js';
import { describeRemoteError } from '../setup/remote-errors.js';
import { conflictingCouplings, couplingsOf, deleteCoupling, insertCoupling } from './couplings.js';
import { deriveSalespersonCode } from './salesperson-code.js';

export const SALESPEOPLE_MAPPING = 'SALESPEOPLE';

export interface EligibleUser {
  systemuserid: string;
  fullname: string;
  email: string | null;
  domainname: string;
  mobilephone: string | null;
  versionnumber: number;
  salesperson: { id: string; code: string } | null;
}

export interface Salesperson {
  id: string;
  code: string;
  displayName: string;
  email: string | null;
  blocked: boolean;
  coupledTo: { systemuserid: string; fullname: string } | null;
}

interface Snapshot {
  clients: RemoteClients;
  companyId: string;
  users: EligibleUser[];
  salespeople: Salesperson[];
}

function requireConfigured(row: ConnectionRow): string {
  if (!row.identityKind || !row.erpCompanyId) {
    throw new AppError(
      'Conflict',
      'Coupling salespeople needs the connection set up as far as the ERP permission set (the integration identity reads both apps). Run the assisted setup first.',
    );
  }
  return row.erpCompanyId;
}

/** Enabled, licensed people in Sales, except the integration identity and application users. */
function isEligible(user: SystemUser, row: ConnectionRow): boolean {
  return (
    user.systemuserid !== row.salesUserId &&
    user.isdisabled !== true &&
    user.islicensed === true &&
    user.isintegrationuser !== true &&
    !user.applicationid &&
    Number(user.accessmode) !== 4
  );
}

async function snapshot(ctx: BridgeContext, row: ConnectionRow): Promise<Snapshot> {
  const companyId = requireConfigured(row);
  const clients = integrationClients(ctx, row);
  let sales: SystemUser[];
  let erp: Array<Record<string, unknown>>;
  try {
    [sales, erp] = await Promise.all([
      clients.sales.listSystemUsers({
        filter: 'isdisabled eq false and islicensed eq true',
        select: [
          'fullname',
          'internalemailaddress',
          'domainname',
          'mobilephone',
          'versionnumber',
          'isdisabled',
          'islicensed',
          'isintegrationuser',
          'applicationid',
          'accessmode',
        ],
      }),
      clients.erp.list(companyId, 'salespeoplePurchasers', {
        select: ['id', 'code', 'displayName', 'email', 'blocked'],
      }),
    ]);
  } catch (error) {
    throw new AppError(
      'ServiceUnavailable',
      `The integration identity ${row.identityName} could not read the users and salespeople: ${describeRemoteError(error)}`,
    );
  }
  const coupled = await couplingsOf(ctx.db, SALESPEOPLE_MAPPING);
  const bySales = new Map(coupled.map((c) => [c.salesId, c.erpId]));
  const byErp = new Map(coupled.map((c) => [c.erpId, c.salesId]));
  const people = erp.map((s) => ({
    id: String(s.id),
    code: String(s.code),
    displayName: String(s.displayName ?? ''),
    email: typeof s.email === 'string' && s.email ? s.email : null,
    blocked: s.blocked === true,
  }));
  const peopleById = new Map(people.map((p) => [p.id, p]));
  const users: EligibleUser[] = sales
    .filter((u) => isEligible(u, row))
    .map((u) => {
      const erpId = bySales.get(u.systemuserid);
      const salesperson = erpId ? peopleById.get(erpId) : undefined;
      return {
        systemuserid: u.systemuserid,
        fullname: String(u.fullname ?? u.domainname),
        email: typeof u.internalemailaddress === 'string' ? u.internalemailaddress : null,
        domainname: String(u.domainname),
        mobilephone: typeof u.mobilephone === 'string' ? u.mobilephone : null,
        versionnumber: Number(u.versionnumber ?? 0),
        salesperson: salesperson ? { id: salesperson.id, code: salesperson.code } : null,
      };
    })
    .sort((a, b) => a.fullname.localeCompare(b.fullname));
  const allUsers = new Map(sales.map((u) => [u.systemuserid, String(u.fullname ?? u.domainname)]));
  const salespeople: Salesperson[] = people
    .map((p) => {
      const salesId = byErp.get(p.id);
      return {
        ...p,
        coupledTo: salesId ? { systemuserid: salesId, fullname: allUsers.get(salesId) ?? salesId } : null,
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
  return { clients, companyId, users, salespeople };
}

/** Users beside salespeople, with what is coupled to what. */
export async function listSalespeopleCoupling(ctx: BridgeContext, row: ConnectionRow) {
  const { users, salespeople } = await snapshot(ctx, row);
  const coupled = users.filter((u) => u.salesperson).length;
  return {
    users,
    salespeople,
    summary: { eligibleUsers: users.length, coupledUsers: coupled, uncoupledUsers: users.length - coupled },
  };
}

function findSalesperson(
  snap: Snapshot,
  ref: { salespersonId?: string; salespersonCode?: string },
): Salesperson {
  const found = ref.salespersonId
    ? snap.salespeople.find((s) => s.id === ref.salespersonId)
    : snap.salespeople.find((s) => s.code === ref.salespersonCode?.toUpperCase());
  if (!found) {
    throw new AppError(
      'NotFound',
      `The ERP has no salesperson ${ref.salespersonCode ? `with the code ${ref.salespersonCode.toUpperCase()}` : ref.salespersonId}. Create it in the ERP, or create one from the user (create salesperson).`,
    );
  }
  return found;
}

async function eligibleUser(
  ctx: BridgeContext,
  snap: Snapshot,
  row: ConnectionRow,
  id: string,
): Promise<EligibleUser> {
  const user = snap.users.find((u) => u.systemuserid === id);
  if (user) return user;
  let reason = 'no Sales user has that id';
  try {
    const found = await snap.clients.sales.getSystemUser(id, [
      'fullname',
      'domainname',
      'isdisabled',
      'islicensed',
      'applicationid',
      'accessmode',
    ]);
    const name = String(found.fullname ?? found.domainname);
    reason =
      id === row.salesUserId
        ? `${name} is the integration identity, whose changes never synchronise, so it cannot be a salesperson`
        : found.isdisabled === true
          ? found.islicensed !== true
            ? `${name} is disabled in Sales and has no Sales licence (assign DYN365_ENTERPRISE_PLAN1 in the directory)`
            : `${name} is disabled in Sales (allow its sign-in in the directory)`
          : found.islicensed !== true
            ? `${name} has no Sales licence (assign DYN365_ENTERPRISE_PLAN1 in the directory)`
            : `${name} is not a person who sells (an application or Non-interactive user)`;
  } catch {
    /* keep the generic reason */
  }
  throw new AppError(
    'Conflict',
    `Only enabled, licensed Sales users can be coupled to salespeople: ${reason}.`,
  );
}

/** Couples a Sales user to a salesperson, one-to-one; refusals name the other side. */
export async function coupleSalesperson(
  ctx: BridgeContext,
  actor: BridgeActor,
  row: ConnectionRow,
  input: { systemUserId: string; salespersonId?: string; salespersonCode?: string },
) {
  const snap = await snapshot(ctx, row);
  const user = await eligibleUser(ctx, snap, row, input.systemUserId);
  const salesperson = findSalesperson(snap, input);
  return couple(ctx, actor, snap, user, salesperson);
}

async function couple(
  ctx: BridgeContext,
  actor: BridgeActor,
  snap: Snapshot,
  user: EligibleUser,
  salesperson: Salesperson,
): Promise<{ systemUserId: string; salespersonCode: string; changed: boolean }> {
  if (user.salesperson?.id === salesperson.id) {
    return { systemUserId: user.systemuserid, salespersonCode: salesperson.code, changed: false };
  }
  if (user.salesperson) {
    throw new AppError(
      'Conflict',
      `${user.fullname} is already coupled to salesperson ${user.salesperson.code}. Uncouple ${user.fullname} first to couple it to ${salesperson.code}.`,
    );
  }
  if (salesperson.coupledTo) {
    throw new AppError(
      'Conflict',
      `Salesperson ${salesperson.code} (${salesperson.displayName}) is already coupled to ${salesperson.coupledTo.fullname}. Uncouple ${salesperson.coupledTo.fullname} first, or choose another salesperson for ${user.fullname}.`,
    );
  }
  const inserted = await ctx.db.transaction(async (tx) => {
    const row = await insertCoupling(tx, {
      mapping: SALESPEOPLE_MAPPING,
      erpId: salesperson.id,
      salesId: user.systemuserid,
      salesVersion: user.versionnumber,
      createdBy: actor.id,
    });
    if (row) {
      await recordBridgeAudit(tx, actor, 'coupling.couple', {
        mapping: SALESPEOPLE_MAPPING,
        systemUserId: user.systemuserid,
        user: user.fullname,
        salesperson: salesperson.code,
      });
    }
    return row;
  });
  if (!inserted) {
    // Someone coupled one of the two in the meantime: say who.
    const [other] = await conflictingCouplings(
      ctx.db,
      SALESPEOPLE_MAPPING,
      salesperson.id,
      user.systemuserid,
    );
    throw new AppError(
      'Conflict',
      other?.salesId === user.systemuserid
        ? `${user.fullname} was just coupled to another salesperson. Reload and uncouple it first.`
        : `Salesperson ${salesperson.code} was just coupled to another user. Reload and choose another salesperson.`,
    );
  }
  user.salesperson = { id: salesperson.id, code: salesperson.code };
  salesperson.coupledTo = { systemuserid: user.systemuserid, fullname: user.fullname };
  return { systemUserId: user.systemuserid, salespersonCode: salesperson.code, changed: true };
}

/** Removes a user's salesperson coupling; uncoupling an uncoupled user is a 404 that says so. */
export async function uncoupleSalesperson(ctx: BridgeContext, actor: BridgeActor, systemUserId: string) {
  return ctx.db.transaction(async (tx) => {
    const [removed] = await deleteCoupling(tx, SALESPEOPLE_MAPPING, { salesId: systemUserId });
    if (!removed) {
      throw new AppError('NotFound', `The Sales user ${systemUserId} is not coupled to a salesperson.`);
    }
    await recordBridgeAudit(tx, actor, 'coupling.uncouple', {
      mapping: SALESPEOPLE_MAPPING,
      systemUserId,
      salespersonId: removed.erpId,
    });
    return { systemUserId, salespersonId: removed.erpId };
  });
}

async function createFor(
  ctx: BridgeContext,
  actor: BridgeActor,
  snap: Snapshot,
  user: EligibleUser,
): Promise<{ systemUserId: string; salespersonCode: string }> {
  const taken = new Set(snap.salespeople.map((s) => s.code));
  const code = deriveSalespersonCode({ fullname: user.fullname, email: user.email }, taken);
  let created: Record<string, unknown>;
  try {
    created = await snap.clients.erp.create(snap.companyId, 'salespeoplePurchasers', {
      code,
      displayName: user.fullname.slice(0, 50),
      ...(user.email && user.email.length <= 80 ? { email: user.email } : {}),
      ...(user.mobilephone && user.mobilephone.length <= 30 ? { phoneNo: user.mobilephone } : {}),
    });
  } catch (error) {
    throw new AppError(
      'ServiceUnavailable',
      `The ERP did not create salesperson ${code} for ${user.fullname}: ${describeRemoteError(error)}`,
    );
  }
  const salesperson: Salesperson = {
    id: String(created.id),
    code,
    displayName: user.fullname,
    email: user.email,
    blocked: false,
    coupledTo: null,
  };
  snap.salespeople.push(salesperson);
  await recordBridgeAudit(ctx.db, actor, 'coupling.create-salesperson', {
    systemUserId: user.systemuserid,
    user: user.fullname,
    salesperson: code,
  });
  await couple(ctx, actor, snap, user, salesperson);
  return { systemUserId: user.systemuserid, salespersonCode: code };
}

/** Creates a salesperson (code derived, unique) for each user and couples them. */
export async function createSalespeopleFromUsers(
  ctx: BridgeContext,
  actor: BridgeActor,
  row: ConnectionRow,
  systemUserIds: string[],
) {
  assertNotSuspended(row);
  const snap = await snapshot(ctx, row);
  const users: EligibleUser[] = [];
  for (const id of systemUserIds) {
    const user = await eligibleUser(ctx, snap, row, id);
    if (user.salesperson) {
      throw new AppError(
        'Conflict',
        `${user.fullname} is already coupled to salesperson ${user.salesperson.code}; nothing was created.`,
      );
    }
    users.push(user);
  }
  const created = [];
  for (const user of users) created.push(await createFor(ctx, actor, snap, user));
  return { created };
}

export interface AutoCoupleResult {
  coupled: Array<{ systemUserId: string; fullname: string; salespersonCode: string }>;
  created: Array<{ systemUserId: string; salespersonCode: string }>;
  /** Users left uncoupled, each with why. */
  unmatched: Array<{ systemUserId: string; fullname: string; reason: string }>;
  summary: { eligibleUsers: number; coupledUsers: number; uncoupledUsers: number };
}

/**
 * Couples every uncoupled user to the one uncoupled salesperson with the same e-mail (case-insensitive;
 * none or several is no match), then, with `createMissing`, creates salespeople for the rest.
 */
export async function autoCoupleSalespeople(
  ctx: BridgeContext,
  actor: BridgeActor,
  row: ConnectionRow,
  options: { createMissing?: boolean } = {},
): Promise<AutoCoupleResult> {
  if (options.createMissing) assertNotSuspended(row);
  const snap = await snapshot(ctx, row);
  const result: AutoCoupleResult = {
    coupled: [],
    created: [],
    unmatched: [],
    summary: { eligibleUsers: 0, coupledUsers: 0, uncoupledUsers: 0 },
  };
  for (const user of snap.users) {
    if (user.salesperson) continue;
    const email = user.email?.toLowerCase();
    const matches = email
      ? snap.salespeople.filter((s) => !s.coupledTo && s.email?.toLowerCase() === email)
      : [];
    if (matches.length === 1) {
      await couple(ctx, actor, snap, user, matches[0]!);
      result.coupled.push({
        systemUserId: user.systemuserid,
        fullname: user.fullname,
        salespersonCode: matches[0]!.code,
      });
      continue;
    }
    const reason = !email
      ? 'the user has no e-mail address'
      : matches.length > 1
        ? `${matches.length} uncoupled salespeople have the e-mail ${user.email} (${matches.map((m) => m.code).join(', ')})`
        : `no uncoupled salesperson has the e-mail ${user.email}`;
    if (options.createMissing && matches.length === 0) {
      result.created.push(await createFor(ctx, actor, snap, user));
    } else {
      result.unmatched.push({ systemUserId: user.systemuserid, fullname: user.fullname, reason });
    }
  }
  const coupled = snap.users.filter((u) => u.salesperson).length;
  result.summary = {
    eligibleUsers: snap.users.length,
    coupledUsers: coupled,
    uncoupledUsers: snap.users.length - coupled,
  };
  return result;
}
