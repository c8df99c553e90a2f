import { and, asc, eq, gt, ilike, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import { recordSalesAudit } from './audit.js';
import type { SalesContext } from './context.js';
import { ACCESS_MODE, roles, systemuserroles, systemusers, SYSTEM_USER_ID } from './schema.js';
import type { SalesCaller } from './security/caller.js';
import { assertPrivilege, invalidateSecurityCache } from './security/privileges.js';
import { lockSalesWrites } from './write-lock.js';

export type SystemUserRow = typeof systemusers.$inferSelect;

/** Dataverse allows only a few non-interactive users per environment ("up to seven"). */
export const MAX_NON_INTERACTIVE_USERS = 7;

export const ACCESS_MODE_LABEL: Record<number, string> = {
  0: 'Read-Write',
  1: 'Administrative',
  2: 'Read',
  3: 'Support User',
  4: 'Non-interactive',
  5: 'Delegated Admin',
};

export interface SystemUserView {
  systemuserid: string;
  domainname: string;
  fullname: string | null;
  firstname: string | null;
  lastname: string | null;
  internalemailaddress: string | null;
  title: string | null;
  accessmode: number;
  isdisabled: boolean;
  disabledreason: string | null;
  islicensed: boolean;
  isintegrationuser: boolean;
  applicationid: string | null;
  azureactivedirectoryobjectid: string | null;
  businessunitid: string;
  modifiedon: string;
  versionnumber: number;
  roles: Array<{ roleid: string; name: string }>;
}

function view(row: SystemUserRow, held: Array<{ roleid: string; name: string }>): SystemUserView {
  return {
    systemuserid: row.systemuserid,
    domainname: row.domainname,
    fullname: row.fullname,
    firstname: row.firstname,
    lastname: row.lastname,
    internalemailaddress: row.internalemailaddress,
    title: row.title,
    accessmode: row.accessmode,
    isdisabled: row.isdisabled,
    disabledreason: row.disabledreason,
    islicensed: row.islicensed,
    isintegrationuser: row.isintegrationuser,
    applicationid: row.applicationid,
    azureactivedirectoryobjectid: row.azureactivedirectoryobjectid,
    businessunitid: row.businessunitid,
    modifiedon: row.modifiedon.toISOString(),
    versionnumber: row.versionnumber,
    roles: held,
  };
}

async function withRoles(ctx: SalesContext, rows: SystemUserRow[]): Promise<SystemUserView[]> {
  if (rows.length === 0) return [];
  const held = await ctx.db
    .select({ systemuserid: systemuserroles.systemuserid, roleid: roles.roleid, name: roles.name })
    .from(systemuserroles)
    .innerJoin(roles, eq(roles.roleid, systemuserroles.roleid))
    .where(
      inArray(
        systemuserroles.systemuserid,
        rows.map((r) => r.systemuserid),
      ),
    )
    .orderBy(asc(roles.name));
  return rows.map((row) =>
    view(
      row,
      held.filter((h) => h.systemuserid === row.systemuserid).map(({ roleid, name }) => ({ roleid, name })),
    ),
  );
}

export interface ListUsersOptions {
  /** Matches the user name or the full name, case-insensitively, anywhere. */
  search?: string;
  isdisabled?: boolean;
  accessmode?: number;
  /** Page size (1–500). */
  top: number;
  /** The opaque token of the previous page's last user. */
  skiptoken?: string;
}

function decodeSkipToken(token: string): { domainname: string; id: string } {
  try {
    const [domainname, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [string, string];
    if (typeof domainname === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id))
      return { domainname, id };
  } catch {
    /* reported below */
  }
  throw new AppError(
    'BadRequest',
    'The skiptoken is not one this API returned; start again from the first page.',
  );
}

/**
 * Sales users (without the SYSTEM user) with their roles, by user name, keyset-paged: `nextSkipToken`
 * continues after the last user of the page.
 */
export async function listSystemUsers(
  ctx: SalesContext,
  options: ListUsersOptions,
): Promise<{ value: SystemUserView[]; count: number; nextSkipToken: string | null }> {
  const conditions: SQL[] = [ne(systemusers.systemuserid, SYSTEM_USER_ID)];
  if (options.search?.trim()) {
    const pattern = `%${options.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(systemusers.domainname, pattern), ilike(systemusers.fullname, pattern))!);
  }
  if (options.isdisabled !== undefined) conditions.push(eq(systemusers.isdisabled, options.isdisabled));
  if (options.accessmode !== undefined) conditions.push(eq(systemusers.accessmode, options.accessmode));
  // The total of the filtered list, whichever page this is.
  const [total] = await ctx.db
    .select({ count: sql<number>`count(*)::int` })
    .from(systemusers)
    .where(and(...conditions));
  if (options.skiptoken) {
    const after = decodeSkipToken(options.skiptoken);
    conditions.push(
      or(
        gt(systemusers.domainname, after.domainname),
        and(eq(systemusers.domainname, after.domainname), gt(systemusers.systemuserid, after.id)),
      )!,
    );
  }
  const rows = await ctx.db
    .select()
    .from(systemusers)
    .where(and(...conditions))
    .orderBy(asc(systemusers.domainname), asc(systemusers.systemuserid))
    .limit(options.top + 1);
  const page = rows.slice(0, options.top);
  const last = page[page.length - 1];
  return {
    value: await withRoles(ctx, page),
    count: Number(total?.count ?? 0),
    nextSkipToken:
      rows.length > options.top && last
        ? Buffer.from(JSON.stringify([last.domainname, last.systemuserid])).toString('base64url')
        : null,
  };
}

export async function getSystemUser(ctx: SalesContext, systemUserId: string): Promise<SystemUserView> {
  const [row] = await ctx.db.select().from(systemusers).where(eq(systemusers.systemuserid, systemUserId));
  if (!row || row.systemuserid === SYSTEM_USER_ID) {
    throw new AppError('NotFound', `No Sales user has the id ${systemUserId}.`);
  }
  return (await withRoles(ctx, [row]))[0]!;
}

/**
 * Changes a user's access mode (prvWriteUser: System Administrator). Application users are always
 * Non-interactive; at most MAX_NON_INTERACTIVE_USERS people may be Non-interactive; a user without a
 * Sales licence can only leave Non-interactive for Administrative (it would otherwise need a licence).
 */
export async function setAccessMode(
  ctx: SalesContext,
  caller: SalesCaller,
  systemUserId: string,
  accessmode: number,
): Promise<SystemUserView> {
  await assertPrivilege(ctx, caller, 'prvWriteUser');
  const label = ACCESS_MODE_LABEL[accessmode];
  if (label === undefined) {
    throw new AppError(
      'ValidationFailed',
      `${accessmode} is not an access mode: use 0 (Read-Write), 1 (Administrative), 2 (Read), 3 (Support User), 4 (Non-interactive) or 5 (Delegated Admin).`,
    );
  }
  await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const [row] = await tx.select().from(systemusers).where(eq(systemusers.systemuserid, systemUserId));
    if (!row || row.systemuserid === SYSTEM_USER_ID) {
      throw new AppError('NotFound', `No Sales user has the id ${systemUserId}.`);
    }
    if (row.accessmode === accessmode) return;
    if (row.applicationid) {
      throw new AppError(
        'BadRequest',
        `${row.fullname ?? row.domainname} is an application user, which is always Non-interactive; its access mode cannot change.`,
      );
    }
    if (accessmode === ACCESS_MODE.NonInteractive) {
      const [count] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(systemusers)
        .where(
          and(
            eq(systemusers.accessmode, ACCESS_MODE.NonInteractive),
            sql`${systemusers.applicationid} is null`,
          ),
        );
      if ((count?.n ?? 0) >= MAX_NON_INTERACTIVE_USERS) {
        throw new AppError(
          'Conflict',
          `Sales already has ${MAX_NON_INTERACTIVE_USERS} non-interactive users, the most allowed. Set one of them back to Read-Write, or use an application user (no limit) for ${row.domainname}'s purpose.`,
        );
      }
    }
    if (
      row.accessmode === ACCESS_MODE.NonInteractive &&
      !row.islicensed &&
      accessmode !== ACCESS_MODE.Administrative
    ) {
      throw new AppError(
        'BadRequest',
        `${row.domainname} has no Dynamics 365 Sales licence, which a ${label} user needs (only Non-interactive users may go without). Assign a Sales licence (e.g. DYN365_ENTERPRISE_PLAN1) in the directory first.`,
      );
    }
    await tx
      .update(systemusers)
      .set({
        accessmode,
        caltype: accessmode === ACCESS_MODE.Administrative ? 1 : 0,
        modifiedby: caller.systemUserId,
      })
      .where(eq(systemusers.systemuserid, systemUserId));
    await recordSalesAudit(tx, caller, {
      action: 'systemuser.accessmode',
      targetType: 'systemuser',
      targetId: systemUserId,
      details: { user: row.domainname, from: ACCESS_MODE_LABEL[row.accessmode], to: label },
    });
  });
  invalidateSecurityCache(ctx);
  return getSystemUser(ctx, systemUserId);
}
