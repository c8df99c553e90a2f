/**
 * Bulk user import, steps 1–2 of Microsoft 365's flow (upload → verify): the file is streamed into
 * directory.import_rows in batches, every row validated, then set-based checks across the file
 * (duplicate User Names, which rows would create or update users). Nothing is written to users here;
 * applying is import-apply.ts, the one-time results file import-results.ts.
 */
import crypto from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { AppError, type FieldProblem } from '../platform/http/app-error.js';
import { copyIn } from '../platform/db/bulk-copy.js';
import { queryRows, type Database } from '../platform/db/database.js';
import { hashPassword } from '../platform/security/passwords.js';
import type { Actor, DirectoryContext } from './context.js';
import { openImportFile, type ImportFormat, type ImportSource } from './csv-reader.js';
import { validateRecord, type RowProblem, type StagedFields, type ValidatedRow } from './import-validate.js';
import { domains, importProblems, imports, type ImportState } from './schema.js';
import type { ProfileFieldKey } from './user-fields.js';

/** Profile fields staged in import_rows and written to users: field key → column (same in both tables). */
export const STAGED_PROFILE: ReadonlyArray<readonly [Exclude<ProfileFieldKey, 'userPrincipalName'>, string]> =
  [
    ['firstName', 'first_name'],
    ['lastName', 'last_name'],
    ['displayName', 'display_name'],
    ['jobTitle', 'job_title'],
    ['department', 'department'],
    ['officeNumber', 'office_number'],
    ['officePhone', 'office_phone'],
    ['mobilePhone', 'mobile_phone'],
    ['fax', 'fax'],
    ['alternateEmail', 'alternate_email'],
    ['address', 'address'],
    ['city', 'city'],
    ['state', 'state'],
    ['postalCode', 'postal_code'],
    ['country', 'country'],
  ];

/** Rows written per statement: big enough to amortise the round trip, small enough for PGlite's memory. */
const BATCH_ROWS = 5000;
/** A file this broken is not worth reading further (junk, wrong file). */
export const MAX_PROBLEMS = 1000;
/** Problems returned inline; the full log is problems.csv. */
export const INLINE_PROBLEMS = 100;
/** Staged imports live this long; the results file with passwords is not kept longer either. */
export const IMPORT_TTL_HOURS = 24;
/** Concurrent scrypt hashes for Entra initial passwords (libuv's pool has 4 threads). */
const HASH_CONCURRENCY = 4;

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
  applied?: Record<string, unknown>;
}

export async function verifiedDomains(db: Database): Promise<string[]> {
  return (await db.select({ name: domains.name }).from(domains)).map((d) => d.name.toLowerCase());
}

async function hashEntraPasswords(rows: ValidatedRow[]): Promise<void> {
  const pending = rows.filter((r) => r.problems.length === 0 && r.fields.password);
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const row = pending[next++]!;
      (row.fields as Record<string, unknown>).passwordHash = await hashPassword(row.fields.password!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, pending.length) }, worker));
  for (const row of rows) delete row.fields.password;
}

/** The staged columns, in the order writeBatch gives them. */
const STAGED_COLUMNS = [
  'import_id',
  'row_number',
  'user_principal_name',
  ...STAGED_PROFILE.map(([, column]) => column),
  'usage_location',
  'country_code',
  'sign_in_blocked',
  'password_hash',
  'valid',
  'user_id',
];

/**
 * Ids for the users an import may create: UUIDv7 (RFC 9562: 48-bit millisecond time, a 12-bit counter
 * for ids within one millisecond, 62 random bits), ascending in row order. Inserting 100,000 users
 * (and their licences) in ascending key order keeps each index insertion next to the previous one;
 * random v4 ids scatter them over the whole index, which measured up to twice as slow on PGlite.
 */
