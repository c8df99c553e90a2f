import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBridgeAdministrator } from '../authorise.js';
import type { BridgeContext } from '../context.js';
import {
  fullSyncReview,
  retryErrors,
  runMappings,
  startFromReview,
  syncErrorLog,
  syncLog,
  syncRecordNow,
  syncStatus,
  uncouple,
} from '../sync/sync-service.js';

const tags = ['bridge sync'];
const side = z.enum(['erp', 'sales']);
const top = z.object({
  mapping: z.string().max(100).optional(),
  top: z.coerce.number().int().min(1).max(5000).default(200),
});

/** The sync: runs, one record now, the run log, the error log with retry, couplings, the full-sync review. */
export async function registerSyncRoutes(app: FastifyInstance, ctx: BridgeContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/bridge/sync/status',
    { schema: { tags, summary: 'Every mapping: started, running, watermarks, couplings, errors, last run' } },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return syncStatus(ctx);
    },
  );

  r.post(
    '/bridge/sync/run',
    {
      schema: {
        tags,
        summary: 'Synchronise now: every enabled mapping in dependency order, or one (incremental or full)',
        body: z
          .strictObject({ mapping: z.string().min(1).max(100).optional(), full: z.boolean().default(false) })
          .nullish()
          .transform((b) => b ?? { full: false }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      const { mapping, full } = request.body;
      return {
        value: await runMappings(ctx, actor, {
          ...(mapping ? { mapping } : {}),
          kind: full ? 'full' : 'incremental',
        }),
      };
    },
  );

  r.post(
    '/bridge/sync/records',
    {
      schema: {
        tags,
        summary: 'Synchronise one record now (by its id on either side); winner decides a conflict',
        body: z.strictObject({
          mapping: z.string().min(1).max(100),
          side,
          id: z.uuid(),
          winner: side.optional(),
        }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      const { winner, ...rest } = request.body;
      return syncRecordNow(ctx, actor, { ...rest, ...(winner ? { winner } : {}) });
    },
  );

  r.get(
    '/bridge/sync/runs',
    { schema: { tags, summary: 'The run log, newest first', querystring: top } },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return syncLog(ctx, request.query);
    },
  );

  r.get(
    '/bridge/sync/errors',
    {
      schema: {
        tags,
        summary: 'Records that failed (source, destination, direction, message), newest first',
        querystring: top,
      },
    },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return syncErrorLog(ctx, request.query);
    },
  );

  r.post(
    '/bridge/sync/errors/retry',
    {
      schema: {
        tags,
        summary:
          'Retry failed or skipped records: the listed ids, a mapping’s, or all; winner decides conflicts',
        body: z
          .strictObject({
            ids: z.array(z.number().int().positive()).min(1).max(10_000).optional(),
            mapping: z.string().min(1).max(100).optional(),
            all: z.boolean().optional(),
            winner: side.optional(),
          })
          .refine((b) => b.ids || b.mapping || b.all, {
            message: 'Name the errors to retry: ids, a mapping, or all: true.',
            path: ['ids'],
          }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      const { ids, mapping, winner } = request.body;
      return retryErrors(ctx, actor, {
        ...(ids ? { ids } : {}),
        ...(mapping ? { mapping } : {}),
        ...(winner ? { winner } : {}),
      });
    },
  );

  r.delete(
    '/bridge/sync/couplings',
    {
      schema: {
        tags,
        summary: 'Remove a coupling (both records stay; they are no longer synchronised together)',
        querystring: z
          .object({
            mapping: z.string().min(1).max(100),
            erpId: z.uuid().optional(),
            salesId: z.uuid().optional(),
          })
          .refine((q) => Boolean(q.erpId) !== Boolean(q.salesId), {
            message: 'Name the coupling by erpId or by salesId (one of them).',
            path: ['erpId'],
          }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      const { mapping, erpId, salesId } = request.query;
      return uncouple(ctx, actor, {
        mapping,
        ...(erpId ? { erpId } : {}),
        ...(salesId ? { salesId } : {}),
      });
    },
  );

  r.get(
    '/bridge/sync/review',
    {
      schema: {
        tags,
        summary:
          'Full-sync review: per mapping, full sync, couple by match or nothing to do (writes nothing)',
      },
    },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return fullSyncReview(ctx);
    },
  );

  r.post(
    '/bridge/sync/review/start',
    {
      schema: {
        tags,
        summary:
          'Start the first sync of every mapping as the review recommends: in this request (wait, default) or in the background',
        // No body at all means the defaults.
        body: z
          .strictObject({ wait: z.boolean().default(true) })
          .nullish()
          .transform((b) => b ?? { wait: true }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return startFromReview(ctx, actor, { wait: request.body.wait });
    },
  );
}
