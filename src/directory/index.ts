import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { SecretBox } from '../platform/security/secret-box.js';
import type { DirectoryContext } from './context.js';
import { bootstrapTenant, type TenantBootstrap } from './first-run.js';
import { createAuthenticator } from './authenticate.js';
import { requireConsoleRequestForSessionWrites } from './console-request.js';
import { ensureSigningKey } from './signing-keys.js';
import { createDirectoryFeed, pruneOutbox, type DirectoryFeed } from './feed.js';
import { installAuthentication } from '../platform/http/principal.js';
import { registerApplicationsRoutes } from './routes/applications.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerConsoleSessionRoutes } from './routes/console-session.js';
import { registerImportsRoutes } from './routes/imports.js';
import { registerLicencesRoutes } from './routes/licences.js';
import { registerUsersRoutes } from './routes/users.js';

export type { DirectoryContext, Actor } from './context.js';
export type { TenantBootstrap } from './first-run.js';
export type { DirectoryFeed, UserSnapshot, DeletedUser, FeedChange } from './feed.js';
/** Checks other apps add to console sign-in (e.g. Sales refuses non-interactive users, rule A4). */
export { interactiveSignInChecks, type InteractiveSignInCheck } from './sign-in.js';

export interface DirectoryApp {
  context: DirectoryContext;
  tenant: TenantBootstrap;
  /** The user feed Sales and the ERP provision their users from. */
  feed: DirectoryFeed;
  /** Registers the directory's HTTP routes (REST under /directory, sign-in, OAuth, JWKS). */
  registerRoutes(app: FastifyInstance): Promise<void>;
  /** Stops background housekeeping. */
  close(): void;
}

/** The directory's face: builds its context, creates the tenant on first run, exposes its routes. */
export async function createDirectory(deps: {
  db: Database;
  config: Config;
  secrets: SecretBox;
}): Promise<DirectoryApp> {
  const context: DirectoryContext = {
    ...deps,
    generatedSecretKey: deps.secrets.deriveKey('generated-secrets'),
  };
  const tenant = await bootstrapTenant(context);
  await ensureSigningKey(context);
  const events = new EventEmitter();
  events.setMaxListeners(50);
  const feed = createDirectoryFeed(context, events);
  const prune = () => void pruneOutbox(context).catch(() => undefined);
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  pruneTimer.unref();
  return {
    context,
    tenant,
    feed,
    close: () => clearInterval(pruneTimer),
    async registerRoutes(app) {
      installAuthentication(app, createAuthenticator(context));
      // After authentication (hooks run in order), before the body is read.
      app.addHook('onRequest', async (request) =>
        requireConsoleRequestForSessionWrites(request, context.config.publicUrl),
      );
      // Wake in-process feed consumers after any successful write; others poll the outbox.
      app.addHook('onResponse', async (request, reply) => {
        if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) {
          events.emit('changed');
        }
      });
      await registerAuthRoutes(app, context);
      await registerConsoleSessionRoutes(app, context);
      await registerUsersRoutes(app, context);
      await registerLicencesRoutes(app, context);
      await registerApplicationsRoutes(app, context);
      await registerImportsRoutes(app, context);
      await registerAuditRoutes(app, context);
    },
  };
}
