/**
 * `tandem users import FILE`: upload → verify → apply → results file, against a running server over
 * its public HTTP API, with a progress bar while the file streams up.
 */
import fs from 'node:fs';
import { Transform } from 'node:stream';
import cliProgress from 'cli-progress';
import { ApiClient, CliError, type ProblemBody } from './api-client.js';
import { defaultUrl, defaultUser, signInPassword } from './connect.js';
import type { CliIo } from './io.js';

export interface ImportCommandOptions {
  licence?: string;
  usageLocation?: string;
  blockSignIn?: boolean;
  skipInvalid?: boolean;
  dryRun?: boolean;
  json?: boolean;
  results?: string;
  url?: string;
  user?: string;
}

interface Summary {
  id: string;
  state: string;
  format: string;
  template: string;
  rowCount: number;
  validRowCount: number;
  problemCount: number;
  problems: { row: number; column: string; value: string | null; message: string }[];
  willCreate: number;
  willUpdate: number;
}

interface Applied {
  created: number;
  updated: number;
  failed: number;
  licensed: number;
  licence: string | null;
  resultsUrl: string;
}

function problemLines(
  problems: { row?: number; column?: string; field?: string; message: string }[],
): string {
  return problems
    .map((p) => `  ${p.row !== undefined ? `row ${p.row}, ` : ''}${p.column ?? p.field}: ${p.message}`)
    .join('\n');
}

/** Runs the import; returns the process exit code (0 done, 1 refused or failed). */
export async function runUsersImport(
  file: string,
  options: ImportCommandOptions,
  io: CliIo,
): Promise<number> {
  const say = (text: string) => {
    if (!options.json) io.stdout.write(text + '\n');
  };
  const report: Record<string, unknown> = { file };
  try {
    let size: number;
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile()) throw new CliError(`${file} is not a file.`);
      size = stat.size;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`File not found: ${file}`);
    }
    const user = options.user || defaultUser(io.env);
    const client = new ApiClient((options.url || defaultUrl(io.env)).replace(/\/+$/, ''));
    await client.signIn(user, await signInPassword(io, user));

    const showBar = !options.json && io.stderr.isTTY === true;
    const bar = showBar
      ? new cliProgress.SingleBar(
          {
            stream: io.stderr as NodeJS.WritableStream,
            format: 'Uploading {bar} {percentage}% | {value}/{total} bytes',
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    bar?.start(size, 0);
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sent += chunk.length;
        bar?.update(sent);
        callback(null, chunk);
      },
    });
    const query = new URLSearchParams({ fileName: file.split(/[\\/]/).pop() ?? file });
    if (options.dryRun) query.set('dryRun', 'true');
    let summary: Summary;
    try {
      summary = await client.upload<Summary>(
        `/directory/imports?${query}`,
        fs.createReadStream(file).pipe(counter),
        'text/csv',
        size,
      );
    } finally {
      bar?.stop();
    }
    report.verify = summary;
    say(
      `Verified ${summary.rowCount} row(s) of ${file} (read as the ${summary.template}): ` +
        `${summary.willCreate} to create, ${summary.willUpdate} to update, ${summary.problemCount} problem(s).`,
    );

    if (summary.problemCount > 0) {
      const log = `${file}.problems.csv`;
      fs.writeFileSync(log, await client.text(`/directory/imports/${summary.id}/problems.csv`));
      report.problemsFile = log;
      say(`Problems (full list in ${log}):\n${problemLines(summary.problems)}`);
      if (summary.problemCount > summary.problems.length) {
        say(`  … and ${summary.problemCount - summary.problems.length} more.`);
      }
      if (!options.skipInvalid || options.dryRun) {
        say(
          'Nothing was imported. Fix the problems and run the import again, or use --skip-invalid to import the valid rows only.',
        );
        report.ok = false;
        if (options.json) io.stdout.write(JSON.stringify(report) + '\n');
        return 1;
      }
    }
    if (options.dryRun) {
      say('Dry run: nothing was imported.');
      report.ok = true;
      if (options.json) io.stdout.write(JSON.stringify(report) + '\n');
      return 0;
    }

    const applied = await client.json<Applied>(`/directory/imports/${summary.id}/apply`, {
      method: 'POST',
      body: {
        signInAllowed: !options.blockSignIn,
        skipInvalidRows: options.skipInvalid === true,
        ...(options.licence ? { licence: options.licence } : {}),
        ...(options.usageLocation ? { usageLocation: options.usageLocation } : {}),
      },
    });
    report.apply = applied;
    const resultsFile = options.results || `${file}.results.csv`;
    // A download that breaks part-way can be started again (the server keeps the file until one is
    // sent whole, for 15 minutes): retry twice; a refusal (409, 403) is final.
    let csv = '';
    for (let attempt = 1; ; attempt++) {
      try {
        csv = await client.text(applied.resultsUrl);
        break;
      } catch (error) {
        const refused = error instanceof CliError && error.kind !== 'unreachable';
        if (refused || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
    fs.writeFileSync(resultsFile, csv, { mode: 0o600 });
    fs.chmodSync(resultsFile, 0o600);
    report.resultsFile = resultsFile;
    say(
      `Created ${applied.created}, updated ${applied.updated}, failed ${applied.failed}` +
        (applied.licence ? `; ${applied.licensed} newly licensed for ${applied.licence}` : '') +
        '.',
    );
    say(
      `Results with temporary passwords: ${resultsFile} (readable only by you; the server shows them only once).`,
    );
    report.ok = true;
    if (options.json) io.stdout.write(JSON.stringify(report) + '\n');
    return 0;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    const body = error.details as ProblemBody | undefined;
    if (options.json) {
      io.stdout.write(
        JSON.stringify({ ...report, ok: false, error: error.message, problems: body?.problems }) + '\n',
      );
    } else {
      io.stderr.write(`Error: ${error.message}\n`);
      if (body?.problems?.length) io.stderr.write(problemLines(body.problems) + '\n');
    }
    return 1;
  }
}
