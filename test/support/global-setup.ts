import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/platform/db/database.js';

export const TEMPLATE_DIR = path.resolve('.tandem-test/template');

/**
 * Builds one migrated PGlite data directory per test run; each test system copies it instead of
 * running initdb (~5 s and ~800 MB each). Skipped when the tests run on PostgreSQL.
 */
export default async function setup(): Promise<void> {
  if (process.env.TANDEM_TEST_DATABASE_URL) return;
  fs.rmSync(TEMPLATE_DIR, { recursive: true, force: true });
  const handle = await openDatabase({ dataDir: TEMPLATE_DIR });
  await handle.close();
}
