import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import type { CliIo } from '../src/cli/io.js';
import { M365_HEADER } from '../src/directory/user-fields.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

function capture(env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('tandem CLI', () => {
  let system: TestSystem;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    system = await startTestSystem();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cli-'));
    env = { TANDEM_PASSWORD: system.admin.password };
  });
  afterAll(async () => {
    await system?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the template offline, with sample users under --domain', async () => {
    const c = capture({});
    expect(await runCli(['users', 'template', '--sample', '--domain', 'fabrikam.com'], c.io)).toBe(0);
    const lines = c
      .out()
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(M365_HEADER.join(','));
    expect(lines[1]).toContain('chris@fabrikam.com,Chris,Green');
    expect(lines).toHaveLength(6);
  });

  it('imports the sample file with a licence, writes the results file 0600 and prints JSON', async () => {
    const file = path.join(dir, 'sample.csv');
    const t = capture({});
    expect(await runCli(['users', 'template', '--sample', '--output', file], t.io)).toBe(0);
    const c = capture(env);
    const code = await runCli(
      ['users', 'import', file, '--licence', 'DYN365_ENTERPRISE_PLAN1', '--json', '--url', system.url],
      c.io,
    );
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(c.out()) as {
      ok: boolean;
      apply: { created: number; licensed: number };
      resultsFile: string;
    };
    expect(report).toMatchObject({ ok: true, apply: { created: 5, licensed: 5 } });
    expect(report.resultsFile).toBe(`${file}.results.csv`);
    expect(fs.statSync(report.resultsFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(report.resultsFile, 'utf8')).toMatch(
      /chris@contoso\.com,Chris Green,[A-Za-z2-9-]{24},Created/,
    );

    const again = capture(env);
    expect(
      await runCli(
        ['users', 'import', file, '--url', system.url, '--results', path.join(dir, 'r2.csv')],
        again.io,
      ),
    ).toBe(0);
    expect(again.out()).toContain('Created 0, updated 5, failed 0');
  });

  it('prints problems by row and column and exits 1, importing nothing', async () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, `${M365_HEADER.join(',')}\nx@elsewhere.com,,,X\n,,,No Name\n`);
    const c = capture(env);
    expect(await runCli(['users', 'import', file, '--url', system.url], c.io)).toBe(1);
    expect(c.out()).toContain('row 2, User Name: User Name "x@elsewhere.com"');
    expect(c.out()).toContain('row 3, User Name: User Name is required');
    expect(c.out()).toContain('Nothing was imported');
    expect(fs.existsSync(`${file}.problems.csv`)).toBe(true);
  });

  it('does a dry run', async () => {
    const file = path.join(dir, 'dry.csv');
    fs.writeFileSync(file, `${M365_HEADER.join(',')}\ndry@contoso.com,,,Dry Run,,,,,,,,,,,,US\n`);
    const c = capture(env);
    expect(await runCli(['users', 'import', file, '--dry-run', '--url', system.url], c.io)).toBe(0);
    expect(c.out()).toContain('1 to create');
    expect(c.out()).toContain('Dry run: nothing was imported.');
  });

  it('explains a missing file, wrong credentials and an unreachable server', async () => {
    const missing = capture(env);
    expect(
      await runCli(['users', 'import', path.join(dir, 'nope.csv'), '--url', system.url], missing.io),
    ).toBe(1);
    expect(missing.err()).toContain('File not found');

    const file = path.join(dir, 'one.csv');
    fs.writeFileSync(file, `${M365_HEADER.join(',')}\none@contoso.com,,,One,,,,,,,,,,,,US\n`);
    const wrong = capture({ TANDEM_PASSWORD: 'Wrong-Passw0rd!' });
    expect(await runCli(['users', 'import', file, '--url', system.url], wrong.io)).toBe(1);
    expect(wrong.err()).toContain('Sign-in as admin@contoso.com failed');

    const down = capture(env);
    expect(await runCli(['users', 'import', file, '--url', 'http://127.0.0.1:59999'], down.io)).toBe(1);
    expect(down.err()).toContain('npm start');

    const noPassword = capture({});
    expect(await runCli(['users', 'import', file, '--url', system.url], noPassword.io)).toBe(1);
    expect(noPassword.err()).toContain('TANDEM_PASSWORD');
  });
});
