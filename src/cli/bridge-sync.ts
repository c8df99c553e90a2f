/**
 * `tandem sync …`: run the sync now (all mappings or --mapping, --full), its status, the run log, the
 * error log and retry (with --winner to settle a conflict), and the full-sync review.
 */
import { connect, type ServerOptions } from './connect.js';
import type { CliIo } from './io.js';
import { reportError, table, writeLines } from './output.js';

export const SYNC_ACTIONS = ['run', 'status', 'log', 'errors', 'retry', 'review'] as const;
export type SyncAction = (typeof SYNC_ACTIONS)[number];

export interface SyncCommandOptions extends ServerOptions {
  mapping?: string;
  full?: boolean;
  id?: string[];
  all?: boolean;
  winner?: 'erp' | 'sales';
  top?: string;
  start?: boolean;
  background?: boolean;
  json?: boolean;
}

type Counts = Record<
  'inserted' | 'modified' | 'deleted' | 'unchanged' | 'skipped' | 'failed' | 'coupled' | 'uncoupled',
  number
>;

interface RunOutcome {
  mapping: string;
  status: string;
  kind?: string;
  toSales?: Counts;
  toErp?: Counts;
  message: string | null;
}

const countText = (c: Counts) =>
  (['inserted', 'modified', 'deleted', 'unchanged', 'skipped', 'failed', 'coupled', 'uncoupled'] as const)
    .filter((k) => c[k] > 0)
    .map((k) => `${c[k]} ${k}`)
    .join(', ') || 'nothing to do';

function outcomeLines(runs: RunOutcome[]): string[] {
  return table(
    ['Mapping', 'Result', 'ERP → Sales', 'Sales → ERP'],
    runs.map((r) => [
      r.mapping,
      r.status,
      r.toSales ? countText(r.toSales) : '',
      r.toErp ? countText(r.toErp) : (r.message ?? ''),
    ]),
  ).concat(runs.filter((r) => r.message && r.status !== 'busy').map((r) => `${r.mapping}: ${r.message}`));
}

