/**
 * `tandem setup`: the assisted setup headless. The same step machine as the console and the API
 * (POST /bridge/setup/start, then POST /bridge/setup/steps/:step in order), fed from flags, a JSON
 * file, environment variables and — on a terminal — prompts for whatever is missing. Passwords come
 * only from environment variables or hidden prompts (never from a flag or the file), and no output
 * ever shows them.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { STEP_INPUTS, STEP_TITLES, isStepId, type StepId } from '../bridge/setup/steps.js';
import { CliError } from './api-client.js';
import { connect, type ServerOptions, type Session } from './connect.js';
import type { CliIo } from './io.js';
import { checkLines, redacting, reportError, writeLines, type Check } from './output.js';

export const ADMIN_PASSWORD_ENV = 'TANDEM_SETUP_ADMIN_PASSWORD';
export const INTEGRATION_PASSWORD_ENV = 'TANDEM_SETUP_INTEGRATION_PASSWORD';

export interface SetupCommandOptions extends ServerOptions {
  file?: string;
  salesUrl?: string;
  allowHttp?: boolean;
  adminUser?: string;
  adminPasswordEnv?: string;
  integrationUser?: string;
  integrationPasswordEnv?: string;
  applicationUser?: boolean;
  applicationName?: string;
  keepInteractive?: boolean;
  createCurrency?: boolean;
  couple?: 'auto' | 'none';
  createMissingSalespeople?: boolean;
  company?: string;
  restart?: boolean;
  cancel?: boolean;
  json?: boolean;
}

/** The setup file: the flags' fields in camelCase, never a password. */
const SetupFile = z.strictObject({
  salesUrl: z.string().optional(),
  allowHttp: z.boolean().optional(),
  adminUser: z.string().optional(),
  adminPasswordEnv: z.string().optional(),
  integrationUser: z.string().optional(),
  integrationPasswordEnv: z.string().optional(),
  applicationUser: z.boolean().optional(),
  applicationName: z.string().optional(),
  keepInteractive: z.boolean().optional(),
  createCurrency: z.boolean().optional(),
  couple: z.enum(['auto', 'none']).optional(),
  createMissingSalespeople: z.boolean().optional(),
  company: z.string().optional(),
  restart: z.boolean().optional(),
});

const FIELD_FLAGS: Record<string, string> = {
  salesUrl: '--sales-url',
  allowHttp: '--allow-http',
  'admin.userName': '--admin-user',
  'admin.password': '--admin-password-env',
  'integration-user.userName': '--integration-user',
  'integration-user.password': '--integration-password-env',
  'integration-user.displayName': '--application-name',
  companyId: '--company',
};

interface StepResult {
  step: string;
  ok: boolean;
  checks: Check[];
  changes: string[];
  summary: string;
  setup: SetupView;
}

interface SetupView {
  state: string;
  running: boolean;
  current: string | null;
  startedAt: string | null;
  startedBy: string | null;
  steps: Array<{ id: string; title: string; status: string; summary: string | null }>;
}

function usage(message: string): CliError {
  return new CliError(message);
}

function readSetupFile(file: string): z.infer<typeof SetupFile> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw usage(`Setup file not found: ${file}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw usage(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (data && typeof data === 'object') {
    const secrets = Object.keys(data).filter((k) => /password|secret/i.test(k) && !/Env$/.test(k));
    if (secrets.length) {
      throw usage(
        `${file} holds ${secrets.join(', ')}: setup files never hold passwords. Put each in an environment variable and name it with adminPasswordEnv / integrationPasswordEnv (defaults ${ADMIN_PASSWORD_ENV} and ${INTEGRATION_PASSWORD_ENV}).`,
      );
    }
  }
  const parsed = SetupFile.safeParse(data);
  if (!parsed.success) {
    throw usage(
      `${file} is not a valid setup file:\n` +
        parsed.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`).join('\n') +
        '\nIts fields are: ' +
        Object.keys(SetupFile.shape).join(', ') +
        '.',
    );
  }
  return parsed.data;
}

