import type { FastifyInstance } from 'fastify';
import type { DirectoryContext } from '../context.js';

/** Placeholder wired into the directory's index; filled in by the imports work. */
export async function registerImportsRoutes(_app: FastifyInstance, _ctx: DirectoryContext): Promise<void> {}