/** Exit code 0 when every run succeeded and no record failed, 1 otherwise, 2 when unreachable. */
export async function runSync(action: SyncAction, options: SyncCommandOptions, io: CliIo): Promise<number> {
  try {
    const { client, url } = await connect(options, io);
    const top = options.top ?? '50';
    const mappingQuery = options.mapping ? `&mapping=${encodeURIComponent(options.mapping)}` : '';
    const print = (value: unknown, lines: string[]) =>
      options.json ? io.stdout.write(JSON.stringify(value) + '\n') : writeLines(io.stdout, lines);
    switch (action) {
      case 'run': {
        const result = await client.json<{ value: RunOutcome[] }>('/bridge/sync/run', {
          method: 'POST',
          body: { ...(options.mapping ? { mapping: options.mapping } : {}), full: Boolean(options.full) },
        });
        const failed = result.value.filter(
          (r) => r.status === 'failed' || (r.toSales?.failed ?? 0) + (r.toErp?.failed ?? 0) > 0,
        );
        print(result, [
          `Synchronised ${options.full ? '(full) ' : ''}on ${url}:`,
          ...outcomeLines(result.value),
          failed.length
            ? 'Some records failed: `tandem sync errors` lists them with the reason; fix, then `tandem sync retry --all`.'
            : 'Done.',
        ]);
        return failed.length ? 1 : 0;
      }
      case 'status': {
        const status = await client.json<{
          paused: string | null;
          value: Array<{
            mapping: string;
            enabled: boolean;
            started: boolean;
            running: boolean;
            couplings: number;
            failed: number;
            waiting: number;
            skipped: number;
            lastError: string | null;
            lastRun: { status: string; finishedAt: string | null } | null;
          }>;
        }>('/bridge/sync/status');
        print(status, [
          status.paused ? `Paused: ${status.paused}` : `Sync on ${url}:`,
          ...table(
            ['Mapping', 'State', 'Coupled', 'Failed', 'Waiting', 'Skipped', 'Last run'],
            status.value.map((m) => [
              m.mapping,
              !m.enabled ? 'disabled' : !m.started ? 'not started' : m.running ? 'running' : 'idle',
              String(m.couplings),
              String(m.failed),
              String(m.waiting),
              String(m.skipped),
              m.lastRun ? `${m.lastRun.status} ${m.lastRun.finishedAt ?? ''}`.trim() : '—',
            ]),
          ),
          ...status.value.filter((m) => m.lastError).map((m) => `${m.mapping}: ${m.lastError}`),
          ...(status.value.some((m) => m.enabled && !m.started)
            ? [
                'Mappings not started yet: review the first sync with `tandem sync review`, start it with --start.',
              ]
            : []),
        ]);
        return 0;
      }
      case 'log': {
        const log = await client.json<{
          value: Array<
            RunOutcome & {
              id: number;
              startedAt: string;
              durationMs: number | null;
              startedBy: { name: string };
            }
          >;
        }>(`/bridge/sync/runs?top=${encodeURIComponent(top)}${mappingQuery}`);
        print(
          log,
          table(
            ['Run', 'Mapping', 'Kind', 'Status', 'Started', 'Took', 'By', 'ERP → Sales', 'Sales → ERP'],
            log.value.map((r) => [
              String(r.id),
              r.mapping,
              r.kind ?? '',
              r.status,
              r.startedAt,
              r.durationMs === null ? '—' : `${r.durationMs} ms`,
              r.startedBy.name,
              countText(r.toSales!),
              countText(r.toErp!),
            ]),
          ),
        );
        return 0;
      }
      case 'errors': {
        const errors = await client.json<{
          value: Array<{
            id: number;
            mapping: string;
            direction: string;
            source: { name: string | null; id: string };
            kind: string;
            message: string;
            failures: number;
            skipped: boolean;
          }>;
        }>(`/bridge/sync/errors?top=${encodeURIComponent(top)}${mappingQuery}`);
        print(
          errors,
          errors.value.length === 0
            ? ['No record is failing.']
            : errors.value.flatMap((e) => [
                `#${e.id} ${e.mapping} ${e.direction} ${e.source.name ?? e.source.id}: ${e.skipped ? 'skipped' : e.kind} (${e.failures} time${e.failures === 1 ? '' : 's'})`,
                `    ${e.message}`,
              ]),
        );
        return 0;
      }
      case 'retry': {
        const ids = (options.id ?? []).map(Number);
        if (ids.some((n) => !Number.isInteger(n) || n <= 0)) {
          io.stderr.write('Error: --id takes the number of an error (from `tandem sync errors`).\n');
          return 1;
        }
        if (ids.length === 0 && !options.mapping && !options.all) {
          io.stderr.write(
            'Error: say which errors to retry: --id N (repeatable), --mapping NAME or --all.\n',
          );
          return 1;
        }
        const result = await client.json<{ retried: number; errors: Array<{ id: number; message: string }> }>(
          '/bridge/sync/errors/retry',
          {
            method: 'POST',
            body: {
              ...(ids.length ? { ids } : options.mapping ? { mapping: options.mapping } : { all: true }),
              ...(options.winner ? { winner: options.winner } : {}),
            },
          },
        );
        print(result, [
          `Retried ${result.retried} record${result.retried === 1 ? '' : 's'}; ${result.errors.length} still failing.`,
          ...result.errors.map((e) => `#${e.id}: ${e.message}`),
        ]);
        return result.errors.length ? 1 : 0;
      }
      case 'review': {
        if (options.start) {
          const started = await client.json<{
            value: Array<{ mapping: string; recommendation: string; runs: RunOutcome[]; queued: boolean }>;
          }>('/bridge/sync/review/start', { method: 'POST', body: { wait: !options.background } });
          print(started, [
            ...table(
              ['Mapping', 'Recommendation', 'Result'],
              started.value.map((l) => [
                l.mapping,
                l.recommendation,
                l.queued
                  ? 'queued (runs in the background)'
                  : l.runs.map((r) => `${r.kind ?? ''} ${r.status}`).join(', ') || '—',
              ]),
            ),
            options.background
              ? 'Follow it with `tandem sync status`.'
              : 'Done. New changes now flow by themselves.',
          ]);
          return 0;
        }
        const review = await client.json<{
          value: Array<{ mapping: string; recommendation: string; explanation: string }>;
        }>('/bridge/sync/review');
        print(review, [
          ...review.value.map((l) => `${l.mapping}: ${l.recommendation} — ${l.explanation}`),
          'Nothing was written. Start the first sync with `tandem sync review --start` (add --background for large data).',
        ]);
        return 0;
      }
    }
  } catch (error) {
    return reportError(io, error, options.json);
  }
}

export const MAPPING_ACTIONS = ['list', 'show', 'edit', 'enable', 'disable', 'reset'] as const;
export type MappingAction = (typeof MAPPING_ACTIONS)[number];

