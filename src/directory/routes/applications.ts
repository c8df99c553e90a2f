import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createApplication,
  deleteApplication,
  getApplication,
  listApplications,
  rotateApplicationSecret,
  updateApplication,
  type ApplicationRow,
} from '../applications.js';
import { requireDirectoryRole } from '../authorisation.js';
import type { DirectoryContext } from '../context.js';

const Application = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string(),
  enabled: z.boolean(),
  createdAt: z.string(),
  modifiedAt: z.string(),
});

const ApplicationWithSecret = Application.extend({
  clientSecret: z.string().describe('Shown only in this response; store it in the client now.'),
});

function view(row: ApplicationRow) {
  return {
    id: row.id,
    appId: row.appId,
    displayName: row.displayName,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    modifiedAt: row.modifiedAt.toISOString(),
  };
}

const Params = z.object({ id: z.string().describe('The application object id or its appId (client id)') });
const tags = ['applications'];

/**
 * Application registrations (client-credentials identities, rule A7), managed by Global
 * administrators. Client secrets are shown once, on creation and on rotation.
 */
export async function registerApplicationsRoutes(
  root: FastifyInstance,
  ctx: DirectoryContext,
): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/directory/applications',
    {
      schema: {
        summary: 'List registered applications',
        tags,
        response: { 200: z.object({ value: z.array(Application) }) },
      },
    },
    async (request) => {
      requireDirectoryRole(request, 'global_administrator');
      return { value: (await listApplications(ctx)).map(view) };
    },
  );

  app.post(
    '/directory/applications',
    {
      schema: {
        summary: 'Register an application (returns its client secret once)',
        tags,
        body: z.object({ displayName: z.string().min(1).max(256) }),
        response: { 201: ApplicationWithSecret },
      },
    },
    async (request, reply) => {
      const actor = requireDirectoryRole(request, 'global_administrator');
      const { application, clientSecret } = await createApplication(ctx, actor, request.body);
      reply.header('cache-control', 'no-store');
      reply.header('location', `/directory/applications/${application.id}`);
      return reply.status(201).send({ ...view(application), clientSecret });
    },
  );

  app.get(
    '/directory/applications/:id',
    { schema: { summary: 'One application', tags, params: Params, response: { 200: Application } } },
    async (request) => {
      requireDirectoryRole(request, 'global_administrator');
      return view(await getApplication(ctx, request.params.id));
    },
  );

  app.post(
    '/directory/applications/:id/secret',
    {
      schema: {
        summary: 'Replace the client secret (the old one stops working; the new one is shown once)',
        tags,
        params: Params,
        response: { 200: ApplicationWithSecret },
      },
    },
    async (request, reply) => {
      const actor = requireDirectoryRole(request, 'global_administrator');
      const { application, clientSecret } = await rotateApplicationSecret(ctx, actor, request.params.id);
      reply.header('cache-control', 'no-store');
      return { ...view(application), clientSecret };
    },
  );

  app.patch(
    '/directory/applications/:id',
    {
      schema: {
        summary: 'Rename, enable or disable an application (a disabled one gets no token)',
        tags,
        params: Params,
        body: z
          .object({ displayName: z.string().min(1).max(256).optional(), enabled: z.boolean().optional() })
          .strict(),
        response: { 200: Application },
      },
    },
    async (request) => {
      const actor = requireDirectoryRole(request, 'global_administrator');
      return view(await updateApplication(ctx, actor, request.params.id, request.body));
    },
  );

  app.delete(
    '/directory/applications/:id',
    { schema: { summary: 'Delete an application (its tokens stop working)', tags, params: Params } },
    async (request, reply) => {
      const actor = requireDirectoryRole(request, 'global_administrator');
      await deleteApplication(ctx, actor, request.params.id);
      return reply.status(204).send();
    },
  );
}
