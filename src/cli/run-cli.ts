/**
 * The `tandem` command as a function: parses argv with commander and runs the command against the
 * given io, returning the exit code. main.ts is a thin wrapper; tests call this in-process.
 */
import fs from 'node:fs';
import { Argument, Command, CommanderError, Option } from 'commander';
import { templateCsv } from '../directory/csv-template.js';
import {
  CONNECTION_ACTIONS,
  runConnection,
  runDoctor,
  type ConnectionAction,
  type ConnectionCommandOptions,
  type DoctorCommandOptions,
} from './bridge-connection.js';
import { runCoupleSalespeople, type CoupleCommandOptions } from './bridge-couple.js';
import {
  MAPPING_ACTIONS,
  SYNC_ACTIONS,
  runMappings,
  runSync,
  type MappingAction,
  type MappingCommandOptions,
  type SyncAction,
  type SyncCommandOptions,
} from './bridge-sync.js';
import {
  ADMIN_PASSWORD_ENV,
  INTEGRATION_PASSWORD_ENV,
  runSetup,
  type SetupCommandOptions,
} from './bridge-setup.js';
import { URL_HELP, USER_HELP } from './connect.js';
import type { CliIo } from './io.js';
import { runUsersImport, type ImportCommandOptions } from './users-import.js';

const EXIT_CODES = `
Exit codes: 0 done, 1 a check or step failed or the server refused the request,
2 the server cannot be reached or the sign-in is refused (wrong password, not a Global administrator).`;