/** Flags win over the file; booleans left off on the command line fall back to the file. */
function mergeOptions(options: SetupCommandOptions): SetupCommandOptions {
  if (!options.file) return options;
  const file = readSetupFile(options.file);
  const merged: SetupCommandOptions = { ...file };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

interface ResolvedSetup {
  inputs: Array<{ step: StepId; input: Record<string, unknown> }>;
  secrets: string[];
}

/**
 * Everything the steps need, from the merged options, environment variables and prompts; each step's
 * input validated here with the server's own schema so a typo stops the command before anything runs.
 */
async function resolveInputs(o: SetupCommandOptions, io: CliIo, session: Session): Promise<ResolvedSetup> {
  const secrets: string[] = [];
  let salesUrl = o.salesUrl?.trim();
  if (!salesUrl && io.prompt) salesUrl = await io.prompt('Sales URL (e.g. https://sales.contoso.com): ');
  if (!salesUrl) throw usage('The Sales URL is missing: give --sales-url URL (or salesUrl in --file).');

  const adminUser = (o.adminUser?.trim() || session.user).toLowerCase();
  const explicitAdminEnv = o.adminPasswordEnv;
  if (explicitAdminEnv && !io.env[explicitAdminEnv]) {
    throw usage(`The environment variable ${explicitAdminEnv} (named by --admin-password-env) is not set.`);
  }
  let adminPassword = explicitAdminEnv ? io.env[explicitAdminEnv] : io.env[ADMIN_PASSWORD_ENV];
  if (!adminPassword && adminUser === session.user.toLowerCase()) adminPassword = session.password;
  if (!adminPassword && io.promptPassword) {
    adminPassword = await io.promptPassword(`Password for the Sales administrator ${adminUser}: `);
  }
  if (!adminPassword) {
    throw usage(
      `No password for the Sales administrator ${adminUser}: set ${ADMIN_PASSWORD_ENV} (or the variable named by --admin-password-env), or run the command in a terminal.`,
    );
  }
  secrets.push(adminPassword);

  let integrationUser = o.integrationUser?.trim();
  const application = o.applicationUser === true;
  if (integrationUser && application) {
    throw usage('Give either --integration-user UPN or --application-user, not both.');
  }
  if (o.applicationName !== undefined && !application) {
    throw usage('--application-name goes with --application-user.');
  }
  if (!integrationUser && !application && io.prompt) {
    integrationUser = await io.prompt(
      'Integration user (UPN; leave empty to create an application user instead): ',
    );
  }
  const useApplication = application || (!integrationUser && !!io.prompt);
  if (!integrationUser && !useApplication) {
    throw usage(
      'The integration identity is missing: give --integration-user UPN (a dedicated licensed user, rule A2) or --application-user (rule A7).',
    );
  }
  let integration: Record<string, unknown>;
  if (useApplication) {
    integration = {
      kind: 'application',
      ...(o.applicationName ? { displayName: o.applicationName } : {}),
    };
  } else {
    const explicit = o.integrationPasswordEnv;
    if (explicit && !io.env[explicit]) {
      throw usage(`The environment variable ${explicit} (named by --integration-password-env) is not set.`);
    }
    let password = explicit ? io.env[explicit] : io.env[INTEGRATION_PASSWORD_ENV];
    if (!password && io.promptPassword) {
      password = await io.promptPassword(`Password for the integration user ${integrationUser}: `);
    }
    if (!password) {
      throw usage(
        `No password for the integration user ${integrationUser}: set ${INTEGRATION_PASSWORD_ENV} (or the variable named by --integration-password-env), or run the command in a terminal.`,
      );
    }
    secrets.push(password);
    integration = { kind: 'user', userName: integrationUser, password };
  }

  const couple = o.couple ?? 'auto';
  if (couple === 'none' && o.createMissingSalespeople) {
    throw usage('--create-missing-salespeople couples too; it cannot go with --couple none.');
  }
  const raw: Record<StepId, Record<string, unknown>> = {
    'sales-url': { salesUrl, allowHttp: o.allowHttp === true },
    admin: { userName: adminUser, password: adminPassword },
    'integration-user': integration,
    solution: {},
    'erp-permissions': o.company ? { companyId: o.company } : {},
    'access-mode': { nonInteractive: o.keepInteractive !== true },
    currency: { createIfMissing: o.createCurrency === true },
    mappings: {},
    salespeople: {
      auto: couple === 'auto' || o.createMissingSalespeople === true,
      createMissing: o.createMissingSalespeople === true,
    },
    finish: {},
  };
  const problems: string[] = [];
  const inputs: ResolvedSetup['inputs'] = [];
  for (const step of Object.keys(raw) as StepId[]) {
    const parsed = STEP_INPUTS[step].safeParse(raw[step]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.');
        const flag = FIELD_FLAGS[`${step}.${field}`] ?? FIELD_FLAGS[field] ?? field;
        problems.push(`  ${flag}: ${issue.message}`);
      }
    } else {
      inputs.push({ step, input: raw[step] });
    }
  }
  if (problems.length) throw usage(`The setup options are not valid:\n${problems.join('\n')}`);
  return { inputs, secrets };
}

function titleOf(view: SetupView | undefined, step: string): string {
  return view?.steps.find((s) => s.id === step)?.title ?? (isStepId(step) ? STEP_TITLES[step] : step);
}

