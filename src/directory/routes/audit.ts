import type { FastifyInstance } from 'fastify';
import type { DirectoryContext } from '../context.js';

/** Placeholder wired into the directory's index; filled in by the audit work. */
export async function registerAuditRoutes(_app: FastifyInstance, _ctx: DirectoryContext): Promise<void> {}
