import { eq } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import { recordSalesAudit } from './audit.js';
import type { SalesContext } from './context.js';
import { rootBusinessUnitId } from './roles.js';
import { ACCESS_MODE, businessunits, systemusers } from './schema.js';
import type { SalesCaller } from './security/caller.js';
import { assertPrivilege } from './security/privileges.js';
import { getSystemUser, type SystemUserView } from './users.js';
import { lockSalesWrites } from './write-lock.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Creates an application user (rule A7: a client-credentials identity, Non-interactive, needing no
 * licence), found by its application (client) id when the application calls with a token.
 * Needs prvCreateUser (System Administrator). As in Dataverse its first name is "#".
 */
export async function createApplicationUser(
  ctx: SalesContext,
  caller: SalesCaller,
  input: { applicationId: string; name: string; directoryObjectId?: string; businessUnitId?: string },
): Promise<SystemUserView> {
  await assertPrivilege(ctx, caller, 'prvCreateUser');
  if (!GUID.test(input.applicationId)) {
    throw new AppError(
      'ValidationFailed',
      `The application id "${input.applicationId}" is not a GUID; use the application's client id.`,
    );
  }
  if (input.directoryObjectId !== undefined && !GUID.test(input.directoryObjectId)) {
    throw new AppError(
      'ValidationFailed',
      `The directory object id "${input.directoryObjectId}" is not a GUID.`,
    );
  }
  const name = input.name.trim();
  if (!name || name.length > 64) {
    throw new AppError('ValidationFailed', 'An application user needs a name of 1 to 64 characters.');
  }
  const id = await ctx.db.transaction(async (tx) => {
    await lockSalesWrites(tx);
    const applicationId = input.applicationId.toLowerCase();
    const [existing] = await tx
      .select()
      .from(systemusers)
      .where(eq(systemusers.applicationid, applicationId));
    if (existing) {
      throw new AppError(
        'AlreadyExists',
        `The application ${applicationId} already has the application user "${existing.fullname}" in Sales.`,
      );
    }
    const businessUnitId = input.businessUnitId ?? (await rootBusinessUnitId(tx));
    const [bu] = await tx
      .select()
      .from(businessunits)
      .where(eq(businessunits.businessunitid, businessUnitId));
    if (!bu) throw new AppError('NotFound', `No business unit has the id ${businessUnitId}.`);
    const [row] = await tx
      .insert(systemusers)
      .values({
        domainname: `${applicationId}@application`,
        fullname: `# ${name}`,
        firstname: '#',
        lastname: name,
        accessmode: ACCESS_MODE.NonInteractive,
        islicensed: false,
        applicationid: applicationId,
        azureactivedirectoryobjectid: input.directoryObjectId?.toLowerCase() ?? null,
        businessunitid: businessUnitId,
        createdby: caller.systemUserId,
        modifiedby: caller.systemUserId,
      })
      .returning({ id: systemusers.systemuserid });
    await recordSalesAudit(tx, caller, {
      action: 'systemuser.create-application-user',
      targetType: 'systemuser',
      targetId: row!.id,
      details: { name, applicationId },
    });
    return row!.id;
  });
  return getSystemUser(ctx, id);
}
