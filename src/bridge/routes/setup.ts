import type { FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBridgeAdministrator } from '../authorise.js';
import type { BridgeContext } from '../context.js';
import { STEP_IDS, STEP_INPUTS, STEP_TITLES } from '../setup/steps.js';
import { cancelSetup, runSetupStep, setupBack, setupStatus, startSetup } from '../setup/setup-service.js';

const tags = ['bridge setup'];

/**
 * What a step takes, as published: each step's own input schema (STEP_INPUTS, the one the step
 * machine parses with), titled by step. Several steps take `{}`, so the alternatives overlap and are
 * an anyOf; the step in the path says which applies.
 */
const STEP_BODY = z
  .union(
    STEP_IDS.map((step) =>
      STEP_INPUTS[step].meta({
        title: step,
        description: `The input of the step ${step}: ${STEP_TITLES[step]}.`,
      }),
    ) as unknown as [z.ZodType, ...z.ZodType[]],
  )
  .optional();

/**
 * What fastify checks before the step machine runs: only that the body is an object. The step machine
 * validates the rest, so that an unknown step is a 404 listing the steps before its input is looked
 * at, and every problem is worded under the step's title.
 */
const STEP_REQUEST_CHECKS: Record<string, z.ZodType> = {
  params: z.object({ step: z.string() }),
  body: z.record(z.string(), z.unknown()).optional(),
};

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
        description: `The body is the step's input: ${STEP_IDS.map((step) => `${step} takes the schema titled ${step}`).join('; ')}. An unknown step answers 404.`,
        params: z.object({ step: z.enum(STEP_IDS) }),
        body: STEP_BODY,
      },
      // The schemas above are the published ones; the request is checked with the looser ones.
      validatorCompiler: ({ httpPart, ...route }) => {
        const schema = STEP_REQUEST_CHECKS[httpPart ?? ''];
        if (!schema) throw new Error(`No request check for the ${httpPart} of ${route.url}.`);
        return validatorCompiler({ ...route, httpPart, schema });
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
