import fs from 'node:fs';
import { ensurePrivateDir } from '../private-dir.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { lockDataDir } from './data-dir-lock.js';

/** The drizzle database both drivers give us; apps use only the query builder and `sql`. */
export type Database = PgDatabase<PgQueryResultHKT>;
export type Transaction = PgTransaction<
  PgQueryResultHKT,
  Record<string, never>,
  ExtractTablesWithRelations<Record<string, never>>
>;
/** Something that runs queries: the database itself or an open transaction. */
export type Queryable = Database | Transaction;

/** Raw SQL with positional parameters, for a library that brings its own SQL (the job queue). */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

export interface DatabaseHandle {
  db: Database;
  /**
   * The same database for raw SQL. A text of several statements (no parameters) answers as
   * node-postgres does: one result, or an array of results.
   */
  executeSql: ExecuteSql;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages: a directory or the database name. */
  location: string;
  close(): Promise<void>;
}

/** Apps in migration order; each has its own folder drizzle/<app> and bookkeeping table. */
const APP_ORDER = ['directory', 'erp', 'sales', 'bridge'];

export interface MigrationSet {
  app: string;
  folder: string;
  /** drizzle's bookkeeping table for this app, in the `drizzle` schema. */
  table: string;
}

/**
 * The migration folders (drizzle/<app>/ with a journal), found from both src/ (tests) and dist/
 * (built). One folder per app keeps apps independent: each owns its schema and its history.
 */
export function migrationSets(): MigrationSet[] {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const root = path.join(dir, 'drizzle');
    if (fs.existsSync(path.join(root, 'directory', 'meta', '_journal.json'))) {
      const apps = fs
        .readdirSync(root)
        .filter((name) => fs.existsSync(path.join(root, name, 'meta', '_journal.json')))
        .sort((a, b) => {
          const ia = APP_ORDER.indexOf(a);
          const ib = APP_ORDER.indexOf(b);
          return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
        });
      return apps.map((app) => ({ app, folder: path.join(root, app), table: `migrations_${app}` }));
    }
    dir = path.dirname(dir);
  }
  throw new Error('drizzle/ migrations folder not found next to the package');
}

/** Rows of a raw `db.execute(sql…)`, which both drivers return under `.rows`. */
export async function queryRows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result = (await q.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const release = lockDataDir(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const pgdata = path.join(dataDir, 'pgdata');
    ensurePrivateDir(pgdata);
    const client = await PGlite.create(pgdata);
    const db = drizzle(client);
    for (const set of migrationSets()) {
      await migrate(db, {
        migrationsFolder: set.folder,
        migrationsSchema: 'drizzle',
        migrationsTable: set.table,
      });
    }
    return {
      db: db as unknown as Database,
      executeSql: async (text, values) => {
        if (values && values.length > 0) return client.query(text, values);
        const results = await client.exec(text);
        return (results.length === 1 ? results[0] : results) as { rows: unknown[] };
      },
      kind: 'pglite',
      location: dataDir,
      async close() {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const pg = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  // int8 (row versions, counts) as JS numbers, like PGlite returns them: row versions stay far below 2^53.
  pg.default.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.default.Pool({ connectionString: url, max: 10 });
  // An idle connection the server ends (restart, an administrator, a dropped test database) is an
  // 'error' event on the pool; unhandled it would crash the process. The pool replaces the connection
  // and the next query reports any real problem.
  pool.on('error', (error) => {
    process.stderr.write(`PostgreSQL closed an idle connection: ${error.message}\n`);
  });
  const db = drizzle(pool);
  try {
    for (const set of migrationSets()) {
      await migrate(db, {
        migrationsFolder: set.folder,
        migrationsSchema: 'drizzle',
        migrationsTable: set.table,
      });
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  let name = 'postgres';
  try {
    name = new URL(url).pathname.slice(1) || name;
  } catch {
    /* keyword/value connection strings */
  }
  return {
    db: db as unknown as Database,
    executeSql: (text, values) => pool.query(text, values),
    kind: 'postgres',
    location: `PostgreSQL database "${name}"`,
    close: () => pool.end(),
  };
}

/** PostgreSQL when a URL is given, else the embedded PGlite store in dataDir; migrations applied. */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
}): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}
