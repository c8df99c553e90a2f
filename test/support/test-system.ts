import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createScratchDatabase } from '../../src/platform/db/scratch-database.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { startTandem, type RunningTandem } from '../../src/main.js';
import { templatePgdata } from './template.js';

export const TEST_ADMIN_PASSWORD = 'Adm1n-Passw0rd!';

export interface TestSystem {
  url: string;
  admin: { upn: string; password: string };
  /** The running server; replaced by `restartTestSystem`. */
  running: RunningTandem;
  config: Config;
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  /**
   * Listen on a port picked now rather than port 0, so that `restartTestSystem` can start the server
   * again at the same URL (URLs stored in the data, such as the bridge's Sales URL, stay valid).
   */
  fixedPort?: boolean;
  /** Log lines (JSON) go here instead of nowhere: for tests of what the log says. */
  logStream?: { write(line: string): unknown };
}

/** A loopback TCP port that is free at this moment (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const environments = new WeakMap<TestSystem, Record<string, string>>();

/**
 * The whole system on loopback with a real database: a copy of the migrated PGlite template, or a
 * fresh PostgreSQL database when TANDEM_TEST_DATABASE_URL is set (created here, dropped on stop).
 */
export async function startTestSystem(
  env: Record<string, string> = {},
  options: TestSystemOptions = {},
): Promise<TestSystem> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-test-'));
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  const adminUrl = process.env.TANDEM_TEST_DATABASE_URL;
  if (adminUrl) {
    const created = await createScratchDatabase(adminUrl, 'tandem_test');
    databaseUrl = created.url;
    dropDatabase = created.drop;
  } else {
    fs.cpSync(templatePgdata(), path.join(dataDir, 'pgdata'), { recursive: true });
  }
  const environment: Record<string, string> = {
    TANDEM_PORT: options.fixedPort ? String(await freePort()) : '0',
    TANDEM_DATA_DIR: dataDir,
    TANDEM_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  };
  const config = loadConfig(environment);
  const running = await startTandem(
    config,
    options.logStream ? { log: true, logStream: options.logStream } : { log: false },
  );
  const system: TestSystem = {
    url: running.url,
    admin: { upn: config.adminUpn, password: TEST_ADMIN_PASSWORD },
    running,
    config,
    async stop() {
      await system.running.close();
      if (dropDatabase) await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  environments.set(system, environment);
  return system;
}

/**
 * A real restart: stops the server (closing its database) and starts Tandem again on the same data
 * (PGlite data directory or PostgreSQL database) with the same configuration and port. Whatever lived
 * only in the old process's memory is gone. Needs a system started with `fixedPort`.
 */
export async function restartTestSystem(system: TestSystem): Promise<void> {
  const environment = environments.get(system);
  if (!environment || environment.TANDEM_PORT === '0') {
    throw new Error('restartTestSystem needs a system started with { fixedPort: true }.');
  }
  await system.running.close();
  const config = loadConfig(environment);
  system.running = await startTandem(config, { log: false });
  system.config = config;
  if (system.running.url !== system.url) {
    throw new Error(`The restarted system listens at ${system.running.url}, not ${system.url}.`);
  }
}
