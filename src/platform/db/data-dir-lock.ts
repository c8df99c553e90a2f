import fs from 'node:fs';
import { ensurePrivateDir } from '../private-dir.js';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../http/app-error.js';

/** Data directories locked by this very process (a second PGlite in one process loses data too). */
const heldHere = new Set<string>();

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the exclusive lock on an embedded data directory. PGlite lets a second process open the same
 * directory without complaint and then silently loses that process's writes (measured), so Tandem
 * refuses the second opener at once, naming the holder. A lock left by a dead process is taken over.
 * Returns the function that releases it.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'tandem.lock');
  const key = path.resolve(lockPath);
  if (heldHere.has(key)) {
    throw new AppError(
      'Conflict',
      `The data directory ${dataDir} is already open in this process. Use one Tandem instance per data directory.`,
    );
  }
  ensurePrivateDir(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(
        fd,
        JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }),
      );
      fs.closeSync(fd);
      heldHere.add(key);
      return () => {
        heldHere.delete(key);
        try {
          fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: number; host?: string } = {};
      try {
        holder = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as typeof holder;
      } catch {
        /* unreadable or half-written lock: treat as stale */
      }
      const sameHost = !holder.host || holder.host === os.hostname();
      if (
        typeof holder.pid === 'number' &&
        sameHost &&
        holder.pid !== process.pid &&
        processIsAlive(holder.pid)
      ) {
        throw new AppError(
          'Conflict',
          `Another Tandem process (pid ${holder.pid}) is using the data directory ${dataDir}. ` +
            'The embedded database allows one process per data directory: stop that process, ' +
            'point TANDEM_DATA_DIR at another directory, or set DATABASE_URL to use PostgreSQL.',
        );
      }
      if (typeof holder.pid === 'number' && !sameHost) {
        throw new AppError(
          'Conflict',
          `The data directory ${dataDir} is locked by host ${holder.host} (pid ${holder.pid}). ` +
            `If that process is gone, delete ${lockPath} and start again.`,
        );
      }
      fs.rmSync(lockPath, { force: true }); // stale: its process is dead
    }
  }
  throw new AppError(
    'Conflict',
    `Could not lock the data directory ${dataDir}; delete ${lockPath} and retry.`,
  );
}
