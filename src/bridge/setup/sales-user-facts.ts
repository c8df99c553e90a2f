import type { SalesClient, SystemUser } from '../clients/index.js';
import type { SalesUserFacts } from './account-rules.js';

const SELECT = [
  'systemuserid',
  'domainname',
  'fullname',
  'isdisabled',
  'islicensed',
  'accessmode',
  'applicationid',
];

/** A Sales user and its role names, as the client's identity may see them. */
export async function salesUserFacts(sales: SalesClient, systemUserId: string): Promise<SalesUserFacts> {
  const [user, roles] = await Promise.all([
    sales.getSystemUser(systemUserId, SELECT),
    sales.listUserRoles(systemUserId),
  ]);
  const facts = toFacts(
    user,
    roles.map((r) => r.name),
  );
  // Sales lists only the roles the caller may read, so "none" from an identity that may read no role
  // at all (Sales always has System Administrator) means "not known", not "no roles".
  if (roles.length === 0 && (await sales.listRoles()).length === 0) facts.rolesHidden = true;
  return facts;
}

export function toFacts(user: SystemUser, roles: string[]): SalesUserFacts {
  return {
    systemuserid: user.systemuserid,
    domainname: String(user.domainname ?? ''),
    fullname: typeof user.fullname === 'string' ? user.fullname : null,
    isdisabled: user.isdisabled === true,
    disabledreason: typeof user.disabledreason === 'string' ? user.disabledreason : null,
    islicensed: user.islicensed === true,
    accessmode: Number(user.accessmode ?? 0),
    applicationid: typeof user.applicationid === 'string' ? user.applicationid : null,
    roles: [...new Set(roles)].sort(),
  };
}

/** The Sales user with this UPN (domain name), if any. */
export async function findSalesUserByUpn(
  sales: SalesClient,
  upn: string,
): Promise<SalesUserFacts | undefined> {
  const found = await sales.listSystemUsers({
    filter: `domainname eq '${upn.replace(/'/g, "''")}'`,
    select: SELECT,
  });
  return found[0] ? salesUserFacts(sales, found[0].systemuserid) : undefined;
}

/** The application user of a client id, if any. */
export async function findApplicationUser(
  sales: SalesClient,
  clientId: string,
): Promise<SalesUserFacts | undefined> {
  const found = await sales.listSystemUsers({ filter: `applicationid eq ${clientId}`, select: SELECT });
  return found[0] ? salesUserFacts(sales, found[0].systemuserid) : undefined;
}
