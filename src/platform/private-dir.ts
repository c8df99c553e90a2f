import fs from 'node:fs';

/**
 * Creates a directory only Tandem's user can enter (0700), or makes an existing one so: the data
 * directory holds the installation key and PGlite's files (password hashes, sealed secrets), which
 * the usual umask 022 would leave readable by every local user.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}
