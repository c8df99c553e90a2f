/**
 * Bulk user import, steps 1–2 of Microsoft 365's flow (upload → verify): the file is streamed into
 * directory.import_rows in batches, every row validated (import-staging.ts, on a worker thread), then
 * set-based checks across the file
 * (duplicate User Names, which rows would create or update users). Nothing is written to users here;
 * applying is import-apply.ts, the one-time results file import-results.ts.
 */
import crypto from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { safeCsvLine } from '../platform/csv/safe-cell.js';
import { AppError } from '../platform/http/app-error.js';
import { copyDocumentIn } from '../platform/db/bulk-copy.js';
import { queryRows, type Database } from '../platform/db/database.js';
import type { Actor, DirectoryContext } from './context.js';
import { describeFormat, type ImportFormat, type ImportSource } from './csv-reader.js';
import { newPasswordSeed } from './import-passwords.js';
import { INLINE_PROBLEMS, STAGED_COLUMNS, type StagingEvent } from './import-staging.js';
import { stageOnWorker } from './import-staging-thread.js';
import type { RowProblem } from './import-validate.js';
import { domains, importProblems, imports, type ImportState } from './schema.js';

/** Staged imports live this long; the results file with passwords is not kept longer either. */
export const IMPORT_TTL_HOURS = 24;

export interface ImportProblemOut {
  row: number;
  column: string;
  value: string | null;
  message: string;
}

export interface ImportResultCounts {
  created: number;
  updated: number;
  failed: number;
  licensed: number;
  licence: string | null;
}

export interface ImportSummary {
  id: string;
  state: ImportState;
  format: ImportFormat;
  /** Which template the file was read as, in plain words. */
  template: string;
  fileName: string | null;
  dryRun: boolean;
  createdAt: string;
  rowCount: number;
  validRowCount: number;
  problemCount: number;
  problems: ImportProblemOut[];
  willCreate: number;
  willUpdate: number;
  result: ImportResultCounts | null;
  resultsTaken: boolean;
}

/** What the verify step stores in imports.options; apply adds the chosen options. */
interface StagedMeta {
  dryRun?: boolean;
  /** The import column keys the file had (its layout): apply leaves the users' other fields alone. */
  columns?: string[];
  validRowCount?: number;
  willCreate?: number;
  willUpdate?: number;
  /**
   * The seed of the import's temporary passwords, sealed (import-passwords.ts): drawn here, because
   * the passwords' hashes are staged with the rows; apply moves it into the result.
   */
  sealedPasswordSeed?: string;
  applied?: Record<string, unknown>;
}

export async function verifiedDomains(db: Database): Promise<string[]> {
  return (await db.select({ name: domains.name }).from(domains)).map((d) => d.name.toLowerCase());
}

async function writeProblems(db: Database, importId: string, problems: RowProblem[], firstSeq: number) {
  const json = JSON.stringify(
    problems.map((p, i) => ({ s: firstSeq + i, r: p.row, c: p.column, v: p.value, m: p.message })),
  );
  await db.execute(sql`
    insert into directory.import_problems (import_id, seq, row_number, "column", value, message)
    select ${importId}::uuid, x.s, x.r, x.c, x.v, x.m
    from jsonb_to_recordset(${json}::jsonb) as x(s int, r int, c text, v text, m text)`);
}

/**
 * Upload + verify: streams the file into staging and returns what applying it would do. Fatal file
 * problems (wrong header, not UTF-8, not CSV, too many problems) throw InvalidCsv and leave nothing.
 * Reading and validating run on a worker thread (import-staging-thread.ts); this thread writes each
 * batch with COPY and then runs the set-based checks.
 */
