import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit } from '../audit.js';
import { requireDirectoryRole } from '../authorisation.js';
import type { DirectoryContext } from '../context.js';

const auditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.string(),
  actorName: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export async function registerAuditRoutes(app: FastifyInstance, ctx: DirectoryContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/directory/audit',
    {
      schema: {
        tags: ['directory'],
        summary: 'Audit log of administrative actions, newest first (Global administrators)',
        querystring: z.object({
          top: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.coerce.number().int().min(1).optional().describe('Entries older than this entry id.'),
        }),
        response: { 200: z.object({ value: z.array(auditEntry), nextLink: z.string().optional() }) },
      },
    },
    async (request) => {
      requireDirectoryRole(request, 'global_administrator');
      const { top, before } = request.query;
      const rows = await listAudit(ctx.db, { before, limit: top });
      const value = rows.map((row) => ({
        id: row.id,
        at: row.at.toISOString(),
        actorId: row.actorId,
        actorName: row.actorName,
        action: row.action,
        targetType: row.targetType,
        targetId: row.targetId,
        details: (row.details ?? {}) as Record<string, unknown>,
      }));
      const last = value[value.length - 1];
      // A full page may have more behind it; an empty next page is the honest end marker.
      const nextLink =
        last && value.length === top
          ? `${ctx.config.publicUrl}/directory/audit?top=${top}&before=${last.id}`
          : undefined;
      return nextLink ? { value, nextLink } : { value };
    },
  );
}
