import type { FastifyInstance } from 'fastify';
import type { DirectoryContext } from '../context.js';

/** Placeholder wired into the directory's index; filled in by the licences work. */
export async function registerLicencesRoutes(_app: FastifyInstance, _ctx: DirectoryContext): Promise<void> {}
