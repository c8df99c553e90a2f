/**
 * Reading directory users: the API representation, one user by id or UPN, and the keyset-paged list.
 * The list never loads more than one page: it seeks past the last row of the previous page on
 * (sort key, id), so page 1,000 of 100,000 users costs what page 1 costs.
 */
import { and, asc, count, desc, eq, getTableColumns, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../platform/db/database.js';
import { AppError } from '../platform/http/app-error.js';
import { skus, userLicences, users, type DirectoryRole } from './schema.js';
import { findSku } from './seats.js';

export type UserRow = typeof users.$inferSelect;

export interface UserLicenceView {
  skuId: string;
  partNumber: string;
  name: string;
}

/** The user as every directory API shows it. Never the password hash. */
export interface UserView {
  id: string;
  userPrincipalName: string;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  department: string | null;
  officeNumber: string | null;
  officePhone: string | null;
  mobilePhone: string | null;
  fax: string | null;
  alternateEmail: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  usageLocation: string | null;
  signInAllowed: boolean;
  directoryRole: DirectoryRole;
  /** Why only Global administrators may change this account, or null. */
  protectedFor: string | null;
  mustChangePassword: boolean;
  licences: UserLicenceView[];
  createdAt: string;
  modifiedAt: string;
  rowVersion: number;
}

export function toUserView(row: UserRow, licences: UserLicenceView[]): UserView {
  return {
    id: row.id,
    userPrincipalName: row.userPrincipalName,
    displayName: row.displayName,
    firstName: row.firstName,
    lastName: row.lastName,
    jobTitle: row.jobTitle,
    department: row.department,
    officeNumber: row.officeNumber,
    officePhone: row.officePhone,
    mobilePhone: row.mobilePhone,
    fax: row.fax,
    alternateEmail: row.alternateEmail,
    address: row.address,
    city: row.city,
    state: row.state,
    postalCode: row.postalCode,
    country: row.country,
    usageLocation: row.usageLocation,
    signInAllowed: row.signInAllowed,
    directoryRole: row.directoryRole,
    protectedFor: row.protectedFor,
    mustChangePassword: row.mustChangePassword,
    licences,
    createdAt: row.createdAt.toISOString(),
    modifiedAt: row.modifiedAt.toISOString(),
    rowVersion: row.rowVersion,
  };
}

/** The licences each of the given users holds, in part-number order; one query for a whole page. */
export async function licencesOfUsers(
  q: Queryable,
  userIds: readonly string[],
): Promise<Map<string, UserLicenceView[]>> {
  const byUser = new Map<string, UserLicenceView[]>();
  if (userIds.length === 0) return byUser;
  const rows = await q
    .select({
      userId: userLicences.userId,
      skuId: skus.id,
      partNumber: skus.partNumber,
      name: skus.name,
    })
    .from(userLicences)
    .innerJoin(skus, eq(skus.id, userLicences.skuId))
    .where(inArray(userLicences.userId, [...userIds]))
    .orderBy(asc(skus.partNumber));
  for (const { userId, ...licence } of rows) {
    const list = byUser.get(userId) ?? [];
    list.push(licence);
    byUser.set(userId, list);
  }
  return byUser;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A user row by object id or by UPN (case-insensitive, as UPNs are stored lower-case). */
export async function findUserRow(q: Queryable, idOrUpn: string): Promise<UserRow | undefined> {
  const [row] = await q
    .select()
    .from(users)
    .where(
      isUuid(idOrUpn) ? eq(users.id, idOrUpn) : eq(users.userPrincipalName, idOrUpn.trim().toLowerCase()),
    );
  return row;
}

export function userNotFound(idOrUpn: string): AppError {
  return new AppError(
    'NotFound',
    `There is no user "${idOrUpn}" in this directory. Check the id or user name (GET /directory/users lists them).`,
  );
}

export async function getUser(q: Queryable, idOrUpn: string): Promise<UserView> {
  const row = await findUserRow(q, idOrUpn);
  if (!row) throw userNotFound(idOrUpn);
  const licences = await licencesOfUsers(q, [row.id]);
  return toUserView(row, licences.get(row.id) ?? []);
}

// ---- listing ---------------------------------------------------------------------------------

export const USER_ORDER_KEYS = ['displayName', 'userPrincipalName', 'createdAt'] as const;
export type UserOrderKey = (typeof USER_ORDER_KEYS)[number];

export interface UserOrder {
  key: UserOrderKey;
  descending: boolean;
}

/** `displayName`, `createdAt desc`, … ; anything else is a clear 400. */
export function parseOrderBy(text: string | undefined): UserOrder {
  if (text === undefined || text.trim() === '') return { key: 'displayName', descending: false };
  const [key, direction, ...rest] = text.trim().split(/\s+/);
  const known = (USER_ORDER_KEYS as readonly string[]).includes(key ?? '');
  const dir = (direction ?? 'asc').toLowerCase();
  if (!known || rest.length > 0 || (dir !== 'asc' && dir !== 'desc')) {
    throw new AppError(
      'ValidationFailed',
      `orderBy "${text}" is not supported. Use one of ${USER_ORDER_KEYS.join(', ')}, optionally followed by " desc".`,
      { problems: [{ field: 'orderBy', message: `must be one of ${USER_ORDER_KEYS.join(', ')} [desc]` }] },
    );
  }
  return { key: key as UserOrderKey, descending: dir === 'desc' };
}

/** Where the previous page ended. Opaque to clients; bound to the sort it was made for. */
export interface SkipToken {
  key: UserOrderKey;
  descending: boolean;
  /** The sort column of the last row, as the database's own text (exact, microseconds included). */
  value: string;
  id: string;
}

export function encodeSkipToken(token: SkipToken): string {
  return Buffer.from(JSON.stringify([token.key, token.descending ? 1 : 0, token.value, token.id])).toString(
    'base64url',
  );
}

export function decodeSkipToken(text: string, order: UserOrder): SkipToken {
  const invalid = () =>
    new AppError(
      'BadRequest',
      'skipToken is not one this server issued for this sort order. Follow nextLink exactly as returned, or start again without skipToken.',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid();
  const [key, descending, value, id] = parsed as unknown[];
  if (
    key !== order.key ||
    descending !== (order.descending ? 1 : 0) ||
    typeof value !== 'string' ||
    typeof id !== 'string' ||
    !isUuid(id)
  ) {
    throw invalid();
  }
  return { key: order.key, descending: order.descending, value, id };
}

/** A LIKE pattern matching values that start with `prefix` literally (%, _ and \ escaped). */
export function prefixPattern(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

export interface UserListQuery {
  /** Page size, 1–999. */
  top: number;
  search?: string;
  /** Part number (or skuId) of a licence the users must hold. */
  licence?: string;
  signInAllowed?: boolean;
  order: UserOrder;
  count: boolean;
  skipToken?: string;
}

export interface UserPage {
  value: UserView[];
  count?: number;
  /** Present when there are more users: pass it back as skipToken to get the next page. */
  nextSkipToken?: string;
}

const SORT_COLUMN = {
  displayName: users.displayName,
  userPrincipalName: users.userPrincipalName,
  createdAt: users.createdAt,
} as const;

export async function listUsers(q: Queryable, query: UserListQuery): Promise<UserPage> {
  const column = SORT_COLUMN[query.order.key];
  const filters: SQL[] = [];
  const search = query.search?.trim();
  if (search) {
    const pattern = prefixPattern(search);
    filters.push(
      or(
        ilike(users.userPrincipalName, pattern),
        ilike(users.displayName, pattern),
        ilike(users.firstName, pattern),
        ilike(users.lastName, pattern),
      )!,
    );
  }
  if (query.licence) {
    const sku = await findSku(q, query.licence);
    filters.push(
      sql`exists (select 1 from ${userLicences} where ${userLicences.userId} = ${users.id} and ${userLicences.skuId} = ${sku.id})`,
    );
  }
  if (query.signInAllowed !== undefined) filters.push(eq(users.signInAllowed, query.signInAllowed));

  const pageFilters = [...filters];
  if (query.skipToken) {
    const token = decodeSkipToken(query.skipToken, query.order);
    // Row comparison on (sort key, id): the same collation as ORDER BY, and id breaks ties, so every
    // user appears exactly once however many share a display name.
    const value = query.order.key === 'createdAt' ? sql`${token.value}::timestamptz` : sql`${token.value}`;
    pageFilters.push(
      query.order.descending
        ? sql`(${column}, ${users.id}) < (${value}, ${token.id}::uuid)`
        : sql`(${column}, ${users.id}) > (${value}, ${token.id}::uuid)`,
    );
  }

  const direction = query.order.descending ? desc : asc;
  const rows = await q
    .select({ ...getTableColumns(users), sortValue: sql<string>`${column}::text` })
    .from(users)
    .where(pageFilters.length ? and(...pageFilters) : undefined)
    .orderBy(direction(column), direction(users.id))
    .limit(query.top + 1);

  const hasMore = rows.length > query.top;
  const pageRows = hasMore ? rows.slice(0, query.top) : rows;
  const licences = await licencesOfUsers(
    q,
    pageRows.map((r) => r.id),
  );
  const page: UserPage = {
    value: pageRows.map(({ sortValue: _sortValue, ...row }) => toUserView(row, licences.get(row.id) ?? [])),
  };
  if (query.count) {
    const [total] = await q
      .select({ n: count() })
      .from(users)
      .where(filters.length ? and(...filters) : undefined);
    page.count = Number(total?.n ?? 0);
  }
  const last = pageRows[pageRows.length - 1];
  if (hasMore && last) {
    page.nextSkipToken = encodeSkipToken({
      key: query.order.key,
      descending: query.order.descending,
      value: last.sortValue,
      id: last.id,
    });
  }
  return page;
}
