import path from 'node:path';
import { inject } from 'vitest';

/** The migrated PGlite data directory built once per test run by global-setup.ts; copy, never open. */
export function templatePgdata(): string {
  return path.join(inject('templateDir'), 'pgdata');
}
