import type { FastifyInstance } from 'fastify';
import type { DirectoryFeed } from '../directory/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import { createTokenVerifier } from '../platform/http/token-verifier.js';
import type { ForegroundGate } from '../platform/jobs/foreground-gate.js';
import { createErpAuthenticator } from './api/authenticate.js';
import { runBatch } from './api/batch.js';
import { sendBcError } from './api/bc-errors.js';
import { API_ROOTS, dispatch, type DispatchDeps } from './api/dispatch.js';
import { ERP_OPENAPI_PATH, erpOpenApiDocument } from './api/openapi.js';
import { ensureDefaultCompany } from './companies.js';
import { erpError } from './errors.js';
import type { ErpContext } from './context.js';
import { startProvisioning, type Provisioner } from './provisioning.js';

export type { Caller, ErpContext } from './context.js';
export { PERMISSION_SETS, type PermissionSet } from './permission-sets.js';
export { ERP_OPENAPI_PATH } from './api/openapi.js';

/** Business Central's default maximum page size of the API. */
export const DEFAULT_PAGE_SIZE = 20_000;

export interface ErpApp {
  context: ErpContext;
  /** The directory-feed consumer that provisions ERP users; `runNow()` catches up at once. */
  provisioning: Provisioner;
  /**
   * Registers the BC-compatible API (/api/v2.0/), the change feed, the administration API and their
   * OpenAPI document (ERP_OPENAPI_PATH).
   */
  registerRoutes(app: FastifyInstance): Promise<void>;
  close(): void;
}

/**
 * The ERP's face: creates the default company on first start, provisions users from the directory
 * feed (a full load the first time), and serves its APIs in a scope whose errors are BC-shaped.
 */
export async function createErp(deps: {
  db: Database;
  config: Config;
  feed: DirectoryFeed;
  /** Background provisioning gives way to requests in flight. */
  gate?: ForegroundGate;
  pageSize?: number;
}): Promise<ErpApp> {
  const context: ErpContext = { db: deps.db, config: deps.config };
  await ensureDefaultCompany(deps.db, deps.config.companyName, deps.config.localCurrency);
  let log: (error: unknown) => void = (error) =>
    process.stderr.write(
      `ERP user provisioning failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  const provisioning = startProvisioning(deps.db, deps.feed, (error) => log(error), deps.gate);
  await provisioning.runNow();
  const dispatchDeps: DispatchDeps = { ctx: context, maxPageSize: deps.pageSize ?? DEFAULT_PAGE_SIZE };
  const verifier = createTokenVerifier({
    authority: () => deps.config.publicUrl,
    audiences: () => [
      deps.config.publicUrl,
      `${deps.config.publicUrl}/`,
      'tandem',
      'https://api.businesscentral.dynamics.com',
    ],
  });
  const authenticate = createErpAuthenticator(deps.db, verifier);

  return {
    context,
    provisioning,
    close: () => provisioning.close(),
    async registerRoutes(app) {
      log = (error) => app.log.error({ err: error }, 'ERP user provisioning failed');
      app.setErrorHandler((error, request, reply) => sendBcError(error, request, reply));
      const handler = async (
        request: Parameters<Parameters<FastifyInstance['route']>[0]['handler']>[0],
        reply: Parameters<Parameters<FastifyInstance['route']>[0]['handler']>[1],
      ) => {
        const caller = await authenticate(request);
        const path = request.url.split('?')[0]!;
        if (path === `${API_ROOTS.v2}$batch` || path === `${API_ROOTS.v2}%24batch`) {
          if (request.method !== 'POST')
            throw erpError(
              'MethodNotAllowed',
              'BadRequest_MethodNotAllowed',
              `'${request.method}' requests for '$batch' are not allowed; POST the batch.`,
            );
          const isolation = String(request.headers.isolation ?? '').toLowerCase();
          const result = await runBatch(dispatchDeps, caller, request.body, {
            atomic: isolation === 'snapshot',
            correlationId: request.id,
          });
          return reply.status(200).header('content-type', 'application/json; charset=utf-8').send(result);
        }
        const response = await dispatch(dispatchDeps, caller, {
          method: request.method,
          url: request.url,
          headers: Object.fromEntries(
            Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
          ),
          body: request.body,
        });
        reply.status(response.status).headers(response.headers);
        return response.body === undefined ? reply.send() : reply.send(response.body);
      };
      // Public like /docs/json: it describes the API, not anyone's data. Hidden from /docs/json,
      // which lists it beside itself instead.
      app.get(ERP_OPENAPI_PATH, { schema: { hide: true } }, async () =>
        erpOpenApiDocument(deps.config.publicUrl),
      );
      for (const prefix of Object.values(API_ROOTS)) {
        app.route({
          method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
          url: `${prefix}*`,
          schema: { hide: true },
          handler,
        });
      }
    },
  };
}