export async function stageImport(
  ctx: DirectoryContext,
  actor: Actor,
  source: ImportSource,
  options: { fileName?: string; dryRun?: boolean; maxBytes?: number } = {},
): Promise<ImportSummary> {
  const { db } = ctx;
  const importId = crypto.randomUUID();
  const dryRun = options.dryRun === true;
  const seed = dryRun ? null : newPasswordSeed();
  const staging: AsyncGenerator<StagingEvent> = stageOnWorker(source, {
    importId,
    verifiedDomains: await verifiedDomains(db),
    maxBytes: options.maxBytes,
    passwords: seed ? { seed, hashKey: ctx.generatedSecretKey } : null,
  });
  let created = false;
  try {
    // The header is checked before anything is written: a wrong file leaves no import behind.
    const first = await staging.next();
    if (first.done || first.value.kind !== 'layout') throw new Error('import staging: no layout');
    const layout = first.value.layout;
    await db.insert(imports).values({
      id: importId,
      createdBy: actor.id,
      fileName: options.fileName ?? null,
      format: layout.format,
      state: 'uploading',
      options: {
        dryRun,
        ...(seed ? { sealedPasswordSeed: ctx.secrets.seal(seed.toString('base64')) } : {}),
      } satisfies StagedMeta,
    });
    created = true;

    let rowCount = 0;
    let problemCount = 0;
    for await (const event of staging) {
      if (event.kind !== 'batch') continue;
      await copyDocumentIn(db, 'directory.import_rows', STAGED_COLUMNS, event.copy);
      if (event.problems.length > 0) await writeProblems(db, importId, event.problems, problemCount);
      rowCount += event.rows;
      problemCount += event.problems.length;
    }

    // The planner must know this import's rows before the set-wise checks: statistics from the
    // previous import estimate the new one at a single row, and the duplicate check then regrouped
    // the whole import once per staged row (minutes for 10,000 rows, with PGlite's one thread held).
    await db.execute(sql`analyze directory.import_rows`);
    problemCount += await flagDuplicateUserNames(db, importId, problemCount);
    const [counts] = await queryRows<{ valid: number; will_create: number; will_update: number }>(
      db,
      sql`
      select count(*)::int as valid,
             count(*) filter (where u.id is null)::int as will_create,
             count(u.id)::int as will_update
      from directory.import_rows r
      left join directory.users u on u.user_principal_name = r.user_principal_name
      where r.import_id = ${importId} and r.valid`,
    );
    await db
      .update(imports)
      .set({
        state: 'verified',
        rowCount,
        problemCount,
        options: sql`${imports.options} || ${JSON.stringify({
          columns: layout.columns.map((c) => c.key),
          validRowCount: counts?.valid ?? 0,
          willCreate: counts?.will_create ?? 0,
          willUpdate: counts?.will_update ?? 0,
        } satisfies StagedMeta)}::jsonb`,
      })
      .where(eq(imports.id, importId));
    return getImport(db, importId);
  } catch (error) {
    // A fatal problem leaves nothing behind: the staged rows go with the import (trigger, migration 0007).
    if (created) await db.delete(imports).where(eq(imports.id, importId));
    throw error;
  } finally {
    await staging.return(undefined);
  }
}

/** Marks every row whose User Name appears more than once as invalid, with a problem naming the rows. */
async function flagDuplicateUserNames(db: Database, importId: string, firstSeq: number): Promise<number> {
  const inserted = await queryRows<{ n: number }>(
    db,
    sql`
    with dup as materialized (
      select user_principal_name,
             array_to_string((array_agg(row_number order by row_number))[1:10], ', ') as rows_list,
             count(*) as n
      from directory.import_rows
      where import_id = ${importId} and user_principal_name <> ''
      group by user_principal_name
      having count(*) > 1
    ),
    involved as (
      select r.row_number, r.user_principal_name, d.rows_list, d.n
      from directory.import_rows r join dup d using (user_principal_name)
      where r.import_id = ${importId}
    ),
    invalidated as (
      update directory.import_rows r set valid = false
      from involved i
      where r.import_id = ${importId} and r.row_number = i.row_number
      returning r.row_number
    ),
    added as (
      insert into directory.import_problems (import_id, seq, row_number, "column", value, message)
      select ${importId}::uuid, ${firstSeq}::int + row_number() over (order by i.row_number), i.row_number,
             'User Name', i.user_principal_name,
             'User Name "' || i.user_principal_name || '" appears ' || i.n || ' times in this file (rows ' ||
             i.rows_list || case when i.n > 10 then ', …' else '' end ||
             '); each user must be on one row only'
      from involved i
      returning 1
    )
    select (select count(*) from added)::int as n, (select count(*) from invalidated)::int as m`,
  );
  return inserted[0]?.n ?? 0;
}

