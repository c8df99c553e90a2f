/**
 * The bridge's CLI commands in-process against a real system: `tandem setup` (prompts, flags, a file,
 * a failing step, resuming, nothing changed twice), `tandem couple salespeople`, `tandem doctor` and
 * `tandem connection`. The tenant is prepared as in the article's journey (bridge-journey.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { runCli } from '../src/cli/run-cli.js';
import { giveRoles, ok, provisionAll, salesUser } from './support/bridge.js';
import { createDirectoryUser } from './support/sales-users.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

const INTEGRATION_PASSWORD = 'Integr4tion-Passw0rd!';
const SAMPLE = ['chris', 'ben', 'david', 'cynthia', 'melissa'];

let system: TestSystem;
let domain: string;
let dir: string;
let env: Record<string, string>;

interface Captured {
  io: CliIo;
  out(): string;
  err(): string;
  asked: string[];
}

/** An io that records what is written; with `answers`, it is a terminal answering prompts in order. */
function capture(vars: Record<string, string | undefined>, answers?: string[]): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const answer = async (question: string) => {
    asked.push(question);
    return answers!.shift() ?? '';
  };
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env: vars,
    ...(answers ? { prompt: answer, promptPassword: answer } : {}),
  };
  return { io, out: () => out.join(''), err: () => err.join(''), asked };
}

async function tandem(args: string[], c: Captured = capture(env)) {
  const code = await runCli([...args, '--url', system.url], c.io);
  return { code, out: c.out(), err: c.err(), all: c.out() + c.err(), asked: c.asked };
}

const integration = () => `integration@${domain}`;
const setupFlags = () => [
  'setup',
  '--sales-url',
  system.url,
  '--allow-http',
  '--integration-user',
  integration(),
  '--create-currency',
];

function expectNoSecrets(text: string) {
  expect(text).not.toContain(INTEGRATION_PASSWORD);
  expect(text).not.toContain(system.admin.password);
}

beforeAll(async () => {
  system = await startTestSystem();
  domain = system.admin.upn.split('@')[1]!;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cli-bridge-'));
  env = { TANDEM_PASSWORD: system.admin.password, TANDEM_SETUP_INTEGRATION_PASSWORD: INTEGRATION_PASSWORD };

  // The journey's tenant: sample salespeople with a Sales licence and the Salesperson role, a
  // licensed integration user (Sales and ERP), the admin System Customizer + Sales Manager.
  const headers = { authorization: `Bearer ${(await getAdminToken()).token}` };
  const csv = await (
    await fetch(`${system.url}/directory/imports/template.csv?sample=true`, { headers })
  ).text();
  const uploaded = (await (
    await fetch(`${system.url}/directory/imports`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: csv,
    })
  ).json()) as { id: string };
  await ok(system, 'POST', `/directory/imports/${uploaded.id}/apply`, { licence: 'DYN365_ENTERPRISE_PLAN1' });
  await createDirectoryUser(system, integration(), {
    licences: ['DYN365_ENTERPRISE_PLAN1', 'DYN365_BUSCENTRAL_ESSENTIAL'],
    password: INTEGRATION_PASSWORD,
    displayName: 'Integration',
  });
  await provisionAll(system);
  await giveRoles(
    system,
    SAMPLE.map((u) => `${u}@${domain}`),
    ['Salesperson'],
  );
  await giveRoles(system, [integration()], ['Salesperson']);
  await giveRoles(system, [system.admin.upn], ['System Customizer', 'Sales Manager']);
});

