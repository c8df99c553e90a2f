import fs from 'node:fs';
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
  running: RunningTandem;
  config: Config;
  stop(): Promise<void>;
}

/**
 * The whole system on loopback with a real database: a copy of the migrated PGlite template, or a
 * fresh PostgreSQL database when TANDEM_TEST_DATABASE_URL is set (created here, dropped on stop).
 */
export async function startTestSystem(env: Record<string, string> = {}): Promise<TestSystem> {
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
  const config = loadConfig({
    TANDEM_PORT: '0',
    TANDEM_DATA_DIR: dataDir,
    TANDEM_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const running = await startTandem(config, { log: false });
  return {
    url: running.url,
    admin: { upn: config.adminUpn, password: TEST_ADMIN_PASSWORD },
    running,
    config,
    async stop() {
      await running.close();
      if (dropDatabase) await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
