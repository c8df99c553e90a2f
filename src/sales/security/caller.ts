import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/http/app-error.js';
import type { VerifiedToken } from '../../platform/http/token-verifier.js';
import type { SalesContext } from '../context.js';
import { provisionUsers } from '../provisioning.js';
import { systemusers } from '../schema.js';

/** Who is calling Sales: the systemuser behind a verified token. */
export interface SalesCaller {
  systemUserId: string;
  businessUnitId: string;
  fullName: string;
  /** The UPN (users) or the application's name (application users). */
  domainName: string;
  accessMode: number;
  isDisabled: boolean;
  isApplicationUser: boolean;
  /** The directory object id of the user or application. */
  directoryObjectId: string;
}

type SystemUserRow = typeof systemusers.$inferSelect;

export function callerFromRow(row: SystemUserRow): SalesCaller {
  return {
    systemUserId: row.systemuserid,
    businessUnitId: row.businessunitid,
    fullName: row.fullname ?? row.domainname,
    domainName: row.domainname,
    accessMode: row.accessmode,
    isDisabled: row.isdisabled,
    isApplicationUser: row.applicationid !== null,
    directoryObjectId: row.azureactivedirectoryobjectid ?? '',
  };
}

function prepareLookups(db: Database) {
  return {
    byObjectId: db
      .select()
      .from(systemusers)
      .where(eq(systemusers.azureactivedirectoryobjectid, sql.placeholder('id')))
      .prepare('sales_caller_by_object_id'),
    byApplicationId: db
      .select()
      .from(systemusers)
      .where(eq(systemusers.applicationid, sql.placeholder('id')))
      .prepare('sales_caller_by_application_id'),
  };
}

/**
 * The caller's row is read on every request (a disabled user is refused at once), with a statement
 * built once per database rather than by the query builder per request.
 */
const lookups = new WeakMap<Database, ReturnType<typeof prepareLookups>>();

async function findSystemUser(ctx: SalesContext, token: VerifiedToken): Promise<SystemUserRow | undefined> {
  let prepared = lookups.get(ctx.db);
  if (!prepared) {
    prepared = prepareLookups(ctx.db);
    lookups.set(ctx.db, prepared);
  }
  if (token.kind === 'application') {
    if (!token.appId) return undefined;
    const [row] = await prepared.byApplicationId.execute({ id: token.appId });
    return row;
  }
  const [row] = await prepared.byObjectId.execute({ id: token.objectId });
  return row;
}

function refusal(token: VerifiedToken, row: SystemUserRow | undefined): AppError {
  if (token.kind === 'application') {
    const name = token.name ? `"${token.name}"` : 'of this token';
    if (!row) {
      return new AppError(
        'Forbidden',
        `The application ${name} (client id ${token.appId ?? 'unknown'}) has no application user in Sales. A System Administrator can create one (POST /sales/admin/application-users) and give it a security role.`,
      );
    }
    return new AppError(
      'Forbidden',
      `The application user ${row.fullname ?? name} is disabled in Sales. A System Administrator can enable it again.`,
    );
  }
  const who = row?.domainname ?? token.userPrincipalName ?? token.objectId;
  if (!row) {
    return new AppError(
      'Forbidden',
      `The user ${who} is not enabled in Sales: assign a Dynamics 365 Sales licence (e.g. DYN365_ENTERPRISE_PLAN1) to ${who} in the directory (Active users → Licences).`,
    );
  }
  const reason = row.disabledreason ? ` (${row.disabledreason})` : '';
  return new AppError(
    'Forbidden',
    `The user ${who} is disabled in Sales${reason}. To enable it, make sure ${who} may sign in and holds a Dynamics 365 Sales licence (e.g. DYN365_ENTERPRISE_PLAN1) in the directory.`,
  );
}

/**
 * Maps a verified token to its systemuser: users by directory object id, applications by their
 * client id (`applicationid`). A missing or disabled user is refused with the fix; before refusing,
 * that user is provisioned from the directory's current state, so a user licensed a moment ago works
 * at once (Dataverse adds users on first access too).
 */
export async function resolveCaller(ctx: SalesContext, token: VerifiedToken): Promise<SalesCaller> {
  let row = await findSystemUser(ctx, token);
  if (!row || row.isdisabled) {
    if (token.kind === 'user') {
      await provisionUsers(ctx, [token.objectId]);
      row = await findSystemUser(ctx, token);
    }
    if (!row || row.isdisabled) throw refusal(token, row);
  }
  return callerFromRow(row);
}

/** The caller of a systemuser id (for tests, background work and the admin API's session users). */
export async function callerOfSystemUser(ctx: SalesContext, systemUserId: string): Promise<SalesCaller> {
  const [row] = await ctx.db.select().from(systemusers).where(eq(systemusers.systemuserid, systemUserId));
  if (!row) throw new AppError('NotFound', `No Sales user has the id ${systemUserId}.`);
  return callerFromRow(row);
}
