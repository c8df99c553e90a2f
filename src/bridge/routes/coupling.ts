import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBridgeAdministrator } from '../authorise.js';
import { loadConnection } from '../connection.js';
import type { BridgeContext } from '../context.js';
import {
  autoCoupleSalespeople,
  coupleSalesperson,
  createSalespeopleFromUsers,
  listSalespeopleCoupling,
  uncoupleSalesperson,
} from '../coupling/salespeople.js';

const tags = ['bridge coupling'];

/** Couple salespeople: eligible Sales users beside ERP salespeople. */
export async function registerCouplingRoutes(app: FastifyInstance, ctx: BridgeContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/bridge/coupling/salespeople',
    {
      schema: {
        tags,
        summary: 'Eligible Sales users (enabled, licensed, not the integration user) beside ERP salespeople',
      },
    },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return listSalespeopleCoupling(ctx, await loadConnection(ctx.db));
    },
  );

  r.post(
    '/bridge/coupling/salespeople',
    {
      schema: {
        tags,
        summary: 'Couple a Sales user to a salesperson (one-to-one)',
        body: z
          .strictObject({
            systemUserId: z.uuid(),
            salespersonCode: z.string().min(1).max(20).optional(),
            salespersonId: z.uuid().optional(),
          })
          .refine((b) => b.salespersonCode || b.salespersonId, {
            message: 'Name the salesperson by salespersonCode or salespersonId.',
            path: ['salespersonCode'],
          }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return coupleSalesperson(ctx, actor, await loadConnection(ctx.db), request.body);
    },
  );

  r.delete(
    '/bridge/coupling/salespeople/:systemUserId',
    {
      schema: {
        tags,
        summary: 'Uncouple a Sales user from its salesperson',
        params: z.object({ systemUserId: z.uuid() }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return uncoupleSalesperson(ctx, actor, request.params.systemUserId);
    },
  );

  r.post(
    '/bridge/coupling/salespeople/auto',
    {
      schema: {
        tags,
        summary: 'Couple by e-mail; with createMissing, create salespeople for the users left',
        body: z.strictObject({ createMissing: z.boolean().default(false) }).default({ createMissing: false }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return autoCoupleSalespeople(ctx, actor, await loadConnection(ctx.db), request.body);
    },
  );

  r.post(
    '/bridge/coupling/salespeople/create',
    {
      schema: {
        tags,
        summary: 'Create a salesperson (code derived from the name, unique) for each user and couple it',
        body: z.strictObject({ systemUserIds: z.array(z.uuid()).min(1).max(1000) }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return createSalespeopleFromUsers(ctx, actor, await loadConnection(ctx.db), request.body.systemUserIds);
    },
  );
}
