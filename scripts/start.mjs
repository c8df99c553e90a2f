#!/usr/bin/env node
/**
 * `npm start`: builds only what changed since the last build, then runs the server in this process.
 *
 * - The server (tsc) is rebuilt when a source file, a tsconfig or package.json is newer than
 *   dist/main.js; the console (vite) when a file under web/ is newer than dist/web/index.html.
 * - The server runs here rather than in a child, so a process manager's SIGTERM or SIGINT reaches
 *   it (graceful shutdown). npm runs this script through a shell that may not pass a signal on: when
 *   that shell goes, this process is handed to another parent, and it stops as if told SIGTERM.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function mtime(file) {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

function newest(dir, accept = () => true) {
  let latest = 0;
  if (!fs.existsSync(dir)) return latest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (accept(file)) latest = Math.max(latest, mtime(file));
  }
  return latest;
}

function run(what, args) {
  process.stdout.write(`Building ${what} (changed since the last build)…\n`);
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
}

const serverBuilt = mtime(path.join(ROOT, 'dist', 'main.js'));
const serverSources = Math.max(
  newest(path.join(ROOT, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts')),
  newest(path.join(ROOT, 'drizzle')),
  ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => mtime(path.join(ROOT, f))),
);
if (serverBuilt === 0 || serverSources > serverBuilt) {
  run('the server', [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  // tsc leaves unchanged outputs alone: mark the build as newer than the sources it was made from.
  const now = new Date();
  fs.utimesSync(path.join(ROOT, 'dist', 'main.js'), now, now);
}
const webBuilt = mtime(path.join(ROOT, 'dist', 'web', 'index.html'));
if (webBuilt === 0 || newest(path.join(ROOT, 'web')) > webBuilt) {
  run('the console', [
    path.join(ROOT, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    'web/vite.config.ts',
  ]);
}

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 500).unref();

const { runUntilSignalled } = await import(pathToFileURL(path.join(ROOT, 'dist', 'main.js')).href);
const { loadConfig } = await import(pathToFileURL(path.join(ROOT, 'dist', 'platform', 'config.js')).href);
try {
  await runUntilSignalled(loadConfig());
} catch (error) {
  process.stderr.write(`Tandem could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
