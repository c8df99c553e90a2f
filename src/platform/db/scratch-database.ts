import crypto from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  /** Connection string of the new database. */
  url: string;
  /** Drops it (closing any connection still open to it). */
  drop(): Promise<void>;
}

/**
 * Creates a throw-away PostgreSQL database next to `adminUrl` (tests and benchmarks: each run gets
 * its own and drops it afterwards, so runs never see each other's data).
 */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`Invalid database name prefix "${prefix}".`);
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      // A pool that has just been ended may still be closing its connections; killing them with
      // FORCE makes the server send those clients a FATAL error they no longer listen for (an
      // uncaught exception in the test process). Wait for them to go, and force only as a last resort.
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          await run(`drop database if exists ${name}`);
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== '55006') throw error; // object in use
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await run(`drop database if exists ${name} with (force)`);
    },
  };
}
