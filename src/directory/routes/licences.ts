import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireDirectoryRole } from '../authorisation.js';
import { requireUserAdministrator } from './users.js';
import type { DirectoryContext } from '../context.js';
import {
  assignLicence,
  changeUserLicences,
  listLicences,
  MAX_BULK_USERS,
  removeLicence,
} from '../licences.js';
import { userResponse } from './users.js';

const tags = ['directory'];

const licenceResponse = z.object({
  skuId: z.string(),
  partNumber: z.string(),
  name: z.string(),
  seats: z.number(),
  consumed: z.number(),
  available: z.number(),
});

const partNumberParams = z.object({ partNumber: z.string().min(1).describe('Part number or skuId.') });
const bulkBody = z.strictObject({ userIds: z.array(z.string()).min(1).max(MAX_BULK_USERS) });

export async function registerLicencesRoutes(app: FastifyInstance, ctx: DirectoryContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/directory/licences',
    {
      schema: {
        tags,
        summary: "The tenant's licences with seats, consumed and available (Graph's subscribedSkus)",
        response: { 200: z.object({ value: z.array(licenceResponse) }) },
      },
    },
    async (request) => {
      requireDirectoryRole(request, 'user_administrator');
      return { value: await listLicences(ctx.db) };
    },
  );

  r.post(
    '/directory/users/:id/assign-licences',
    {
      schema: {
        tags,
        summary: "Add and remove a user's licences in one step (Graph's assignLicense)",
        params: z.object({ id: z.string().min(1).describe('Object id or user principal name.') }),
        body: z.strictObject({
          addLicences: z.array(z.string()).max(50).describe('Part numbers or skuIds; may be empty.'),
          removeLicences: z.array(z.string()).max(50).describe('Part numbers or skuIds; may be empty.'),
        }),
        response: { 200: userResponse },
      },
    },
    async (request) => {
      const actor = requireUserAdministrator(request);
      return changeUserLicences(ctx, actor, request.params.id, request.body);
    },
  );

  r.post(
    '/directory/licences/:partNumber/assign',
    {
      schema: {
        tags,
        summary: 'Assign one licence to many users: all of them or, when seats run out, none',
        params: partNumberParams,
        body: bulkBody,
        response: {
          200: z.object({
            licence: licenceResponse,
            assigned: z.array(z.string()),
            unchanged: z.array(z.string()).describe('Users who already held the licence.'),
          }),
        },
      },
    },
    async (request) => {
      const actor = requireUserAdministrator(request);
      return assignLicence(ctx, actor, request.params.partNumber, request.body.userIds);
    },
  );

  r.post(
    '/directory/licences/:partNumber/remove',
    {
      schema: {
        tags,
        summary: 'Remove one licence from many users and release the seats',
        params: partNumberParams,
        body: bulkBody,
        response: {
          200: z.object({
            licence: licenceResponse,
            removed: z.array(z.string()),
            unchanged: z.array(z.string()).describe('Users who did not hold the licence.'),
          }),
        },
      },
    },
    async (request) => {
      const actor = requireUserAdministrator(request);
      return removeLicence(ctx, actor, request.params.partNumber, request.body.userIds);
    },
  );
}
