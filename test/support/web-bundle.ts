import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEB = path.join(ROOT, 'web');
const BUNDLE_INDEX = path.join(ROOT, 'dist', 'web', 'index.html');
const LOCK = path.join(ROOT, 'dist', '.web-build.lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  return fs.existsSync(BUNDLE_INDEX) && fs.statSync(BUNDLE_INDEX).mtimeMs >= newestSource(WEB);
}

/**
 * Makes sure dist/web holds a console built from the current web/ sources: CI builds before the
 * tests, but a developer who edited a page and ran `npm test` must not test yesterday's bundle.
 * Test files run in parallel, so one builds while the others wait on a lock directory.
 */
export async function ensureWebBundle(): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!isFresh()) {
    fs.mkdirSync(path.dirname(LOCK), { recursive: true });
    let locked = false;
    try {
      fs.mkdirSync(LOCK);
      locked = true;
    } catch {
      // Another test file is building; a lock older than 3 minutes was left by a killed run.
      if (Date.now() - fs.statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 180_000) {
        fs.rmSync(LOCK, { recursive: true, force: true });
      }
    }
    if (locked) {
      try {
        if (!isFresh()) {
          execFileSync(
            process.execPath,
            [
              path.join(ROOT, 'node_modules/vite/bin/vite.js'),
              'build',
              '--config',
              'web/vite.config.ts',
              '--logLevel',
              'warn',
            ],
            {
              cwd: ROOT,
              stdio: 'inherit',
            },
          );
        }
      } finally {
        fs.rmSync(LOCK, { recursive: true, force: true });
      }
      return;
    }
    if (Date.now() > deadline)
      throw new Error('Timed out waiting for another test to build the console (dist/web).');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
