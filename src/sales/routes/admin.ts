import type { FastifyInstance } from 'fastify';
import { sendProblem } from '../../platform/http/problem.js';
import type { SalesContext } from '../context.js';
import { registerAdminAuditRoutes } from './admin-audit.js';
import { registerAdminRolesRoutes } from './admin-roles.js';
import { registerAdminSolutionsRoutes } from './admin-solutions.js';
import { registerAdminUsersRoutes } from './admin-users.js';

/**
 * The Sales admin API under /sales/admin (REST + JSON for the console and scripts), in its own
 * scope: its errors are problem+json like the directory's, whatever shape the Web API uses.
 * Callers authenticate with a bearer token; what they may do is decided by their Sales roles.
 */
export async function registerAdminRoutes(scope: FastifyInstance, ctx: SalesContext): Promise<void> {
  await scope.register(async (admin) => {
    admin.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
    await registerAdminUsersRoutes(admin, ctx);
    await registerAdminRolesRoutes(admin, ctx);
    await registerAdminSolutionsRoutes(admin, ctx);
    await registerAdminAuditRoutes(admin, ctx);
  });
}
