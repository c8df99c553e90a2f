import type { FastifyInstance } from 'fastify';
import type { ForegroundGate } from '../platform/jobs/foreground-gate.js';
import type { DirectoryFeed } from '../directory/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { SalesContext } from './context.js';
import { bootstrapSales } from './first-start.js';
import { startProvisioning } from './provisioning.js';
import { registerAdminRoutes } from './routes/admin.js';
import { createSalesTokenVerifier } from './security/authenticate.js';
import { registerSignInCheck } from './sign-in-check.js';
import { registerWebApi } from './webapi/index.js';

export type { SalesContext } from './context.js';
export type { SalesCaller } from './security/caller.js';
export { SALES_WEBAPI_OPENAPI_PATH } from './webapi/openapi.js';

export interface SalesApp {
  context: SalesContext;
  /** Registers the Sales routes (Web API, admin endpoints) in the scope given. */
  registerRoutes(scope: FastifyInstance): Promise<void>;
  /** Stops background work (user provisioning) and removes the sign-in check. */
  close(): Promise<void>;
}

/** The Sales app's face: builds its context, runs its first-start work, exposes its routes. */
export async function createSales(deps: {
  db: Database;
  config: Config;
  feed: DirectoryFeed;
  gate?: ForegroundGate;
}): Promise<SalesApp> {
  const context: SalesContext = { ...deps, verifyToken: createSalesTokenVerifier(deps.config) };
  await bootstrapSales(context);
  const provisioning = startProvisioning(context);
  const removeSignInCheck = registerSignInCheck(context);
  return {
    context,
    async registerRoutes(scope) {
      await registerWebApi(scope, context);
      await registerAdminRoutes(scope, context);
    },
    async close() {
      removeSignInCheck();
      await provisioning.stop();
    },
  };
}
