import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listBridgeAudit } from '../audit.js';
import { requireBridgeAdministrator } from '../authorise.js';
import { connectionView, loadConnection } from '../connection.js';
import type { BridgeContext } from '../context.js';
import { listMappings } from '../mappings/mappings.js';
import {
  disable,
  enableConnection,
  redeploySolution,
  resetMappings,
  testConnection,
  updateCredentials,
} from '../setup/connection-actions.js';
import { runDoctor } from '../setup/doctor.js';
import { acknowledgePersonEdits, listPersonEdits } from '../setup/person-edits.js';

const tags = ['bridge connection'];

/** The connection page: status and reasons, actions, mappings, person edits, doctor, audit. */
export async function registerConnectionRoutes(app: FastifyInstance, ctx: BridgeContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/bridge/connection',
    {
      schema: {
        tags,
        summary: 'Connection status: state, reasons, integration identity, last account checks',
      },
    },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return connectionView(await loadConnection(ctx.db));
    },
  );

  r.post(
    '/bridge/connection/test',
    { schema: { tags, summary: 'Run every account check of the integration identity now' } },
    async (request) => testConnection(ctx, await requireBridgeAdministrator(ctx, request)),
  );

  r.post(
    '/bridge/connection/enable',
    { schema: { tags, summary: 'Enable the connection (its account checks must pass)' } },
    async (request) => enableConnection(ctx, await requireBridgeAdministrator(ctx, request)),
  );

  r.post(
    '/bridge/connection/disable',
    {
      schema: {
        tags,
        summary: 'Disable the connection, with a reason',
        body: z.strictObject({ reason: z.string().max(500).optional() }).default({}),
      },
    },
    async (request) => disable(ctx, await requireBridgeAdministrator(ctx, request), request.body.reason),
  );

  r.post(
    '/bridge/connection/redeploy',
    {
      schema: {
        tags,
        summary:
          "Redeploy the integration solution and its roles with an administrator's credentials (used once, never stored)",
        body: z.strictObject({ userName: z.string().min(1).max(256), password: z.string().min(1).max(256) }),
      },
    },
    async (request) => redeploySolution(ctx, await requireBridgeAdministrator(ctx, request), request.body),
  );

  r.post(
    '/bridge/connection/credentials',
    {
      schema: {
        tags,
        summary: "Store the integration identity's new password or client secret (tested first, sealed)",
        body: z.strictObject({ secret: z.string().min(1).max(256) }),
      },
    },
    async (request) =>
      updateCredentials(ctx, await requireBridgeAdministrator(ctx, request), request.body.secret),
  );

  r.post(
    '/bridge/connection/reset-mappings',
    { schema: { tags, summary: 'Restore the default table mappings (edits are lost)' } },
    async (request) => resetMappings(ctx, await requireBridgeAdministrator(ctx, request)),
  );

  r.get(
    '/bridge/mappings',
    { schema: { tags, summary: 'Table mappings in dependency order' } },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return { value: await listMappings(ctx.db) };
    },
  );

  r.get(
    '/bridge/connection/person-edits',
    {
      schema: { tags, summary: 'Sales changes made by a person signed in as the integration user (rule A3)' },
    },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return { value: await listPersonEdits(ctx) };
    },
  );

  r.post(
    '/bridge/connection/person-edits/acknowledge',
    { schema: { tags, summary: 'Mark the reported person edits as seen' } },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return { acknowledged: await acknowledgePersonEdits(ctx) };
    },
  );

  r.get(
    '/bridge/doctor',
    { schema: { tags, summary: 'Check every account rule A1–A7 on the live system (changes nothing)' } },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return runDoctor(ctx);
    },
  );

  r.get(
    '/bridge/audit',
    {
      schema: {
        tags,
        summary: 'Setup and connection actions, newest first',
        querystring: z.object({ top: z.coerce.number().int().min(1).max(1000).default(200) }),
      },
    },
    async (request) => {
      await requireBridgeAdministrator(ctx, request);
      return { value: await listBridgeAudit(ctx.db, request.query.top) };
    },
  );
}
