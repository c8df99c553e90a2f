/**
 * The results file of an applied import (M365's "View your result"): one line per row with the
 * temporary password of each user created. Handed out once: when a download has been sent whole,
 * the sealed password seed is wiped in the same statement that marks the file taken, so no later
 * download can show the passwords again. A download that breaks part-way can be started again, for
 * RESULTS_RETRY_MINUTES after the first one began (the same file: the passwords come from the seed).
 */
import { sql } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import { copyOut } from '../platform/db/bulk-copy.js';
import { safeCsvLine } from '../platform/csv/safe-cell.js';
import { queryRows } from '../platform/db/database.js';
import type { DirectoryContext } from './context.js';
import { importPasswords } from './import-passwords.js';

export const RESULTS_HEADER = ['User Name', 'Display Name', 'Temporary Password', 'Result', 'Message'];
/** Rows per page: few round trips, and a page of 25,000 result lines is a few MB. */
const PAGE = 25000;

interface ResultRow {
  row_number: number;
  user_principal_name: string;
  display_name: string | null;
  outcome: string | null;
  /** Created with the initial password from the file (Entra), not a temporary one. */
  has_password: boolean;
  problems: string | null;
  /** The temporary password of a created row without an initial password from the file. */
  password: string;
}

/** How long after the first download began a broken download may be started again. */
export const RESULTS_RETRY_MINUTES = 15;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Starts a download of the results file and returns its lines as a stream of CSV chunks. The first
 * download's start is recorded; the file stays available until one download has been sent whole
 * (`completeImportResults`) or RESULTS_RETRY_MINUTES have passed since that start.
 */
export async function takeImportResults(
  ctx: DirectoryContext,
  importId: string,
): Promise<{ fileName: string; chunks: AsyncGenerator<string> }> {
  const claimed = await ctx.db.transaction(async (tx) => {
    const [current] = await queryRows<{
      state: string;
      results_taken: boolean;
      seed: string | null;
      licence: string | null;
      scheme: string | null;
      expired: boolean;
    }>(
      tx,
      // The file is for people: the licence by the name every page uses, not its part number.
      sql`select i.state, i.results_taken, i.result->>'sealedPasswordSeed' as seed,
                 coalesce(s.name, i.result->>'licence') as licence,
                 i.result->>'passwordScheme' as scheme,
                 coalesce((i.result->>'resultsStartedAt')::timestamptz
                            < now() - make_interval(mins => ${RESULTS_RETRY_MINUTES}), false) as expired
          from directory.imports i
          left join directory.skus s on s.part_number = i.result->>'licence'
          where i.id = ${importId} for update of i`,
    );
    if (!current || current.state === 'uploading') {
      throw new AppError('NotFound', `There is no import ${importId}.`);
    }
    if (current.state !== 'applied' && current.state !== 'expired') {
      throw new AppError(
        'Conflict',
        `Import ${importId} has not been applied yet, so there are no results. Apply it first (POST /directory/imports/${importId}/apply).`,
      );
    }
    if (current.results_taken || !current.seed) {
      throw new AppError(
        'Conflict',
        `The results file of import ${importId} was already downloaded; it holds temporary passwords and is shown only once. ` +
          `Reset the password of any user who did not receive theirs.`,
      );
    }
    if (current.expired) {
      await tx.execute(sql`
        update directory.imports set results_taken = true, result = result - 'sealedPasswordSeed'
        where id = ${importId}`);
      return null;
    }
    await tx.execute(sql`
      update directory.imports
         set result = jsonb_set(result, '{resultsStartedAt}',
                                coalesce(result->'resultsStartedAt', to_jsonb(now())))
       where id = ${importId}`);
    return {
      seed: Buffer.from(ctx.secrets.open(current.seed), 'base64'),
      licence: current.licence,
      scheme: Number(current.scheme ?? 1),
    };
  });

  if (!claimed) {
    throw new AppError(
      'Conflict',
      `The results file of import ${importId} can no longer be downloaded: a download began more than ${RESULTS_RETRY_MINUTES} minutes ago, and the file holds temporary passwords. ` +
        `Reset the password of any user who did not receive theirs.`,
    );
  }
  const taken = claimed;

  async function* chunks(): AsyncGenerator<string> {
    yield '\uFEFF' + safeCsvLine(RESULTS_HEADER);
    // The id goes into the query text (COPY takes no parameters): it named an import above, and is
    // checked to be a uuid besides.
    if (!UUID.test(importId)) throw new AppError('NotFound', `There is no import ${importId}.`);
    let after = 0;
    for (;;) {
      // Every column as text, each with its own name (copyOut). A valid row without an outcome was created (apply writes only
      // 'updated' and 'failed'). The CASE keeps the problem lookup to failed rows: 100,000 created
      // rows cost nothing there.
      const cells = await copyOut(
        ctx.db,
        `select r.row_number::text as row_number, r.user_principal_name, r.display_name,
                coalesce(r.outcome, case when r.valid then 'created' end) as outcome,
                case when r.password_hash is null or r.password_generated then 'f' else 't' end as has_password,
                case when r.outcome = 'failed' or not r.valid then
                  (select string_agg(p."column" || ': ' || p.message, '; ' order by p.seq)
                     from directory.import_problems p
                     where p.import_id = r.import_id and p.row_number = r.row_number) end as problems
         from directory.import_rows r
         where r.import_id = '${importId}' and r.row_number > ${after}
         order by r.row_number limit ${PAGE}`,
      );
      if (cells.length === 0) return;
      const page = cells.map((c): ResultRow => ({
        row_number: Number(c[0]),
        user_principal_name: c[1]!,
        display_name: c[2] ?? null,
        outcome: c[3] ?? null,
        has_password: c[4] === 't',
        problems: c[5] ?? null,
        password: '',
      }));
      after = page[page.length - 1]!.row_number;
      const generated = page.filter((r) => r.outcome === 'created' && !r.has_password);
      const passwords = importPasswords(
        taken.scheme,
        taken.seed,
        importId,
        generated.map((r) => r.row_number),
      );
      generated.forEach((r, i) => (r.password = passwords[i]!));
      let text = '';
      for (const r of page) text += safeCsvLine(resultLine(r, taken.licence));
      yield text;
    }
  }
  return { fileName: `import-${importId}-results.csv`, chunks: chunks() };
}

function resultLine(r: ResultRow, licence: string | null): string[] {
  const licenced = licence ? ` Licensed for ${licence}.` : '';
  switch (r.outcome) {
    case 'created':
      return [
        r.user_principal_name,
        r.display_name ?? '',
        r.password,
        'Created',
        (r.has_password
          ? 'Created with the initial password from the file; it must be changed at first sign-in.'
          : 'Created; the temporary password must be changed at first sign-in.') + licenced,
      ];
    case 'updated':
      return [
        r.user_principal_name,
        r.display_name ?? '',
        '',
        'Updated',
        `Profile updated; password unchanged.${licenced}`,
      ];
    default:
      return [
        r.user_principal_name,
        r.display_name ?? '',
        '',
        'Failed',
        `Row ${r.row_number}: ${r.problems ?? 'not applied'}`,
      ];
  }
}

/**
 * A download was sent whole: the file is taken, and the seed it was made from is wiped, so the
 * passwords can never be shown again.
 */
export async function completeImportResults(ctx: DirectoryContext, importId: string): Promise<void> {
  await ctx.db.execute(sql`
    update directory.imports set results_taken = true, result = result - 'sealedPasswordSeed'
    where id = ${importId}`);
}
