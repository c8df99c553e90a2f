import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBridgeAdministrator } from '../authorise.js';
import type { BridgeContext } from '../context.js';
import { STEP_IDS } from '../setup/steps.js';
import { cancelSetup, runSetupStep, setupBack, setupStatus, startSetup } from '../setup/setup-service.js';

const tags = ['bridge setup'];

/** The assisted setup: start or resume, run a step, go back, leave. */
export async function registerSetupRoutes(app: FastifyInstance, ctx: BridgeContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/bridge/setup',
    {
      schema: { tags, summary: 'Where the assisted setup stands: its steps, each done, current or pending' },
    },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return setupStatus(ctx);
    },
  );

  r.post(
    '/bridge/setup/start',
    {
      schema: {
        tags,
        summary: 'Start the assisted setup, or resume the running one (restart: begin again)',
        body: z.strictObject({ restart: z.boolean().default(false) }).default({ restart: false }),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return startSetup(ctx, actor, { restart: request.body.restart });
    },
  );

  r.post(
    '/bridge/setup/steps/:step',
    {
      schema: {
        tags,
        summary: `Run a setup step (${STEP_IDS.join(' → ')}); answers ok:false with the failed checks when a rule is not met`,
        params: z.object({ step: z.string() }),
        // Each step's input is validated by the step machine, which lists every problem by field.
        body: z.record(z.string(), z.unknown()).optional(),
      },
    },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return runSetupStep(ctx, actor, request.params.step, request.body ?? {});
    },
  );

  r.post('/bridge/setup/back', { schema: { tags, summary: 'Go back one step' } }, async (request) => {
    const actor = await requireBridgeAdministrator(ctx, request);
    return setupBack(ctx, actor);
  });

  r.post(
    '/bridge/setup/cancel',
    { schema: { tags, summary: 'Leave the setup; a connection that was not enabled stays disabled' } },
    async (request) => {
      const actor = await requireBridgeAdministrator(ctx, request);
      return cancelSetup(ctx, actor);
    },
  );
}