export function userIdGenerator(): (count: number) => string[] {
  let ms = 0;
  let counter = 0;
  return (count) => {
    const random = crypto.randomBytes(8 * count);
    const id = Buffer.alloc(16);
    const out: string[] = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const now = Date.now();
      if (now > ms) {
        ms = now;
        counter = 0;
      } else if (++counter > 0xfff) {
        ms++; // the counter ran out within one millisecond: borrow the next (RFC 9562, 6.2)
        counter = 0;
      }
      id.writeUIntBE(ms, 0, 6);
      id[6] = 0x70 | (counter >> 8);
      id[7] = counter & 0xff;
      random.copy(id, 8, 8 * i, 8 * i + 8);
      id[8] = 0x80 | (id[8]! & 0x3f);
      const hex = id.toString('hex');
      out[i] =
        `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    return out;
  };
}

async function writeBatch(
  db: Database,
  importId: string,
  rows: ValidatedRow[],
  problemSeq: number,
  newIds: (count: number) => string[],
) {
  await hashEntraPasswords(rows);
  // COPY on PGlite (see bulk-copy.ts): 100,000 rows in ~1.5 s, where one jsonb document per row
  // through jsonb_to_recordset took 4–8 s. Each row gets the id its user will have if it creates one.
  const ids = newIds(rows.length);
  await copyIn(
    db,
    'directory.import_rows',
    STAGED_COLUMNS,
    rows.map((r, i) => {
      const f = r.fields as StagedFields & { passwordHash?: string };
      return [
        importId,
        r.row,
        r.userPrincipalName,
        ...STAGED_PROFILE.map(([key]) => f[key] ?? null),
        f.usageLocation ?? null,
        f.countryCode ?? null,
        f.signInBlocked ?? null,
        f.passwordHash ?? null,
        r.problems.length === 0,
        ids[i]!,
      ];
    }),
  );
  const problems = rows.flatMap((r) => r.problems);
  if (problems.length > 0) await writeProblems(db, importId, problems, problemSeq);
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
 */
export async function stageImport(
  ctx: DirectoryContext,
  actor: Actor,
  source: ImportSource,
  options: { fileName?: string; dryRun?: boolean; maxBytes?: number } = {},
): Promise<ImportSummary> {
  const { db } = ctx;
  const opened = await openImportFile(source, { maxBytes: options.maxBytes });
  const domainNames = await verifiedDomains(db);
  const [created] = await db
    .insert(imports)
    .values({
      createdBy: actor.id,
      fileName: options.fileName ?? null,
      format: opened.layout.format,
      state: 'uploading',
      options: { dryRun: options.dryRun === true } satisfies StagedMeta,
    })
    .returning({ id: imports.id });
  const importId = created!.id;
  const newIds = userIdGenerator();
  try {
    let batch: ValidatedRow[] = [];
    let rowCount = 0;
    let problemCount = 0;
    let batchProblems = 0;
    for await (const record of opened.records) {
      const row = validateRecord(opened.layout, record, domainNames);
      rowCount++;
      batch.push(row);
      batchProblems += row.problems.length;
      if (problemCount + batchProblems > MAX_PROBLEMS) {
        throw new AppError(
          'InvalidCsv',
          `Stopped after ${MAX_PROBLEMS.toLocaleString('en-US')} problems (at row ${record.row}): this does not look like a ` +
            `user-import file, or most of its rows are wrong. Start from the template (\`tandem users template\`), ` +
            `fix the problems listed and upload it again.`,
          { problems: await firstProblems(db, importId, batch) },
        );
      }
      if (batch.length >= BATCH_ROWS) {
        await writeBatch(db, importId, batch, problemCount, newIds);
        problemCount += batchProblems;
        batch = [];
        batchProblems = 0;
      }
    }
    if (batch.length > 0) await writeBatch(db, importId, batch, problemCount, newIds);
    problemCount += batchProblems;

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
        options: {
          dryRun: options.dryRun === true,
          columns: opened.layout.columns.map((c) => c.key),
          validRowCount: counts?.valid ?? 0,
          willCreate: counts?.will_create ?? 0,
          willUpdate: counts?.will_update ?? 0,
        } satisfies StagedMeta,
      })
      .where(eq(imports.id, importId));
    return getImport(db, importId);
  } catch (error) {
    // A fatal problem leaves nothing behind: the staged rows go with the import (on delete cascade).
    await db.delete(imports).where(eq(imports.id, importId));
    throw error;
  }
}

async function firstProblems(db: Database, importId: string, rows: ValidatedRow[]): Promise<FieldProblem[]> {
  const written = await db
    .select({
      row: importProblems.rowNumber,
      column: importProblems.column,
      value: importProblems.value,
      message: importProblems.message,
    })
    .from(importProblems)
    .where(eq(importProblems.importId, importId))
    .orderBy(asc(importProblems.seq))
    .limit(INLINE_PROBLEMS);
  return [...written, ...rows.flatMap((r) => r.problems)].slice(0, INLINE_PROBLEMS).map((p) => ({
    row: p.row,
    field: p.column,
    message: p.message,
    ...(p.value === null ? {} : { value: p.value }),
  }));
}

/** Marks every row whose User Name appears more than once as invalid, with a problem naming the rows. */
async function flagDuplicateUserNames(db: Database, importId: string, firstSeq: number): Promise<number> {
  const inserted = await queryRows<{ n: number }>(
    db,
    sql`
    with dup as (
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
    yield stringify(
      page.map((p) => [p.rowNumber, p.column, p.value ?? '', p.message]),
      { record_delimiter: '\r\n' },
    );
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
