import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/platform/db/database.js';
import { startJobQueue, stopJobQueue } from '../../src/platform/jobs/job-queue.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDir: string;
  }
}

/**
 * Builds one migrated PGlite data directory per test run; each test system copies it instead of
 * running initdb (~5 s and ~800 MB each). Skipped when the tests run on PostgreSQL.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  // One template per run (not a fixed path), so two test runs at once cannot trample each other.
  const templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-template-'));
  project.provide('templateDir', templateDir);
  if (!process.env.TANDEM_TEST_DATABASE_URL) {
    const handle = await openDatabase({ dataDir: templateDir });
    // The job queue's schema too, as `tandem start` creates it.
    const jobs = await startJobQueue({ executeSql: handle.executeSql, onError: () => {} });
    await stopJobQueue(jobs);
    await handle.close();
  }
  return () => fs.rmSync(templateDir, { recursive: true, force: true });
}
