import type { FastifyInstance } from 'fastify';
import type { SalesContext } from '../context.js';

/** Registers the Dataverse-compatible Web API under /api/data/v9.2 (filled in by the Web API work). */
export async function registerWebApi(_scope: FastifyInstance, _ctx: SalesContext): Promise<void> {}
