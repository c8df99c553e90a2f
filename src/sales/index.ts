import type { FastifyInstance } from 'fastify';
import type { DirectoryFeed } from '../directory/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { SalesContext } from './context.js';
import { registerWebApi } from './webapi/index.js';

export type { SalesContext } from './context.js';

export interface SalesApp {
  context: SalesContext;
  /** Registers the Sales routes (Web API, admin endpoints) in the scope given. */
  registerRoutes(scope: FastifyInstance): Promise<void>;
  /** Stops background work (user provisioning). */
  close(): Promise<void>;
}

/** The Sales app's face: builds its context, runs its first-start work, exposes its routes. */
export async function createSales(deps: {
  db: Database;
  config: Config;
  feed: DirectoryFeed;
}): Promise<SalesApp> {
  const context: SalesContext = { ...deps };
  return {
    context,
    async registerRoutes(scope) {
      await registerWebApi(scope, context);
    },
    async close() {},
  };
}
