import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listSalesAudit } from '../audit.js';
import type { SalesContext } from '../context.js';
import { callerOfRequest } from '../security/authenticate.js';
import { assertPrivilege } from '../security/privileges.js';

/** The Sales audit log (role assignments, access modes, imports, role edits), newest first. */
export async function registerAdminAuditRoutes(app: FastifyInstance, ctx: SalesContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/sales/admin/audit',
    {
      schema: {
        tags: ['sales admin'],
        summary:
          'Administrative actions in Sales, newest first (System Administrator); page with before=<last id>',
        querystring: z.object({
          top: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().positive().optional(),
        }),
        response: {
          200: z.object({
            value: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                actorid: z.string(),
                actorname: z.string(),
                action: z.string(),
                targettype: z.string(),
                targetid: z.string().nullable(),
                details: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const caller = await callerOfRequest(ctx, request);
      await assertPrivilege(ctx, caller, 'prvReadAuditSummary');
      const rows = await listSalesAudit(ctx.db, {
        limit: request.query.top,
        ...(request.query.before ? { before: request.query.before } : {}),
      });
      return { value: rows.map((row) => ({ ...row, at: row.at.toISOString() })) };
    },
  );
}
