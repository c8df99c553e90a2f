/**
 * The `tandem` command as a function: parses argv with commander and runs the command against the
 * given io, returning the exit code. main.ts is a thin wrapper; tests call this in-process.
 */
import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { templateCsv } from '../directory/csv-template.js';
import type { CliIo } from './io.js';
import { runUsersImport, type ImportCommandOptions } from './users-import.js';

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

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return exitCode;
}
