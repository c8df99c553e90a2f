/**
 * `tandem doctor` (every account rule A1–A7 checked on the live system, GET /bridge/doctor) and
 * `tandem connection [status|test|enable|disable]` (the connection page's basics).
 */
import { CliError } from './api-client.js';
import { connect, type ServerOptions } from './connect.js';
import type { CliIo } from './io.js';
import { cliWords } from './cli-words.js';
import { checkLines, checkTally, groupedCheckLines, reportError, writeLines, type Check } from './output.js';

export interface DoctorCommandOptions extends ServerOptions {
  json?: boolean;
}

interface DoctorReport {
  ok: boolean;
  state: string;
  checks: Check[];
}

const state = (s: string) => s.replace('-', ' ');

/** Exit code 0 when every rule holds (warnings allowed), 1 when a check fails, 2 when unreachable. */
export async function runDoctor(options: DoctorCommandOptions, io: CliIo): Promise<number> {
  try {
    const { client, url } = await connect(options, io);
    const report = await client.json<DoctorReport>('/bridge/doctor');
    if (options.json) {
      io.stdout.write(JSON.stringify(report) + '\n');
    } else {
      writeLines(io.stdout, [
        `Doctor: ${url}, the connection is ${state(report.state)}.`,
        '',
        ...groupedCheckLines(report.checks),
        '',
        report.ok
          ? `${checkTally(report.checks)} The account rules hold.`
          : `${checkTally(report.checks)} Fix the ✗ lines (each says how), then run \`tandem doctor\` again.`,
      ]);
    }
    return report.ok ? 0 : 1;
  } catch (error) {
    return reportError(io, error, options.json);
  }
}

export const CONNECTION_ACTIONS = ['status', 'test', 'enable', 'disable'] as const;
export type ConnectionAction = (typeof CONNECTION_ACTIONS)[number];

export interface ConnectionCommandOptions extends ServerOptions {
  reason?: string;
  json?: boolean;
}

interface ConnectionView {
  state: string;
  enabled: boolean;
  writing: boolean;
  reasons: string[];
  warnings: Check[];
  salesUrl: string | null;
  erpUrl: string | null;
  erpCompanyId: string | null;
  integrationIdentity: { kind: string; name: string | null } | null;
  setupAdministrator: string | null;
  solutionVersion: string | null;
  localCurrency: string | null;
  setupCompletedAt: string | null;
  lastCheck: { at: string; checks: Check[] } | null;
}

function statusLines(view: ConnectionView): string[] {
  const identity = view.integrationIdentity;
  const rows: Array<[string, string | null | undefined]> = [
    ['Sales', view.salesUrl],
    [
      'ERP',
      view.erpUrl ? `${view.erpUrl}${view.erpCompanyId ? ` (company ${view.erpCompanyId})` : ''}` : null,
    ],
    [
      'Integration',
      identity
        ? `${identity.kind === 'application' ? 'application user' : 'user'} ${identity.name ?? ''}`.trim()
        : null,
    ],
    ['Set up by', view.setupAdministrator],
    ['Solution', view.solutionVersion],
    ['Local currency', view.localCurrency],
    ['Set up at', view.setupCompletedAt],
    ['Last checked', view.lastCheck?.at],
  ];
  const shown = rows.filter(([, v]) => v);
  const width = Math.max(...shown.map(([k]) => k.length));
  return [
    `Connection: ${state(view.state)}${view.enabled ? (view.writing ? ' and writing' : ', not writing') : ''}.`,
    ...shown.map(([k, v]) => `  ${`${k}:`.padEnd(width + 1)} ${v}`),
    ...view.reasons.map((r) => `  ✗ ${cliWords(r)}`),
    ...view.warnings.flatMap((w) => checkLines(w)),
  ];
}

export async function runConnection(
  action: ConnectionAction,
  options: ConnectionCommandOptions,
  io: CliIo,
): Promise<number> {
  try {
    if (options.reason !== undefined && action !== 'disable') {
      return reportError(
        io,
        new CliError('--reason goes with `tandem connection disable` only.'),
        options.json,
      );
    }
    const { client } = await connect(options, io);
    const out = (value: unknown, lines: string[]) => {
      if (options.json) io.stdout.write(JSON.stringify(value) + '\n');
      else writeLines(io.stdout, lines);
    };
    switch (action) {
      case 'status': {
        const view = await client.json<ConnectionView>('/bridge/connection');
        out(view, statusLines(view));
        return 0;
      }
      case 'test': {
        const result = await client.json<{ ok: boolean; checks: Check[]; connection: ConnectionView }>(
          '/bridge/connection/test',
          { method: 'POST' },
        );
        out(result, [
          ...groupedCheckLines(result.checks),
          '',
          `${checkTally(result.checks)} The connection is ${state(result.connection.state)}${result.ok ? '.' : '; the bridge does not write while a check fails.'}`,
        ]);
        return result.ok ? 0 : 1;
      }
      case 'enable': {
        const view = await client.json<ConnectionView>('/bridge/connection/enable', { method: 'POST' });
        out(view, statusLines(view));
        return 0;
      }
      case 'disable': {
        const view = await client.json<ConnectionView>('/bridge/connection/disable', {
          method: 'POST',
          body: options.reason ? { reason: options.reason } : {},
        });
        out(view, statusLines(view));
        return 0;
      }
    }
  } catch (error) {
    return reportError(io, error, options.json);
  }
}
