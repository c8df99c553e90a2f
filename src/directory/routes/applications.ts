import type { FastifyInstance } from 'fastify';
import type { DirectoryContext } from '../context.js';

/** Placeholder wired into the directory's index; filled in by the applications work. */
export async function registerApplicationsRoutes(
  _app: FastifyInstance,
  _ctx: DirectoryContext,
): Promise<void> {}
