import type { FastifyInstance } from 'fastify';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import { sendProblem } from '../platform/http/problem.js';
import { createTokenVerifier } from '../platform/http/token-verifier.js';
import type { ForegroundGate } from '../platform/jobs/foreground-gate.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { SecretBox } from '../platform/security/secret-box.js';
import type { BridgeContext } from './context.js';
import { registerConnectionRoutes } from './routes/connection.js';
import { registerCouplingRoutes } from './routes/coupling.js';
import { registerMappingRoutes } from './routes/mappings.js';
import { registerSetupRoutes } from './routes/setup.js';
import { registerSyncRoutes } from './routes/sync.js';
import type { SyncSettings } from './sync/run-mapping.js';
import { startSyncRuns } from './sync/run-queue.js';
import { startSyncScheduler, type SyncScheduler } from './sync/scheduler.js';
import { startAccountMonitor, type AccountMonitor } from './setup/account-monitor.js';
import { AdminSessions } from './setup/admin-session.js';

export type { BridgeContext } from './context.js';

export interface BridgeApp {
  context: BridgeContext;
  /** The continuous account checks; `runNow()` checks at once. */
  monitor: AccountMonitor;
  /** Background sync: polls both apps' changes and runs the mappings. */
  scheduler: SyncScheduler;
  /** Registers /bridge/* (problem+json errors). */
  registerRoutes(app: FastifyInstance): Promise<void>;
  close(): Promise<void>;
}

/**
 * The bridge's face. It reaches Sales, the ERP and the directory only over HTTP (bridge/clients),
 * and verifies its own callers' tokens against the directory's JWKS like any resource server.
 */
export async function createBridge(deps: {
  db: Database;
  config: Config;
  secrets: SecretBox;
  /** The job queue sync runs go through. */
  jobs: JobQueue;
  gate?: ForegroundGate;
  fetch?: typeof fetch;
}): Promise<BridgeApp> {
  const settings: SyncSettings = { leaseSeconds: deps.config.syncLeaseSeconds, pageSize: 500 };
  const runs = await startSyncRuns(() => context, deps.jobs, settings);
  const context: BridgeContext = {
    runs,
    db: deps.db,
    config: deps.config,
    secrets: deps.secrets,
    adminSessions: new AdminSessions(),
    verifyToken: createTokenVerifier({
      authority: () => deps.config.publicUrl,
      audiences: () => [deps.config.publicUrl, `${deps.config.publicUrl}/`, 'tandem'],
    }),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  };
  let log: (error: unknown) => void = (error) =>
    process.stderr.write(
      `Bridge account check failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  const monitor = startAccountMonitor(context, {
    intervalMs: deps.config.bridgeCheckSeconds * 1000,
    ...(deps.gate ? { gate: deps.gate } : {}),
    onError: (error) => log(error),
  });
  const scheduler = startSyncScheduler(context, {
    pollMs: deps.config.syncPollMs,
    safetyPassMs: deps.config.syncSafetyMinutes * 60_000,
    ...(deps.gate ? { gate: deps.gate } : {}),
    onError: (error) => log(error),
  });
  return {
    context,
    monitor,
    scheduler,
    async close() {
      monitor.close();
      await scheduler.close();
      await runs.close();
    },
    async registerRoutes(app) {
      log = (error) => app.log.error({ err: error }, 'bridge background work (account checks, sync) failed');
      app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
      await registerSetupRoutes(app, context);
      await registerConnectionRoutes(app, context);
      await registerCouplingRoutes(app, context);
      await registerMappingRoutes(app, context);
      await registerSyncRoutes(app, context);
    },
  };
}
