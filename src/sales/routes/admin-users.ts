import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/http/app-error.js';
import { createApplicationUser } from '../application-users.js';
import { bulkAssignRoles } from '../bulk-role-assignment.js';
import type { SalesContext } from '../context.js';
import { callerOfRequest } from '../security/authenticate.js';
import { depthRank } from '../security/depth.js';
import { assertPrivilege, privilegesOf } from '../security/privileges.js';
import { getSystemUser, listSystemUsers, setAccessMode } from '../users.js';

const tags = ['sales admin'];

export const systemUserResponse = z.object({
  systemuserid: z.string(),
  domainname: z.string(),
  fullname: z.string().nullable(),
  firstname: z.string().nullable(),
  lastname: z.string().nullable(),
  internalemailaddress: z.string().nullable(),
  title: z.string().nullable(),
  accessmode: z
    .number()
    .describe('0 Read-Write, 1 Administrative, 2 Read, 3 Support User, 4 Non-interactive, 5 Delegated Admin'),
  isdisabled: z.boolean(),
  disabledreason: z.string().nullable(),
  islicensed: z.boolean(),
  isintegrationuser: z.boolean(),
  applicationid: z.string().nullable(),
  azureactivedirectoryobjectid: z.string().nullable(),
  businessunitid: z.string(),
  modifiedon: z.string(),
  versionnumber: z.number(),
  roles: z.array(z.object({ roleid: z.string(), name: z.string() })),
});

const listQuery = z.object({
  top: z.coerce.number().int().min(1).max(500).default(100),
  skiptoken: z.string().max(2000).optional(),
  search: z.string().max(256).optional(),
  isdisabled: z.enum(['true', 'false']).optional(),
  accessmode: z.coerce.number().int().min(0).max(5).optional(),
});

/** Sales users: list with roles, access mode, bulk role assignment, application users. */
export async function registerAdminUsersRoutes(app: FastifyInstance, ctx: SalesContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/sales/admin/users',
    {
      schema: {
        tags,
        summary:
          'List Sales users with their roles, access mode and licence state (keyset-paged: follow nextLink)',
        querystring: listQuery,
        response: {
          200: z.object({
            value: z.array(systemUserResponse),
            count: z.number().describe('How many users match the filters, on every page'),
            nextLink: z.string().optional(),
          }),
        },
      },
    },
    async (request) => {
      const caller = await callerOfRequest(ctx, request);
      await assertPrivilege(ctx, caller, 'prvReadUser');
      const q = request.query;
      const page = await listSystemUsers(ctx, {
        top: q.top,
        ...(q.skiptoken ? { skiptoken: q.skiptoken } : {}),
        ...(q.search ? { search: q.search } : {}),
        ...(q.isdisabled ? { isdisabled: q.isdisabled === 'true' } : {}),
        ...(q.accessmode !== undefined ? { accessmode: q.accessmode } : {}),
      });
      let nextLink: string | undefined;
      if (page.nextSkipToken) {
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(q))
          if (value !== undefined && key !== 'skiptoken') params.set(key, String(value));
        params.set('skiptoken', page.nextSkipToken);
        nextLink = `${ctx.config.publicUrl}/sales/admin/users?${params.toString()}`;
      }
      return { value: page.value, count: page.count, ...(nextLink ? { nextLink } : {}) };
    },
  );

  r.get(
    '/sales/admin/me',
    {
      schema: {
        tags,
        summary:
          'The caller: its own Sales user with its roles and the privileges it holds (what the console may offer it); user null, with the reason, for a signed-in person who is not a Sales user',
        response: {
          200: z.object({
            user: systemUserResponse.nullable(),
            privileges: z.array(z.string()).describe('Privileges held at any depth, e.g. prvReadAccount'),
            reason: z.string().optional().describe('Why the caller is not a Sales user'),
          }),
        },
      },
    },
    async (request) => {
      let caller;
      try {
        caller = await callerOfRequest(ctx, request);
      } catch (error) {
        // Not being a Sales user is an answer here, not a failure: the console asks for everyone.
        if (error instanceof AppError && error.code === 'Forbidden')
          return { user: null, privileges: [], reason: error.message };
        throw error;
      }
      const held = caller.isDisabled ? new Map() : await privilegesOf(ctx, caller.systemUserId);
      const privileges = [...held].filter(([, depth]) => depthRank(depth) > 0).map(([name]) => name);
      return { user: await getSystemUser(ctx, caller.systemUserId), privileges: privileges.sort() };
    },
  );

  r.get(
    '/sales/admin/users/:id',
    {
      schema: {
        tags,
        summary: 'One Sales user with its roles',
        params: z.object({ id: z.uuid() }),
        response: { 200: systemUserResponse },
      },
    },
    async (request) => {
      const caller = await callerOfRequest(ctx, request);
      await assertPrivilege(ctx, caller, 'prvReadUser');
      return getSystemUser(ctx, request.params.id);
    },
  );

  r.patch(
    '/sales/admin/users/:id',
    {
      schema: {
        tags,
        summary: "Change a user's access mode (System Administrator)",
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ accessmode: z.number().int().min(0).max(5) }),
        response: { 200: systemUserResponse },
      },
    },
    async (request) => {
      const caller = await callerOfRequest(ctx, request);
      return setAccessMode(ctx, caller, request.params.id, request.body.accessmode);
    },
  );

  r.post(
    '/sales/admin/users/roles',
    {
      schema: {
        tags,
        summary: 'Assign or remove roles for many users at once, all or nothing (System Administrator)',
        body: z
          .strictObject({
            systemUserIds: z.array(z.uuid()).min(1).max(10_000),
            roleIds: z.array(z.uuid()).max(100).optional(),
            roleNames: z.array(z.string().min(1).max(100)).max(100).optional(),
            action: z.enum(['assign', 'remove']),
          })
          .refine((b) => (b.roleIds?.length ?? 0) + (b.roleNames?.length ?? 0) > 0, {
            message: 'Name the roles in roleIds or roleNames.',
            path: ['roleNames'],
          }),
        response: {
          200: z.object({
            action: z.enum(['assign', 'remove']),
            users: z.number(),
            roles: z.array(z.string()),
            changed: z.number(),
            unchanged: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const caller = await callerOfRequest(ctx, request);
      return bulkAssignRoles(ctx, caller, request.body);
    },
  );

  r.post(
    '/sales/admin/application-users',
    {
      schema: {
        tags,
        summary: 'Create an application user for a client-credentials application (System Administrator)',
        body: z.strictObject({
          applicationId: z.uuid().describe("The application's client id"),
          name: z.string().min(1).max(64),
          directoryObjectId: z.uuid().optional(),
          businessUnitId: z.uuid().optional(),
        }),
        response: { 201: systemUserResponse },
      },
    },
    async (request, reply) => {
      const caller = await callerOfRequest(ctx, request);
      const { applicationId, name, directoryObjectId, businessUnitId } = request.body;
      const user = await createApplicationUser(ctx, caller, {
        applicationId,
        name,
        ...(directoryObjectId ? { directoryObjectId } : {}),
        ...(businessUnitId ? { businessUnitId } : {}),
      });
      return reply.status(201).send(user);
    },
  );
}
