import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SalesContext } from '../context.js';
import { createRole, setRolePrivileges } from '../role-editing.js';
import { roleMatrix } from '../role-matrix.js';
import { callerOfRequest } from '../security/authenticate.js';
import { assertPrivilege } from '../security/privileges.js';
import { DEPTHS, RIGHTS, SECURED_TABLES, type SecuredTable } from '../security/depth.js';

const tags = ['sales admin'];

const depth = z.enum(DEPTHS);

const privilegeList = z
  .array(
    z.union([
      z.strictObject({
        table: z.enum(Object.keys(SECURED_TABLES) as [SecuredTable, ...SecuredTable[]]),
        right: z.enum(RIGHTS),
        depth,
      }),
      z.strictObject({ privilege: z.string().regex(/^prv[A-Za-z]+$/), depth }),
    ]),
  )
  .max(500);

/** Security roles with their privileges as a table × right matrix, for the console. */
export async function registerAdminRolesRoutes(app: FastifyInstance, ctx: SalesContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/sales/admin/roles',
    {
      schema: {
        tags,
        summary: 'Security roles with their privilege matrix (table × right → depth) and special privileges',
        querystring: z.object({ businessUnitId: z.uuid().optional() }),
        response: {
          200: z.object({
            value: z.array(
              z.object({
                roleid: z.string(),
                name: z.string(),
                businessunitid: z.string(),
                parentrootroleid: z.string().nullable(),
                roletemplatekey: z.string().nullable(),
                solutionid: z.string().nullable(),
                iscustomizable: z.boolean(),
                ismanaged: z.boolean(),
                privileges: z.record(z.string(), z.record(z.string(), depth)),
                specialPrivileges: z.record(z.string(), depth),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const caller = await callerOfRequest(ctx, request);
      await assertPrivilege(ctx, caller, 'prvReadRole');
      return { value: await roleMatrix(ctx, request.query.businessUnitId) };
    },
  );

  r.post(
    '/sales/admin/roles',
    {
      schema: {
        tags,
        summary: 'Create a custom security role (System Administrator only)',
        body: z.strictObject({
          name: z.string().min(1).max(100),
          description: z.string().max(2000).optional(),
          privileges: privilegeList,
        }),
        response: { 201: z.object({ roleid: z.string(), name: z.string() }) },
      },
    },
    async (request, reply) => {
      const caller = await callerOfRequest(ctx, request);
      const { name, description, privileges } = request.body;
      return reply
        .status(201)
        .send(await createRole(ctx, caller, { name, privileges, ...(description ? { description } : {}) }));
    },
  );

  r.put(
    '/sales/admin/roles/:id/privileges',
    {
      schema: {
        tags,
        summary: "Replace a role's privileges (System Administrator only)",
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ privileges: privilegeList }),
      },
    },
    async (request, reply) => {
      const caller = await callerOfRequest(ctx, request);
      await setRolePrivileges(ctx, caller, request.params.id, request.body.privileges);
      return reply.status(204).send();
    },
  );
}