/** --url and --user, as every command that talks to a running server takes them. */
function serverOptions(command: Command): Command {
  return command.option('--url <url>', URL_HELP).option('--user <upn>', USER_HELP);
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('tandem')
    .description('Tandem: directory, Sales, ERP and the bridge between them')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  program
    .command('start')
    .description('Run the Tandem server (configured by TANDEM_* environment variables)')
    .action(async () => {
      const [{ runUntilSignalled }, { loadConfig }] = await Promise.all([
        import('../main.js'),
        import('../platform/config.js'),
      ]);
      await runUntilSignalled(loadConfig(io.env as NodeJS.ProcessEnv));
    });

  const users = program.command('users').description('Directory users');
  users
    .command('template')
    .description('The Microsoft 365 "Import multiple users" CSV template (works offline)')
    .option('--sample', 'include the five sample users')
    .option('--output <file>', 'write to a file instead of standard output')
    .option('--domain <domain>', 'domain of the sample users (default: TANDEM_DOMAIN or contoso.com)')
    .action((options: { sample?: boolean; output?: string; domain?: string }) => {
      const domain = (options.domain || io.env.TANDEM_DOMAIN || 'contoso.com').toLowerCase();
      const csv = templateCsv({ domain, sample: options.sample === true });
      if (options.output) {
        fs.writeFileSync(options.output, csv);
        io.stderr.write(`Wrote ${options.output}\n`);
      } else {
        io.stdout.write(csv);
      }
    });
  users
    .command('import')
    .description('Import users from a Microsoft 365 template or Microsoft Entra bulk-create CSV')
    .argument('<file>', 'the CSV file')
    .option(
      '--licence <sku>',
      'assign this licence (part number, e.g. DYN365_ENTERPRISE_PLAN1) to every user',
    )
    .option('--usage-location <code>', 'ISO country code for every user (else from Country or Region)')
    .option('--block-sign-in', 'create the users with sign-in blocked')
    .option('--skip-invalid', 'import the valid rows even if some rows have problems')
    .option('--dry-run', 'verify only; change nothing')
    .option('--json', 'print one JSON object instead of text')
    .option('--results <file>', 'where to write the results CSV (default: FILE.results.csv)')
    .option('--url <url>', 'Tandem server (default: http://127.0.0.1:$TANDEM_PORT or 3000)')
    .option(
      '--user <upn>',
      'sign in as (default: TANDEM_ADMIN_UPN or admin@TANDEM_DOMAIN); password from TANDEM_PASSWORD or a prompt',
    )
    .action(async (file: string, options: ImportCommandOptions) => {
      exitCode = await runUsersImport(file, options, io);
    });

  serverOptions(
    program
      .command('setup')
      .description(
        "Run the bridge's assisted setup headless: the same steps as the console and the API, from flags, a file or prompts",
      )
      .option(
        '--file <setup.json>',
        'read the options from a JSON file (same fields in camelCase; flags win)',
      )
      .option('--sales-url <url>', 'the Sales server, e.g. https://sales.contoso.com')
      .option('--allow-http', 'accept http:// for a loopback Sales URL (development and tests only)')
      .option(
        '--admin-user <upn>',
        'a Sales System Administrator + System Customizer with another role, used only during setup (rule A1; default: the --user you sign in as)',
      )
      .option(
        '--admin-password-env <name>',
        `environment variable holding that administrator's password (default ${ADMIN_PASSWORD_ENV}; else the sign-in password when it is the same user, else a hidden prompt)`,
      )
      .option('--integration-user <upn>', 'the dedicated, licensed integration user (rule A2)')
      .option(
        '--integration-password-env <name>',
        `environment variable holding the integration user's password (default ${INTEGRATION_PASSWORD_ENV}, else a hidden prompt)`,
      )
      .option(
        '--application-user',
        'create an application user instead of a named integration user (rule A7)',
      )
      .option(
        '--application-name <name>',
        'display name of that application user (default "Tandem ERP integration")',
      )
      .option(
        '--keep-interactive',
        "leave the integration user's access mode as it is (default: set Non-interactive, rule A4)",
      )
      .option('--create-currency', "create the ERP's local currency in Sales when it is missing")
      .addOption(
        new Option('--couple <mode>', 'couple salespeople: auto (by e-mail, the default) or none').choices([
          'auto',
          'none',
        ]),
      )
      .option(
        '--create-missing-salespeople',
        'create an ERP salesperson for every eligible Sales user left uncoupled (implies --couple auto)',
      )
      .option('--company <id>', 'the ERP company id to connect (default: the only or first company)')
      .option('--restart', 'begin a running setup again from the first step (default: resume it)')
      .option('--cancel', 'leave the running setup (a connection that was not enabled stays disabled)')
      .option('--json', "print one JSON object with every step's result instead of text"),
  )
    .addHelpText(
      'after',
      `
Steps, in order: Sales URL → administrator (A1) → integration user (A2) or application user (A7) →
deploy the integration solution → ERP permission set INTEGRATION → access mode Non-interactive (A4) →
local currency in Sales → default mappings → couple salespeople (A5/A6) → test and enable.

Each step prints its checks (✓ pass, ! warning, ✗ failure with its fix on the next line) and what it
changed (+). The command stops at the first failing step; run it again after the fix and it resumes.
Running it on an enabled connection changes nothing and says so.

Passwords never go on the command line. The administrator's comes from ${ADMIN_PASSWORD_ENV}
(or the variable named by --admin-password-env), else the sign-in password when --admin-user is the
user you sign in as, else a hidden prompt; the integration user's from ${INTEGRATION_PASSWORD_ENV}
(or --integration-password-env), else a hidden prompt. On a terminal, a missing Sales URL or
integration user is asked for too. A --file holds the flags' fields (salesUrl, allowHttp, adminUser,
adminPasswordEnv, integrationUser, integrationPasswordEnv, applicationUser, applicationName,
keepInteractive, createCurrency, couple, createMissingSalespeople, company, restart), never a password.

Example:
  export TANDEM_PASSWORD=…  ${INTEGRATION_PASSWORD_ENV}=…
  tandem setup --sales-url https://sales.contoso.com --integration-user integration@contoso.com \\
    --create-currency --create-missing-salespeople
${EXIT_CODES}`,
    )
    .action(async (options: SetupCommandOptions) => {
      exitCode = await runSetup(options, io);
    });

  serverOptions(
    program
      .command('doctor')
      .description(
        'Check every account rule (A1–A7), the connection and the ERP on the live system; changes nothing',
      )
      .option('--json', 'print the report as one JSON object'),
  )
    .addHelpText(
      'after',
      `
Prints each check grouped by rule with ✓ (pass), ! (warning) or ✗ (failure, with its fix below).
Exit codes: 0 every rule holds (warnings allowed), 1 a check fails,
2 the server cannot be reached or the sign-in is refused.`,
    )
    .action(async (options: DoctorCommandOptions) => {
      exitCode = await runDoctor(options, io);
    });

  const couple = program.command('couple').description('Couple records between the ERP and Sales');
  serverOptions(
    couple
      .command('salespeople')
      .description(
        'Eligible Sales users (enabled, licensed, not the integration user) beside ERP salespeople; couple them one-to-one',
      )
      .option('--auto', 'couple each uncoupled user to the one uncoupled salesperson with the same e-mail')
      .option('--create-missing', 'also create a salesperson for every user left uncoupled (implies --auto)')
      .option('--sales-user <upn>', 'couple this Sales user (with --salesperson)')
      .option('--salesperson <code>', 'to this ERP salesperson code (with --sales-user)')
      .option('--uncouple <upn>', 'remove the coupling of this Sales user')
      .option('--json', 'print one JSON object instead of text'),
  )
    .addHelpText(
      'after',
      `
Without options: prints the table of eligible users with their coupled salesperson (or —) and a summary.
--sales-user names the Sales user to couple; --user stays the administrator you sign in as.

Examples:
  tandem couple salespeople
  tandem couple salespeople --auto --create-missing
  tandem couple salespeople --sales-user chris@contoso.com --salesperson CG
  tandem couple salespeople --uncouple chris@contoso.com
${EXIT_CODES}`,
    )
    .action(async (options: CoupleCommandOptions) => {
      exitCode = await runCoupleSalespeople(options, io);
    });

  serverOptions(
    program
      .command('connection')
      .description('The bridge connection: status (default), test, enable or disable')
      .addArgument(new Argument('[action]', 'what to do').choices(CONNECTION_ACTIONS).default('status'))
      .option('--reason <text>', 'why, with disable (shown on the connection page)')
      .option('--json', 'print the answer as one JSON object'),
  )
    .addHelpText(
      'after',
      `
status   state, why, Sales and ERP addresses, integration identity, warnings
test     runs every account check of the integration identity now (exit 1 when one fails)
enable   enables a set-up connection once its checks pass
disable  stops the bridge writing, with --reason
${EXIT_CODES}`,
    )
    .action(async (action: ConnectionAction, options: ConnectionCommandOptions) => {
      exitCode = await runConnection(action, options, io);
    });

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  serverOptions(
    program
      .command('sync')
      .description('The sync between the ERP and Sales: run (default), status, log, errors, retry, review')
      .addArgument(new Argument('[action]', 'what to do').choices(SYNC_ACTIONS).default('run'))
      .option('--mapping <name>', 'only this mapping (run, log, errors, retry)')
      .option('--full', 'with run: read both sides from the beginning (a full sync), not only changes')
      .option('--id <n>', 'with retry: the error to retry (repeatable; see `tandem sync errors`)', collect)
      .option('--all', 'with retry: every failed and skipped record')
      .addOption(
        new Option('--winner <side>', 'with retry: which side wins a conflict').choices(['erp', 'sales']),
      )
      .option('--top <n>', 'with log and errors: how many lines (default 50)')
      .option('--start', 'with review: start the first sync as recommended')
      .option('--background', 'with review --start: let the scheduler run it (large data)')
      .option('--json', 'print the answer as one JSON object'),
  )
    .addHelpText(
      'after',
      `
run      synchronises now, every enabled mapping in dependency order (or --mapping), counts per direction
status   per mapping: started, running, coupled, failed, waiting, skipped, last run; why it is paused
log      the run log, newest first: kind, status, duration, who started it, counts
errors   the records that fail, with source, direction and the reason
retry    retries --id N / --mapping NAME / --all; --winner erp|sales settles a conflict
review   the full-sync review (writes nothing); --start starts the first sync
${EXIT_CODES}`,
    )
    .action(async (action: SyncAction, options: SyncCommandOptions) => {
      exitCode = await runSync(action, options, io);
    });

  serverOptions(
    program
      .command('mappings')
      .description('Table mappings: list (default), show, edit, enable, disable, reset')
      .addArgument(new Argument('[action]', 'what to do').choices(MAPPING_ACTIONS).default('list'))
      .addArgument(new Argument('[name]', 'the mapping, e.g. CUSTOMER'))
      .option(
        '--set <key=value>',
        'with edit: a property to change, e.g. conflictPolicy=Merge (repeatable)',
        collect,
      )
      .option('--file <edit.json>', 'with edit: the changes as a JSON object (fields, filters, policies)')
      .option('--json', 'print the answer as one JSON object'),
  )
    .addHelpText(
      'after',
      `
Examples:
  tandem mappings show CUSTOMER
  tandem mappings edit CUSTOMER --set conflictPolicy=Merge --set mergeTieBreak=ErpWins
  tandem mappings edit CONTACT --set syncOnlyCoupled=true
  tandem mappings disable OPPORTUNITY
  tandem mappings reset CUSTOMER
An edit is checked against both apps first; a refusal names the property and changes nothing.
${EXIT_CODES}`,
    )
    .action(async (action: MappingAction, name: string | undefined, options: MappingCommandOptions) => {
      exitCode = await runMappings(action, name, options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return exitCode;
}
