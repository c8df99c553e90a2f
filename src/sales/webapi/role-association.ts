import { eq, sql } from 'drizzle-orm';
import { associateRole, disassociateRole } from '../roles.js';
import { systemuserroles } from '../schema.js';
import { invalidArgument } from './dataverse-error.js';
import { roleEntity, systemUserEntity } from './entities.js';
import type { ExecutionScope, WebApiRequest, WebApiResponse } from './execution.js';
import { assertAccess, findRecordHead, notFound } from './record-access.js';
import { resolveKey, type ResolvedKey } from './record-key.js';
import { listRecords, queryOptions } from './record-read.js';
import { parseResourcePath } from './resource-path.js';

/**
 * The N:N navigation `systemuserroles_association`: giving a user a role is associating the role
 * with the user (`POST …/$ref`), taking it away is disassociating (`DELETE …(<roleid>)/$ref` or
 * `…/$ref?$id=<role url>`). The rules — only System Administrator, enabled users only, roles of the
 * user's business unit — are the Sales core's (roles.ts); this file only speaks the Web API.
 */

export const ROLE_ASSOCIATION = 'systemuserroles_association';

/** The role id a `roles(<id>)` URL (absolute, root-relative or relative) names. */
async function roleIdFromUrl(scope: ExecutionScope, url: unknown, what: string): Promise<string> {
  if (typeof url !== 'string' || url === '')
    throw invalidArgument(
      `${what} must be the URL of a role, e.g. "${scope.serviceRoot}/roles(00000000-0000-0000-0000-000000000001)".`,
    );
  let path = url;
  if (path.startsWith(scope.serviceRoot + '/')) path = path.slice(scope.serviceRoot.length + 1);
  else if (/^[a-z]+:\/\//i.test(path)) {
    const at = path.indexOf('/api/data/v9.2/');
    if (at < 0) throw invalidArgument(`${what} '${url}' is not a URL of this service.`);
    path = path.slice(at + '/api/data/v9.2/'.length);
  } else path = path.replace(/^\/+/, '').replace(/^api\/data\/v9\.2\//, '');
  const segments = parseResourcePath(path);
  if (segments.length !== 1 || segments[0]!.name !== 'roles' || !segments[0]!.key)
    throw invalidArgument(
      `${what} must name one role, e.g. ".../roles(00000000-0000-0000-0000-000000000001)"; '${url}' does not.`,
    );
  const key = resolveKey(roleEntity, segments[0]!.key);
  const head = await findRecordHead(scope, roleEntity, key);
  if (!head) throw notFound(roleEntity, key);
  return head.id;
}

async function userId(scope: ExecutionScope, key: ResolvedKey): Promise<string> {
  const head = await findRecordHead(scope, systemUserEntity, key);
  if (!head) throw notFound(systemUserEntity, key);
  return head.id;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidArgument('The request body is not valid JSON; send {"@odata.id": "<role URL>"}.');
  }
}

/** POST systemusers(id)/systemuserroles_association/$ref with {"@odata.id": "<role url>"}. */
export async function associate(
  scope: ExecutionScope,
  userKey: ResolvedKey,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const body = parseBody(request.body) as Record<string, unknown> | null;
  const user = await userId(scope, userKey);
  const role = await roleIdFromUrl(scope, body?.['@odata.id'], '@odata.id');
  await associateRole(scope.ctx, scope.caller, user, role);
  return { status: 204, headers: { 'odata-version': '4.0' } };
}

/** DELETE systemusers(id)/systemuserroles_association(<roleid>)/$ref, or …/$ref?$id=<role url>. */
export async function disassociate(
  scope: ExecutionScope,
  userKey: ResolvedKey,
  roleKey: ResolvedKey | undefined,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const user = await userId(scope, userKey);
  let role: string;
  if (roleKey) {
    const head = await findRecordHead(scope, roleEntity, roleKey);
    if (!head) throw notFound(roleEntity, roleKey);
    role = head.id;
  } else {
    const id = request.query.get('$id');
    if (!id)
      throw invalidArgument(
        `Name the role to remove: DELETE …/${ROLE_ASSOCIATION}(<roleid>)/$ref or …/${ROLE_ASSOCIATION}/$ref?$id=<role URL>.`,
      );
    role = await roleIdFromUrl(scope, id, '$id');
  }
  await disassociateRole(scope.ctx, scope.caller, user, role);
  return { status: 204, headers: { 'odata-version': '4.0' } };
}

/** GET systemusers(id)/systemuserroles_association: the user's roles (the caller must be able to read the user). */
export async function listUserRoles(
  scope: ExecutionScope,
  userKey: ResolvedKey,
  request: WebApiRequest,
): Promise<WebApiResponse> {
  const head = await findRecordHead(scope, systemUserEntity, userKey);
  if (!head) throw notFound(systemUserEntity, userKey);
  await assertAccess(scope, systemUserEntity, 'Read', head);
  const options = queryOptions(roleEntity, request.query);
  const path = `systemusers(${head.id})/${ROLE_ASSOCIATION}`;
  return listRecords(scope, roleEntity, request, options, {
    where: sql`${roleEntity.keyColumn} in (select ${systemuserroles.roleid} from ${systemuserroles} where ${eq(systemuserroles.systemuserid, head.id)})`,
    path,
    context: `${scope.serviceRoot}/$metadata#roles`,
  });
}