export interface MappingCommandOptions extends ServerOptions {
  set?: string[];
  file?: string;
  json?: boolean;
}

/** A --set value: JSON when it parses (true, 3, null, ["A"]), else the text itself. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** `tandem mappings [list|show NAME|edit NAME --set key=value|--file edit.json|enable NAME|disable NAME|reset NAME]`. */
export async function runMappings(
  action: MappingAction,
  name: string | undefined,
  options: MappingCommandOptions,
  io: CliIo,
): Promise<number> {
  try {
    if (action !== 'list' && !name) {
      io.stderr.write(`Error: name the mapping: tandem mappings ${action} CUSTOMER.\n`);
      return 1;
    }
    const { client } = await connect(options, io);
    const path = `/bridge/mappings/${encodeURIComponent(name ?? '')}`;
    type Mapping = {
      name: string;
      direction: string;
      enabled: boolean;
      isDefault: boolean;
      conflictPolicy: string;
      mergeTieBreak: string;
      deletionPolicy: string;
      syncOnlyCoupled: boolean;
      skipAfterFailures: number;
      erpEntity: string;
      salesEntity: string;
      erpFilter: string | null;
      salesFilter: string | null;
      dependsOn: string[];
      fields: Array<{
        erpField: string | null;
        salesAttribute: string;
        direction: string;
        constant?: string;
      }>;
    };
    const show = (m: Mapping) =>
      options.json
        ? io.stdout.write(JSON.stringify(m) + '\n')
        : writeLines(io.stdout, [
            `${m.name}: ERP ${m.erpEntity} ↔ Sales ${m.salesEntity}, ${m.direction}${m.enabled ? '' : ' (disabled)'}${m.isDefault ? '' : ' (edited)'}`,
            `  conflicts: ${m.conflictPolicy}${m.conflictPolicy === 'Merge' ? ` (tie-break ${m.mergeTieBreak})` : ''}; deletions: ${m.deletionPolicy}; only coupled records: ${m.syncOnlyCoupled ? 'yes' : 'no'}; skip after ${m.skipAfterFailures || 'never'} identical failures`,
            `  ERP filter: ${m.erpFilter ?? '—'}; Sales filter: ${m.salesFilter ?? '—'}; after: ${m.dependsOn.join(', ') || '—'}`,
            ...table(
              ['ERP field', 'Sales attribute', 'Direction'],
              m.fields.map((f) => [f.erpField ?? `= ${f.constant ?? ''}`, f.salesAttribute, f.direction]),
            ).map((l) => `  ${l}`),
          ]);
    switch (action) {
      case 'list': {
        const list = await client.json<{ value: Mapping[] }>('/bridge/mappings');
        if (options.json) io.stdout.write(JSON.stringify(list) + '\n');
        else
          writeLines(
            io.stdout,
            table(
              ['Mapping', 'ERP', 'Sales', 'Direction', 'Conflicts', 'Deletions', 'Enabled'],
              list.value.map((m) => [
                m.name,
                m.erpEntity,
                m.salesEntity,
                m.direction,
                m.conflictPolicy,
                m.deletionPolicy,
                m.enabled ? 'yes' : 'no',
              ]),
            ),
          );
        return 0;
      }
      case 'show':
        show(await client.json<Mapping>(path));
        return 0;
      case 'edit': {
        const edit: Record<string, unknown> = {};
        if (options.file) {
          const fs = await import('node:fs');
          Object.assign(edit, JSON.parse(fs.readFileSync(options.file, 'utf8')) as Record<string, unknown>);
        }
        for (const pair of options.set ?? []) {
          const at = pair.indexOf('=');
          if (at < 1) {
            io.stderr.write(
              `Error: --set takes key=value (e.g. --set conflictPolicy=Merge), got "${pair}".\n`,
            );
            return 1;
          }
          edit[pair.slice(0, at)] = parseValue(pair.slice(at + 1));
        }
        if (Object.keys(edit).length === 0) {
          io.stderr.write('Error: say what to change: --set key=value (repeatable) or --file edit.json.\n');
          return 1;
        }
        show(await client.json<Mapping>(path, { method: 'PATCH', body: edit }));
        return 0;
      }
      case 'enable':
      case 'disable':
        show(await client.json<Mapping>(path, { method: 'PATCH', body: { enabled: action === 'enable' } }));
        return 0;
      case 'reset':
        show(await client.json<Mapping>(`${path}/reset`, { method: 'POST' }));
        return 0;
    }
  } catch (error) {
    return reportError(io, error, options.json);
  }
}
