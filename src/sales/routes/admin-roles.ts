import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SalesContext } from '../context.js';
import { roleMatrix } from '../role-matrix.js';
import { callerOfRequest } from '../security/authenticate.js';
import { assertPrivilege } from '../security/privileges.js';

const tags = ['sales admin'];

const depth = z.enum(['None', 'User', 'BusinessUnit', 'ParentChildBusinessUnit', 'Organization']);

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
}
