import fs from 'node:fs';
import { logDestination } from './platform/http/log-format.js';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerConsole } from './console/register-console.js';
import { createBridge, type BridgeApp } from './bridge/index.js';
import { startJobQueue, stopJobQueue, type JobQueue } from './platform/jobs/job-queue.js';
import { createDirectory, type DirectoryApp, type TenantBootstrap } from './directory/index.js';
import { createErp, ERP_OPENAPI_PATH, type ErpApp } from './erp/index.js';
import { createSales, SALES_WEBAPI_OPENAPI_PATH, type SalesApp } from './sales/index.js';
import { loadConfig, type Config } from './platform/config.js';
import { openDatabase, type DatabaseHandle } from './platform/db/database.js';
import { startDatabaseMaintenance } from './platform/db/maintenance.js';
import { createHttpServer, type HttpServer } from './platform/http/create-server.js';
import { SecretBox } from './platform/security/secret-box.js';
import { ForegroundGate } from './platform/jobs/foreground-gate.js';
import { sql } from 'drizzle-orm';

export interface RunningTandem {
  config: Config;
  url: string;
  server: HttpServer;
  database: DatabaseHandle;
  tenant: TenantBootstrap;
  /** Requests in flight; background loops wait on it. */
  gate: ForegroundGate;
  directory: DirectoryApp;
  sales: SalesApp;
  erp: ErpApp;
  bridge: BridgeApp;
  /** Stops accepting requests, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.dirname(here)]) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file))
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

/** The composition root: config → secrets → database → apps → HTTP. */
export async function startTandem(
  config: Config,
  options: { log?: boolean; logStream?: { write(line: string): unknown } } = {},
): Promise<RunningTandem> {
  const secrets = SecretBox.loadOrCreate(config.dataDir, config.secretKey);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // Background loops give way to requests (on PGlite all queries share one thread).
  const gate = new ForegroundGate();
  let jobs: JobQueue | undefined;
  try {
    const directory = await createDirectory({ db: database.db, config, secrets });
    const erp = await createErp({ db: database.db, config, feed: directory.feed, gate });
    const sales = await createSales({ db: database.db, config, feed: directory.feed, gate });
    // pg-boss on the same database; the bridge's sync runs are its jobs.
    jobs = await startJobQueue({
      executeSql: database.executeSql,
      onError: (error) =>
        process.stderr.write(`Job queue: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    const bridge = await createBridge({ db: database.db, config, secrets, jobs, gate });
    const server = await createHttpServer({
      logLevel: config.logLevel,
      log: options.log,
      ...(options.logStream
        ? { logStream: options.logStream }
        : config.logFormat === 'pretty'
          ? { logStream: logDestination('pretty')! }
          : {}),
      title: 'Tandem',
      version: packageVersion(),
      documents: [
        { name: 'ERP API (Business Central API v2.0)', url: ERP_OPENAPI_PATH },
        { name: 'Sales Web API (Dataverse Web API v9.2)', url: SALES_WEBAPI_OPENAPI_PATH },
      ],
      healthCheck: async () => {
        await database.db.execute(sql`select 1`);
        return { database: database.kind };
      },
    });
    server.addHook('onRequest', async (request, reply) => {
      gate.enter();
      reply.raw.once('close', () => gate.leave());
    });
    // PGlite has no autovacuum: Tandem vacuums and analyzes it itself, soon after writes.
    const maintenance = startDatabaseMaintenance(database, gate, {
      onError: (error) => server.log.warn({ err: error }, 'database maintenance failed'),
    });
    server.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) maintenance.wake();
    });
    // Each app registers in its own encapsulated scope: its authenticator and error shape stay its own.
    await server.register(async (scope) => directory.registerRoutes(scope));
    await server.register(async (scope) => erp.registerRoutes(scope));
    await server.register(async (scope) => sales.registerRoutes(scope));
    await server.register(async (scope) => bridge.registerRoutes(scope));
    await server.register(async (scope) => registerConsole(scope));
    await server.listen({ host: config.host, port: config.port });
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.port === 0 ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
    if (config.port === 0) config.publicUrl = url;
    let closing: Promise<void> | undefined;
    return {
      config,
      url,
      server,
      database,
      tenant: directory.tenant,
      gate,
      directory,
      sales,
      erp,
      bridge,
      close() {
        closing ??= (async () => {
          const failures: unknown[] = [];
          await server.close().catch((error: unknown) => failures.push(error));
          erp.close();
          directory.close();
          // The database closes even if a background loop fails to stop cleanly.
          for (const stopped of await Promise.allSettled([
            bridge.close(),
            sales.close(),
            maintenance.stop(),
          ])) {
            if (stopped.status === 'rejected') failures.push(stopped.reason);
          }
          await stopJobQueue(jobs!).catch((error: unknown) => failures.push(error));
          await database.close();
          if (failures.length > 0) throw failures[0];
        })();
        return closing;
      },
    };
  } catch (error) {
    if (jobs) await stopJobQueue(jobs).catch(() => {});
    await database.close();
    throw error;
  }
}

/** What `npm start` prints: where to go and, on first run, how to sign in. */
export function startBanner(running: RunningTandem): string {
  const lines = [
    '',
    `Tandem is running at ${running.url}`,
    `  console:  ${running.url}/`,
    `  API docs: ${running.url}/docs`,
    `  storage:  ${running.database.kind === 'pglite' ? `embedded PGlite in ${running.database.location}` : running.database.location}`,
  ];
  if (running.tenant.generatedAdminPassword) {
    lines.push(
      '',
      'First start: the tenant was created. Sign in as its Global administrator:',
      `  user name: ${running.tenant.adminUpn}`,
      `  password:  ${running.tenant.generatedAdminPassword}`,
      'This password is shown only now. Keep it safe (or set TANDEM_ADMIN_PASSWORD before the first start).',
    );
  } else if (running.tenant.created) {
    lines.push(
      '',
      `First start: the tenant was created. Administrator: ${running.tenant.adminUpn} (password from TANDEM_ADMIN_PASSWORD).`,
    );
  } else {
    lines.push(`  administrator: ${running.tenant.adminUpn}`);
  }
  return lines.join('\n') + '\n';
}

/** Runs Tandem until SIGINT/SIGTERM, then shuts down gracefully (no request or write lost). */
export async function runUntilSignalled(config: Config): Promise<void> {
  const running = await startTandem(config);
  process.stdout.write(startBanner(running));
  const stop = async (signal: string) => {
    running.server.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const invokedDirectly =
  process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  runUntilSignalled(loadConfig()).catch((error: unknown) => {
    process.stderr.write(
      `Tandem could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
