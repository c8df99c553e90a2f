import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/http/app-error.js';
import { requirePrincipal } from '../../platform/http/principal.js';
import { directoryRoleOf, requireDirectoryRole } from '../authorisation.js';
import type { DirectoryContext } from '../context.js';
import { DIRECTORY_ROLES } from '../schema.js';
import { findUserRow, getUser, listUsers, parseOrderBy, type UserView } from '../user-query.js';
import {
  createUser,
  deleteUser,
  listDomains,
  parseIfMatch,
  resetPassword,
  setDirectoryRole,
  setProtection,
  setSignInAllowed,
  updateUser,
  type AdminActor,
} from '../users.js';

const tags = ['directory'];

const nullableText = z.string().nullable();

export const userResponse = z.object({
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string(),
  firstName: nullableText,
  lastName: nullableText,
  jobTitle: nullableText,
  department: nullableText,
  officeNumber: nullableText,
  officePhone: nullableText,
  mobilePhone: nullableText,
  fax: nullableText,
  alternateEmail: nullableText,
  address: nullableText,
  city: nullableText,
  state: nullableText,
  postalCode: nullableText,
  country: nullableText,
  usageLocation: nullableText,
  signInAllowed: z.boolean(),
  directoryRole: z.enum(DIRECTORY_ROLES),
  protectedFor: nullableText.describe(
    'Why the account is protected (e.g. the ERP ↔ Sales integration identity): only Global administrators may change it.',
  ),
  mustChangePassword: z.boolean(),
  licences: z.array(z.object({ skuId: z.string(), partNumber: z.string(), name: z.string() })),
  createdAt: z.string(),
  modifiedAt: z.string(),
  rowVersion: z.number(),
});

const withTemporaryPassword = userResponse.extend({
  temporaryPassword: z
    .string()
    .optional()
    .describe('Generated temporary password, present only when Tandem generated it; shown this once.'),
});

/** Profile fields an administrator may send; null (or "") clears an optional one. */
const profileFields = {
  firstName: nullableText.optional(),
  lastName: nullableText.optional(),
  jobTitle: nullableText.optional(),
  department: nullableText.optional(),
  officeNumber: nullableText.optional(),
  officePhone: nullableText.optional(),
  mobilePhone: nullableText.optional(),
  fax: nullableText.optional(),
  alternateEmail: nullableText.optional(),
  address: nullableText.optional(),
  city: nullableText.optional(),
  state: nullableText.optional(),
  postalCode: nullableText.optional(),
  country: nullableText.optional(),
  usageLocation: nullableText.optional().describe('ISO 3166 alpha-2 code; required before a licence.'),
  signInAllowed: z.boolean().optional(),
};

const createBody = z.strictObject({
  userPrincipalName: z.string(),
  displayName: z.string(),
  ...profileFields,
  password: z.string().optional().describe('Omit to have a temporary password generated and returned once.'),
  mustChangePassword: z.boolean().optional(),
  licences: z.array(z.string()).max(50).optional().describe('Part numbers or skuIds to assign now.'),
});

const updateBody = z.strictObject({
  userPrincipalName: z.string().optional(),
  displayName: z.string().optional(),
  ...profileFields,
});

const idParams = z.object({ id: z.string().min(1).describe('Object id or user principal name.') });
const idOrUpnParams = z.object({ idOrUpn: z.string().min(1).describe('Object id or user principal name.') });

const listQuery = z.object({
  top: z.coerce.number().int().min(1).max(999).default(100),
  skipToken: z.string().max(2000).optional(),
  search: z.string().max(256).optional(),
  licence: z.string().max(128).optional(),
  signInAllowed: z.enum(['true', 'false']).optional(),
  orderBy: z.string().max(64).optional(),
  count: z.enum(['true', 'false']).optional(),
});

const userIdList = z.array(z.string()).min(1).max(1000);

/** Administrators' actions carry their role: the rules on who may change whom depend on it. */
export function requireUserAdministrator(request: FastifyRequest): AdminActor {
  const actor = requireDirectoryRole(request, 'user_administrator');
  return { ...actor, role: directoryRoleOf(requirePrincipal(request)) };
}

function withEtag(reply: FastifyReply, user: UserView): UserView {
  reply.header('etag', `"${user.rowVersion}"`);
  return user;
}

