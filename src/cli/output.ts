/**
 * Shared output of the bridge commands: checks with ✓ / ! / ✗ and the fix on the next line, checks
 * grouped by rule, plain tables, the error report and the exit code it means.
 */
import { CliError, type ProblemBody } from './api-client.js';
import { cliWords } from './cli-words.js';
import type { CliIo, CliOutput } from './io.js';

export interface Check {
  rule: string;
  id: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
  fix?: string;
}

export const MARK: Record<Check['status'], string> = { pass: '✓', warn: '!', fail: '✗' };

/**
 * One check: the mark and message, then its fix (when it has one and did not pass) indented below, in
 * the CLI's words (its commands and flags where the bridge names an API route or field).
 */
export function checkLines(check: Check, indent = '  '): string[] {
  const lines = [`${indent}${MARK[check.status] ?? '?'} ${cliWords(check.message)}`];
  if (check.fix && check.status !== 'pass') lines.push(`${indent}    fix: ${cliWords(check.fix)}`);
  return lines;
}

const RULE_TITLES: Record<string, string> = {
  A1: 'A1  Setup administrator',
  A2: 'A2  Integration user',
  A3: 'A3  No echo (edits made as the integration user)',
  A4: 'A4  Non-interactive integration user',
  A5: 'A5  Salespeople',
  A6: 'A6  Owners (salespeople coupled to Sales users)',
  A7: 'A7  Application user',
  connection: 'Connection',
  erp: 'ERP',
  sales: 'Sales',
};

function ruleOrder(rule: string): number {
  const a = /^A(\d+)$/.exec(rule);
  if (a) return Number(a[1]);
  return { connection: 100, erp: 101, sales: 102 }[rule] ?? 200;
}

/** Checks grouped by rule: A1…A7, then connection, erp, sales, then anything else. */
export function groupedCheckLines(checks: Check[]): string[] {
  const rules = [...new Set(checks.map((c) => c.rule))].sort(
    (a, b) => ruleOrder(a) - ruleOrder(b) || a.localeCompare(b),
  );
  const lines: string[] = [];
  for (const rule of rules) {
    lines.push(RULE_TITLES[rule] ?? rule);
    for (const check of checks.filter((c) => c.rule === rule)) lines.push(...checkLines(check));
  }
  return lines;
}

/** "All 12 checks pass." or "1 check fails, 2 warn (of 12)." */
export function checkTally(checks: Check[]): string {
  const fails = checks.filter((c) => c.status === 'fail').length;
  const warns = checks.filter((c) => c.status === 'warn').length;
  if (fails === 0 && warns === 0) return `All ${checks.length} checks pass.`;
  const parts = [];
  if (fails) parts.push(`${fails} check${fails === 1 ? ' fails' : 's fail'}`);
  if (warns) parts.push(`${warns} warn${warns === 1 ? 's' : ''}`);
  return `${parts.join(', ')} (of ${checks.length}).`;
}

/** A plain left-aligned table with a header row. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function writeLines(out: CliOutput, lines: string[]): void {
  if (lines.length) out.write(lines.join('\n') + '\n');
}

/** Exit code of a failure: 2 when the server cannot be reached or refuses the credentials, else 1. */
export function exitCodeOf(error: CliError): number {
  return error.kind === 'unreachable' || error.kind === 'auth' ? 2 : 1;
}

/**
 * Reports a CliError (as text on stderr, or as `{ok:false, error, code, problems}` on stdout with
 * --json, plus `extra`) and returns its exit code; anything else is rethrown.
 */
export function reportError(
  io: CliIo,
  error: unknown,
  json: boolean | undefined,
  extra: Record<string, unknown> = {},
): number {
  if (!(error instanceof CliError)) throw error;
  const body = error.details as ProblemBody | undefined;
  if (json) {
    io.stdout.write(
      JSON.stringify({
        ...extra,
        ok: false,
        error: error.message,
        ...(body?.code ? { code: body.code } : {}),
        ...(body?.problems ? { problems: body.problems } : {}),
      }) + '\n',
    );
  } else {
    io.stderr.write(`Error: ${cliWords(error.message)}\n`);
    for (const p of body?.problems ?? []) io.stderr.write(`  ${p.field}: ${p.message}\n`);
  }
  return exitCodeOf(error);
}

/** An io whose output never shows these secrets (belt and braces: the API never returns them). */
export function redacting(io: CliIo, secrets: () => string[]): CliIo {
  const clean = (text: string) => {
    let result = text;
    for (const secret of secrets()) if (secret.length >= 4) result = result.split(secret).join('********');
    return result;
  };
  const wrap = (out: CliOutput): CliOutput => ({
    write: (text: string) => out.write(clean(String(text))),
    ...(out.isTTY !== undefined ? { isTTY: out.isTTY } : {}),
  });
  return { ...io, stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}
