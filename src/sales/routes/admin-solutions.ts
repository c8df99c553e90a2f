import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SalesContext } from '../context.js';
import { callerOfRequest } from '../security/authenticate.js';
import { assertPrivilege } from '../security/privileges.js';
import { importSolution, listSolutions } from '../solutions.js';

const tags = ['sales admin'];

const importResult = z.object({
  solutionid: z.string(),
  uniquename: z.string(),
  version: z.string(),
  status: z.enum(['installed', 'upgraded', 'unchanged']),
  previousVersion: z.string().nullable(),
  roles: z.array(z.object({ roleid: z.string(), name: z.string() })),
});

/** Solutions: import (System Customizer or System Administrator) and list. */
export async function registerAdminSolutionsRoutes(app: FastifyInstance, ctx: SalesContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/sales/admin/solutions',
    {
      schema: {
        tags,
        summary:
          'Import a solution manifest (roles with privileges, columns): same version is a no-op, newer upgrades, older is refused',
        // The manifest is checked by the domain function, which reports every problem by field.
        body: z.record(z.string(), z.unknown()),
        response: { 200: importResult, 201: importResult },
      },
    },
    async (request, reply) => {
      const caller = await callerOfRequest(ctx, request);
      const result = await importSolution(ctx, caller, request.body);
      return reply.status(result.status === 'installed' ? 201 : 200).send(result);
    },
  );

  r.get(
    '/sales/admin/solutions',
    {
      schema: {
        tags,
        summary: 'Installed solutions',
        response: {
          200: z.object({
            value: z.array(
              z.object({
                solutionid: z.string(),
                uniquename: z.string(),
                friendlyname: z.string(),
                version: z.string(),
                ismanaged: z.boolean(),
                installedon: z.string(),
                modifiedon: z.string(),
                manifest: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const caller = await callerOfRequest(ctx, request);
      await assertPrivilege(ctx, caller, 'prvReadSolution');
      const rows = await listSolutions(ctx);
      return {
        value: rows.map((s) => ({
          solutionid: s.solutionid,
          uniquename: s.uniquename,
          friendlyname: s.friendlyname,
          version: s.version,
          ismanaged: s.ismanaged,
          installedon: s.installedon.toISOString(),
          modifiedon: s.modifiedon.toISOString(),
          manifest: s.manifest,
        })),
      };
    },
  );
}