/** Runs (or with --cancel leaves) the assisted setup; returns the exit code. */
export async function runSetup(options: SetupCommandOptions, rawIo: CliIo): Promise<number> {
  const secrets: string[] = [];
  const io = redacting(rawIo, () => secrets);
  const json = options.json === true;
  const say = (...lines: string[]) => {
    if (!json) writeLines(io.stdout, lines);
  };
  const results: Array<Omit<StepResult, 'setup'> & { title: string }> = [];
  try {
    const o = mergeOptions(options);
    // Missing essentials without a terminal to ask on: say so before signing in.
    if (!o.cancel && !io.prompt) {
      const missing = [];
      if (!o.salesUrl) missing.push('--sales-url URL');
      if (!o.integrationUser && !o.applicationUser)
        missing.push('--integration-user UPN or --application-user');
      if (missing.length) {
        throw usage(
          `Missing ${missing.join(' and ')} (flags, or the same fields in --file). Run \`tandem setup --help\` for every option.`,
        );
      }
    }
    const session = await connect(o, io);
    secrets.push(session.password);

    if (o.cancel) {
      const view = await session.client.json<SetupView>('/bridge/setup/cancel', { method: 'POST' });
      if (json) io.stdout.write(JSON.stringify({ ok: true, cancelled: true, setup: view }) + '\n');
      else
        say(
          `Setup left. The connection is ${view.state.replace('-', ' ')}${view.state === 'enabled' ? '' : ' (it stays disabled until a setup finishes)'}.`,
        );
      return 0;
    }

    const resolved = await resolveInputs(o, io, session);
    secrets.push(...resolved.secrets);

    const before = await session.client.json<SetupView>('/bridge/setup');
    const started = await session.client.json<SetupView>('/bridge/setup/start', {
      method: 'POST',
      body: { restart: o.restart === true },
    });
    const resumed = before.running && !o.restart;
    say(
      resumed
        ? `Resuming the setup started by ${started.startedBy} at ${started.startedAt} (it was at "${titleOf(started, started.current ?? '')}"); steps already done run again and change nothing that is in place.`
        : before.running
          ? `Restarting the assisted setup of the bridge at ${session.url}.`
          : `Starting the assisted setup of the bridge at ${session.url} (the connection is ${before.state.replace('-', ' ')}).`,
    );

    // The server's step list is authoritative; the CLI must know how to fill each step in.
    const serverSteps = started.steps.map((s) => s.id);
    const unknown = serverSteps.filter((id) => !resolved.inputs.some((i) => i.step === id));
    if (unknown.length) {
      throw usage(
        `The server has setup steps this tandem command does not know (${unknown.join(', ')}); use the tandem CLI of the same version as the server.`,
      );
    }
    let view = started;
    let changes = 0;
    let warnings = 0;
    for (const [index, id] of serverSteps.entries()) {
      const { input } = resolved.inputs.find((i) => i.step === id)!;
      const title = titleOf(started, id);
      say(`[${index + 1}/${serverSteps.length}] ${title}`);
      const result = await session.client.json<StepResult>(`/bridge/setup/steps/${id}`, {
        method: 'POST',
        body: input,
      });
      view = result.setup;
      const { setup: _setup, ...rest } = result;
      results.push({ ...rest, title });
      changes += result.changes.length;
      warnings += result.checks.filter((c) => c.status === 'warn').length;
      say(...result.checks.flatMap((c) => checkLines(c)), ...result.changes.map((c) => `  + ${c}`));
      if (!result.ok) {
        const connectionNote =
          view.state === 'enabled'
            ? 'The connection stays enabled as it was; nothing of this step was recorded.'
            : 'The connection stays disabled until setup finishes.';
        say(
          '',
          `Setup stopped at step ${index + 1} of ${serverSteps.length}, "${title}". ${connectionNote}`,
          'Fix what the ✗ lines say, then run the same `tandem setup` command again: it resumes the setup (--restart begins again; `tandem setup --cancel` leaves it).',
        );
        if (json) {
          io.stdout.write(
            JSON.stringify({
              ok: false,
              stoppedAt: id,
              resumed,
              changes,
              steps: results,
              state: view.state,
            }) + '\n',
          );
        }
        return 1;
      }
    }
    say(
      '',
      `Setup finished: the connection is ${view.state.replace('-', ' ')}.`,
      changes === 0
        ? 'Nothing changed: everything was already in place.'
        : `${changes} change${changes === 1 ? '' : 's'} made (the + lines).`,
      ...(warnings
        ? [
            `${warnings} warning${warnings === 1 ? '' : 's'} (the ! lines): the connection runs, but see their fixes. \`tandem doctor\` checks again.`,
          ]
        : []),
    );
    if (json) {
      io.stdout.write(
        JSON.stringify({ ok: true, stoppedAt: null, resumed, changes, steps: results, state: view.state }) +
          '\n',
      );
    }
    return 0;
  } catch (error) {
    const code = reportError(io, error, json, { steps: results });
    if (!json && results.length && error instanceof CliError && error.kind === 'refused') {
      io.stderr.write(
        'Setup stopped. Run the same `tandem setup` command again once the error is fixed: it resumes the setup.\n',
      );
    }
    return code;
  }
}
