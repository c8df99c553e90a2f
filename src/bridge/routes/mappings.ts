import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBridgeAdministrator } from '../authorise.js';
import type { BridgeContext } from '../context.js';
import { editMapping, getMapping, mappingEditSchema, resetMapping } from '../mappings/mapping-edit.js';

const tags = ['bridge mappings'];
const params = z.object({ name: z.string().min(1).max(100) });

/** One table mapping: show, edit (checked against both apps), reset to the shipped default. */
export async function registerMappingRoutes(app: FastifyInstance, ctx: BridgeContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/bridge/mappings/:name',
    { schema: { tags, summary: 'One table mapping with its fields, filters and policies', params } },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return getMapping(ctx, request.params.name);
    },
  );

  r.patch(
    '/bridge/mappings/:name',
    {
      schema: {
        tags,
        summary:
          'Edit a mapping (direction, fields, filters, policies, dependencies, enabled); checked against both apps first',
        params,
        body: mappingEditSchema,
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return editMapping(ctx, actor, request.params.name, request.body);
    },
  );

  r.post(
    '/bridge/mappings/:name/reset',
    { schema: { tags, summary: 'Restore a default mapping as shipped (its couplings stay)', params } },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return resetMapping(ctx, actor, request.params.name);
    },
  );
}
