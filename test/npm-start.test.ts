/**
 * Reliability (issue 12, item 3): `npm start` under a process manager. SIGTERM to `npm start` stops
 * the server and frees its port (npm's shell used to leave `node dist/main.js` running), and a start
 * with nothing changed builds nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../src/platform/db/scratch-database.js';
import { templatePgdata } from './support/template.js';
import { freePort } from './support/test-system.js';
import { ensureWebBundle } from './support/web-bundle.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function environment(): Promise<Record<string, string>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-start-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    TANDEM_PORT: String(await freePort()),
    TANDEM_DATA_DIR: dataDir,
    TANDEM_ADMIN_PASSWORD: 'St4rt-Passw0rd!',
    LOG_LEVEL: 'warn',
  };
  const adminUrl = process.env.TANDEM_TEST_DATABASE_URL;
  if (adminUrl) {
    const created = await createScratchDatabase(adminUrl, 'tandem_start');
    cleanups.push(created.drop);
    env.DATABASE_URL = created.url;
  } else {
    fs.cpSync(templatePgdata(), path.join(dataDir, 'pgdata'), { recursive: true });
  }
  return env;
}

function npmStart(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, ...env, CI: '', npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => output };
}

async function answers(port: string): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  } catch {
    return false;
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

describe('npm start', () => {
  it('stops the server when npm start gets SIGTERM, and builds nothing when nothing changed', async () => {
    await ensureWebBundle();
    const env = await environment();
    // A first start builds whatever is stale (a fresh checkout: everything).
    const first = npmStart(env);
    expect(await until(() => answers(env.TANDEM_PORT!), 240_000), first.output()).toBe(true);
    first.child.kill('SIGTERM');
    expect(await until(async () => !(await answers(env.TANDEM_PORT!)), 15_000), first.output()).toBe(true);
    await until(async () => first.child.exitCode !== null || first.child.signalCode !== null, 15_000);

    const built = ['dist/main.js', 'dist/web/index.html'].map((f) => fs.statSync(path.join(ROOT, f)).mtimeMs);
    const second = npmStart(env);
    expect(await until(() => answers(env.TANDEM_PORT!), 60_000), second.output()).toBe(true);
    expect(second.output()).not.toContain('Building');
    expect(
      ['dist/main.js', 'dist/web/index.html'].map((f) => fs.statSync(path.join(ROOT, f)).mtimeMs),
    ).toEqual(built);
    second.child.kill('SIGTERM');
    expect(await until(async () => !(await answers(env.TANDEM_PORT!)), 15_000), second.output()).toBe(true);
  }, 420_000);
});