export async function registerUsersRoutes(app: FastifyInstance, ctx: DirectoryContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/directory/me',
    {
      schema: { tags, summary: 'The signed-in user', response: { 200: userResponse } },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      if (principal.kind !== 'user') {
        throw new AppError(
          'NotFound',
          `${principal.name} is an application, not a directory user, so it has no /directory/me.`,
        );
      }
      return withEtag(reply, await getUser(ctx.db, principal.id));
    },
  );

  r.get(
    '/directory/domains',
    {
      schema: {
        tags,
        summary: "The tenant's verified domains (a user name must end in one of them)",
        response: {
          200: z.object({ value: z.array(z.object({ name: z.string(), isDefault: z.boolean() })) }),
        },
      },
    },
    async (request) => {
      requirePrincipal(request);
      return { value: await listDomains(ctx.db) };
    },
  );

  r.get(
    '/directory/users',
    {
      schema: {
        tags,
        summary: 'List users, keyset-paged (follow nextLink)',
        querystring: listQuery,
        response: {
          200: z.object({
            value: z.array(userResponse),
            count: z.number().optional(),
            nextLink: z.string().optional(),
          }),
        },
      },
    },
    async (request) => {
      requireDirectoryRole(request, 'user_administrator');
      const q = request.query;
      const page = await listUsers(ctx.db, {
        top: q.top,
        search: q.search,
        licence: q.licence,
        signInAllowed: q.signInAllowed === undefined ? undefined : q.signInAllowed === 'true',
        order: parseOrderBy(q.orderBy),
        count: q.count === 'true',
        skipToken: q.skipToken,
      });
      let nextLink: string | undefined;
      if (page.nextSkipToken) {
        const params = new URLSearchParams();
        params.set('top', String(q.top));
        for (const key of ['search', 'licence', 'signInAllowed', 'orderBy', 'count'] as const) {
          const value = q[key];
          if (value !== undefined) params.set(key, value);
        }
        params.set('skipToken', page.nextSkipToken);
        nextLink = `${ctx.config.publicUrl}/directory/users?${params.toString()}`;
      }
      return {
        value: page.value,
        ...(page.count !== undefined ? { count: page.count } : {}),
        ...(nextLink ? { nextLink } : {}),
      };
    },
  );

  r.get(
    '/directory/users/:idOrUpn',
    {
      schema: {
        tags,
        summary: 'One user by id or user principal name',
        params: idOrUpnParams,
        response: { 200: userResponse },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const { idOrUpn } = request.params;
      if (directoryRoleOf(principal) === 'user') {
        // A plain user reads only himself; whether anyone else exists is none of his business.
        const row = await findUserRow(ctx.db, idOrUpn);
        if (!row || row.id !== principal.id) {
          throw new AppError(
            'Forbidden',
            `${principal.name} may read only their own user (GET /directory/me). Reading other users needs the User administrator role.`,
          );
        }
      }
      return withEtag(reply, await getUser(ctx.db, idOrUpn));
    },
  );

  r.post(
    '/directory/users',
    {
      schema: {
        tags,
        summary: 'Create a user (optionally with licences); a generated password is returned once',
        body: createBody,
        response: { 201: withTemporaryPassword },
      },
    },
    async (request, reply) => {
      const actor = requireUserAdministrator(request);
      const { user, temporaryPassword } = await createUser(ctx, actor, request.body);
      reply.header('location', `${ctx.config.publicUrl}/directory/users/${user.id}`);
      withEtag(reply, user);
      return reply.status(201).send(temporaryPassword ? { ...user, temporaryPassword } : user);
    },
  );

  r.patch(
    '/directory/users/:id',
    {
      schema: {
        tags,
        summary: 'Update a user (only the fields sent); If-Match: <rowVersion> guards against lost updates',
        params: idParams,
        body: updateBody,
        response: { 200: userResponse },
      },
    },
    async (request, reply) => {
      const actor = requireUserAdministrator(request);
      const ifMatch = parseIfMatch(request.headers['if-match']);
      const user = await updateUser(ctx, actor, request.params.id, request.body, { ifMatch });
      return withEtag(reply, user);
    },
  );

  r.delete(
    '/directory/users/:id',
    {
      schema: { tags, summary: 'Delete a user and release their licences', params: idParams },
    },
    async (request, reply) => {
      const actor = requireUserAdministrator(request);
      await deleteUser(ctx, actor, request.params.id);
      return reply.status(204).send();
    },
  );

  r.post(
    '/directory/users/:id/reset-password',
    {
      schema: {
        tags,
        summary: 'Reset the password: a new temporary one is returned once (or set the one given)',
        params: idParams,
        body: z
          .strictObject({ password: z.string().optional(), mustChangePassword: z.boolean().optional() })
          // No body at all is the common case: fastify hands that over as null.
          .nullish(),
        response: { 200: withTemporaryPassword },
      },
    },
    async (request) => {
      const actor = requireUserAdministrator(request);
      const { user, temporaryPassword } = await resetPassword(
        ctx,
        actor,
        request.params.id,
        request.body ?? {},
      );
      return temporaryPassword ? { ...user, temporaryPassword } : user;
    },
  );

  r.put(
    '/directory/users/:id/role',
    {
      schema: {
        tags,
        summary: "Set a user's directory role (administrator roles: Global administrators only)",
        params: idParams,
        body: z.strictObject({ role: z.enum(DIRECTORY_ROLES) }),
        response: { 200: userResponse },
      },
    },
    async (request, reply) => {
      const actor = requireUserAdministrator(request);
      return withEtag(reply, await setDirectoryRole(ctx, actor, request.params.id, request.body.role));
    },
  );

  r.put(
    '/directory/users/:id/protection',
    {
      schema: {
        tags,
        summary:
          'Protect an account like an administrator, or lift it (protectedFor: null): only Global administrators may then change it (Global administrators only)',
        params: z.object({ id: z.string().min(1).max(256).describe('Object id or user principal name.') }),
        body: z.strictObject({
          protectedFor: z
            .string()
            .min(1)
            .max(200)
            .nullable()
            .describe(
              'Why, shown to administrators (e.g. "integration identity of the ERP ↔ Sales connection").',
            ),
        }),
        response: { 200: userResponse },
      },
    },
    async (request, reply) => {
      const actor = requireUserAdministrator(request);
      return withEtag(reply, await setProtection(ctx, actor, request.params.id, request.body.protectedFor));
    },
  );

  r.post(
    '/directory/users/block',
    {
      schema: {
        tags,
        summary: 'Block or allow sign-in for many users at once (all or none)',
        body: z.strictObject({ userIds: userIdList, signInAllowed: z.boolean() }),
        response: { 200: z.object({ changed: z.number(), value: z.array(userResponse) }) },
      },
    },
    async (request) => {
      const actor = requireUserAdministrator(request);
      const result = await setSignInAllowed(ctx, actor, request.body.userIds, request.body.signInAllowed);
      return { changed: result.changed, value: result.users };
    },
  );
}
