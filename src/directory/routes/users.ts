import type { FastifyInstance } from 'fastify';
import type { DirectoryContext } from '../context.js';

/** Placeholder wired into the directory's index; filled in by the users work. */
export async function registerUsersRoutes(_app: FastifyInstance, _ctx: DirectoryContext): Promise<void> {}