afterAll(async () => {
  await system?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function getAdminToken() {
  const response = await fetch(`${system.url}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      username: system.admin.upn,
      password: system.admin.password,
    }),
  });
  return { token: ((await response.json()) as { access_token: string }).access_token };
}

describe('tandem setup', () => {
  it('refuses bad options before changing anything', async () => {
    const file = path.join(dir, 'secret.json');
    fs.writeFileSync(file, JSON.stringify({ salesUrl: system.url, adminPassword: 'x' }));
    const secret = await tandem(['setup', '--file', file]);
    expect(secret.code).toBe(1);
    expect(secret.err).toContain('setup files never hold passwords');

    const missing = await tandem(['setup', '--sales-url', system.url]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('--integration-user UPN or --application-user');

    const company = await tandem([...setupFlags(), '--company', 'not-a-uuid']);
    expect(company.code).toBe(1);
    expect(company.err).toMatch(/--company: .*UUID/i);
    expect((await ok(system, 'GET', '/bridge/setup')).running).toBe(false);
  });

  it('asks on a terminal for what is missing, and stops at a failing step with the rule and its fix', async () => {
    // The administrator offered as the integration user: rule A2 refuses it.
    const terminal = capture({ TANDEM_PASSWORD: system.admin.password }, [
      system.url,
      system.admin.upn,
      system.admin.password,
    ]);
    const run = await tandem(['setup', '--allow-http'], terminal);
    expect(run.asked).toEqual([
      'Sales URL (e.g. https://sales.contoso.com): ',
      'Integration user (UPN; leave empty to create an application user instead): ',
      `Password for the integration user ${system.admin.upn}: `,
    ]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('[1/10] Sales URL');
    expect(run.out).toContain('[3/10] Integration user (rules A2 / A7)');
    expect(run.out).toContain(
      `✗ ${system.admin.upn} is the administrator account you set up the connection with, and it cannot also be the integration user.`,
    );
    expect(run.out).toMatch(/\n {6}fix: Create a dedicated user for the integration/);
    expect(run.out).toContain('Setup stopped at step 3 of 10, "Integration user (rules A2 / A7)"');
    expect(run.out).toContain('run the same `tandem setup` command again: it resumes the setup');
    expect(run.out).not.toContain('[4/10]');
    expectNoSecrets(run.all);
  });

  it('resumes and runs every step to an enabled connection from flags', async () => {
    const run = await tandem(setupFlags());
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Resuming the setup started by');
    for (const title of [
      'Sales URL',
      'Administrator (rule A1)',
      'Integration user (rules A2 / A7)',
      'Deploy the integration solution',
      'ERP permission set INTEGRATION',
      'Access mode Non-interactive (rule A4)',
      'Local currency in Sales',
      'Default mappings',
      'Couple salespeople (rules A5 / A6)',
      'Test and enable',
    ])
      expect(run.out).toContain(`] ${title}\n`);
    expect(run.out).toContain('+ Enabled the connection');
    expect(run.out).toContain('Setup finished: the connection is enabled.');
    expect(run.out).toMatch(/\d+ changes made/);
    expectNoSecrets(run.all);
    expect(await ok(system, 'GET', '/bridge/connection')).toMatchObject({
      state: 'enabled',
      integrationIdentity: { kind: 'user', name: integration() },
    });
    expect((await salesUser(system, integration())).accessmode).toBe(4);
  });

  it('run again, from flags or from a file with --json, changes nothing and says so', async () => {
    const again = await tandem(setupFlags());
    expect(again.code).toBe(0);
    expect(again.out).toContain('Nothing changed: everything was already in place.');
    expect(again.out).not.toContain('  + ');

    const file = path.join(dir, 'setup.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        salesUrl: system.url,
        allowHttp: true,
        integrationUser: integration(),
        createCurrency: true,
      }),
    );
    const json = await tandem(['setup', '--file', file, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as {
      ok: boolean;
      changes: number;
      state: string;
      steps: Array<{ step: string; ok: boolean; changes: string[] }>;
    };
    expect(report).toMatchObject({ ok: true, changes: 0, state: 'enabled' });
    expect(report.steps.map((s) => s.step)).toHaveLength(10);
    expect(report.steps.every((s) => s.ok && s.changes.length === 0)).toBe(true);
    expectNoSecrets(json.all);
  });
});

describe('tandem couple salespeople', () => {
  it('lists the eligible users beside the salespeople', async () => {
    const run = await tandem(['couple', 'salespeople']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^User +User name +E-mail +Salesperson/);
    expect(run.out).toContain(`chris@${domain}`);
    expect(run.out).not.toContain(integration());
    expect(run.out).toContain('5 eligible users:');
  });

  it('--auto --create-missing --json couples everyone', async () => {
    const run = await tandem(['couple', 'salespeople', '--auto', '--create-missing', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out) as {
      ok: boolean;
      created: unknown[];
      coupled: unknown[];
      unmatched: unknown[];
      summary: { eligibleUsers: number; coupledUsers: number; uncoupledUsers: number };
    };
    expect(result.summary).toEqual({ eligibleUsers: 5, coupledUsers: 5, uncoupledUsers: 0 });
    expect(result.created.length + result.coupled.length).toBe(5);
    expect(result.unmatched).toEqual([]);

    const list = JSON.parse((await tandem(['couple', 'salespeople', '--json'])).out) as {
      users: Array<{ domainname: string; salesperson: { code: string } | null }>;
    };
    expect(list.users).toHaveLength(5);
    expect(list.users.filter((u) => !u.salesperson).map((u) => u.domainname)).toEqual([]);
  });

  it('uncouples one user and couples it again by hand', async () => {
    const chris = `chris@${domain}`;
    const list = JSON.parse((await tandem(['couple', 'salespeople', '--json'])).out) as {
      users: Array<{ domainname: string; salesperson: { code: string } | null }>;
    };
    const code = list.users.find((u) => u.domainname === chris)!.salesperson!.code;
    const un = await tandem(['couple', 'salespeople', '--uncouple', chris]);
    expect(un.code).toBe(0);
    expect(un.out).toContain(`Uncoupled ${chris} from salesperson ${code}.`);
    const shown = await tandem(['couple', 'salespeople']);
    expect(shown.out).toMatch(new RegExp(`${chris.replace('.', '\\.')} +\\S+ +—`));
    const re = await tandem(['couple', 'salespeople', '--sales-user', chris, '--salesperson', code]);
    expect(re.code).toBe(0);
    expect(re.out).toContain(`Coupled ${chris} to salesperson ${code}.`);
    const refused = await tandem([
      'couple',
      'salespeople',
      '--sales-user',
      integration(),
      '--salesperson',
      code,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('integration identity');
  });
});

describe('tandem doctor and tandem connection', () => {
  it('doctor is all green after setup and coupling (exit 0), also as JSON', async () => {
    const run = await tandem(['doctor']);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('A2  Integration user');
    expect(run.out).toContain('Connection\n  ✓ The connection is enabled and writing.');
    expect(run.out).not.toMatch(/^ {2}[!✗]/m);
    expect(run.out).toMatch(/All \d+ checks pass\./);
    const json = JSON.parse((await tandem(['doctor', '--json'])).out) as { ok: boolean; checks: unknown[] };
    expect(json.ok).toBe(true);
  });

  it('connection status, test, disable and enable', async () => {
    const status = await tandem(['connection']);
    expect(status.code).toBe(0);
    expect(status.out).toContain('Connection: enabled and writing.');
    expect(status.out).toContain(`Integration:`);
    expect(status.out).toContain(`user ${integration()}`);
    expect((await tandem(['connection', 'test'])).code).toBe(0);
    const disabled = await tandem(['connection', 'disable', '--reason', 'Maintenance window', '--json']);
    expect(disabled.code).toBe(0);
    expect(JSON.parse(disabled.out)).toMatchObject({ state: 'disabled', reasons: ['Maintenance window'] });
    const enabled = await tandem(['connection', 'enable']);
    expect(enabled.code).toBe(0);
    expect(enabled.out).toContain('Connection: enabled and writing.');
  });

  it('doctor exits 1 with the failing check when the integration user is Read-Write again', async () => {
    const user = await salesUser(system, integration());
    await ok(system, 'PATCH', `/sales/admin/users/${user.systemuserid}`, { accessmode: 0 });
    const run = await tandem(['doctor']);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/A4 {2}Non-interactive integration user\n(.*\n)* {2}✗ .*Read-Write/);
    expect(run.out).toMatch(/\n {6}fix: /);
    expect(run.out).toContain('Fix the ✗ lines');
  });

  it('exits 2 when the server cannot be reached or refuses the credentials', async () => {
    const down = capture(env);
    expect(await runCli(['doctor', '--url', 'http://127.0.0.1:59999'], down.io)).toBe(2);
    expect(down.err()).toContain('Cannot reach Tandem at http://127.0.0.1:59999');
    const wrong = await tandem(['doctor'], capture({ TANDEM_PASSWORD: 'Wrong-Passw0rd!' }));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(`Sign-in as ${system.admin.upn} failed`);
    const json = await tandem(['connection', '--json'], capture({ TANDEM_PASSWORD: 'Wrong-Passw0rd!' }));
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false });
  });

  it('setup --application-user --restart switches to an application user (rule A7)', async () => {
    const run = await tandem([
      'setup',
      '--sales-url',
      system.url,
      '--allow-http',
      '--application-user',
      '--application-name',
      'CLI integration',
      '--restart',
    ]);
    expect(run.code, run.all).toBe(0);
    expect(run.out).toContain('Starting the assisted setup of the bridge');
    expect(run.out).toContain('✓ The application user CLI integration is Non-interactive.');
    expect(run.out).toContain('Setup finished: the connection is enabled.');
    const status = await tandem(['connection', '--json']);
    expect(JSON.parse(status.out)).toMatchObject({
      state: 'enabled',
      integrationIdentity: { kind: 'application' },
    });
  });
});