/** Current state of an import with its first problems. */
export async function getImport(db: Database, importId: string): Promise<ImportSummary> {
  const [row] = await db.select().from(imports).where(eq(imports.id, importId));
  if (!row || row.state === 'uploading') {
    throw new AppError(
      'NotFound',
      `There is no import ${importId}. Imports are kept for ${IMPORT_TTL_HOURS} hours; upload the file again.`,
    );
  }
  const problems = await db
    .select({
      row: importProblems.rowNumber,
      column: importProblems.column,
      value: importProblems.value,
      message: importProblems.message,
    })
    .from(importProblems)
    .where(eq(importProblems.importId, importId))
    .orderBy(asc(importProblems.rowNumber), asc(importProblems.seq))
    .limit(INLINE_PROBLEMS);
  const meta = (row.options ?? {}) as StagedMeta;
  const result = row.result as (ImportResultCounts & Record<string, unknown>) | null;
  return {
    id: row.id,
    state: row.state,
    format: row.format as ImportFormat,
    template: describeFormat(row.format as ImportFormat),
    fileName: row.fileName,
    dryRun: meta.dryRun === true,
    createdAt: row.createdAt.toISOString(),
    rowCount: row.rowCount,
    validRowCount: meta.validRowCount ?? 0,
    problemCount: row.problemCount,
    problems,
    willCreate: meta.willCreate ?? 0,
    willUpdate: meta.willUpdate ?? 0,
    result: result
      ? {
          created: result.created,
          updated: result.updated,
          failed: result.failed,
          licensed: result.licensed,
          licence: result.licence ?? null,
        }
      : null,
    resultsTaken: row.resultsTaken,
  };
}

/** The full problem log as CSV text (row, column, value, problem), streamed page by page. */
export async function* problemsCsv(db: Database, importId: string): AsyncGenerator<string> {
  await getImport(db, importId); // 404 when unknown
  yield '\uFEFF' + stringify([['Row', 'Column', 'Value', 'Problem']], { record_delimiter: '\r\n' });
  let after = -1;
  for (;;) {
    const page = await db
      .select()
      .from(importProblems)
      .where(and(eq(importProblems.importId, importId), sql`${importProblems.seq} > ${after}`))
      .orderBy(asc(importProblems.seq))
      .limit(5000);
    if (page.length === 0) return;
    after = page[page.length - 1]!.seq;
    // The value is the file's own cell: a formula there must not run when the log is opened.
    let text = '';
    for (const p of page) text += safeCsvLine([p.rowNumber, p.column, p.value ?? '', p.message]);
    yield text;
  }
}

/**
 * Housekeeping, cheap enough to run on start and hourly: imports not applied within the TTL are
 * deleted; applied ones keep their summary but lose their staged rows, problems and password seed.
 */
export async function deleteExpiredImports(db: Database): Promise<number> {
  const cutoff = sql`now() - make_interval(hours => ${IMPORT_TTL_HOURS})`;
  const removed = await db
    .delete(imports)
    .where(sql`${imports.state} not in ('applied', 'expired') and ${imports.createdAt} < ${cutoff}`)
    .returning({ id: imports.id });
  const old = sql`select id from directory.imports where state = 'applied' and created_at < ${cutoff}`;
  await db.execute(sql`delete from directory.import_rows where import_id in (${old})`);
  await db.execute(sql`delete from directory.import_problems where import_id in (${old})`);
  await db.execute(sql`
    update directory.imports set result = result - 'sealedPasswordSeed', state = 'expired'
    where state = 'applied' and created_at < ${cutoff}`);
  return removed.length;
}
