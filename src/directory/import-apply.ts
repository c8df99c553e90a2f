/**
 * Bulk user import, step 3 (options → result): applies a verified import in ONE transaction with
 * set-based statements — new users inserted, existing ones (same UPN) updated, seats reserved
 * all-or-nothing and licences assigned — so 100,000 rows take seconds and a failure leaves nothing.
 */
import { eq, sql } from 'drizzle-orm';
import { AppError } from '../platform/http/app-error.js';
import { queryRows, type Transaction } from '../platform/db/database.js';
import { hashGeneratedSecret } from '../platform/security/passwords.js';
import { recordAudit } from './audit.js';
import type { Actor, DirectoryContext } from './context.js';
import { getImport, type ImportResultCounts } from './csv-import.js';
import { newPasswordSeed, PASSWORD_SCHEME, temporaryPasswords } from './import-passwords.js';
import { STAGED_PROFILE } from './import-staging.js';
import { isIsoCountryCode } from './iso-countries.js';
import { imports } from './schema.js';
import { findSku, reserveSeats, type SkuRow } from './seats.js';
import { lockDirectoryWrites } from './write-lock.js';

export interface ApplyOptions {
  /** Sign-in status of the users created (M365's "sign-in status"); default true. */
  signInAllowed?: boolean;
  /** One licence for every user in the file, by part number. */
  licence?: string;
  /** Usage location for every user; else per row from the file (Entra) or Country or Region. */
  usageLocation?: string;
  /** Apply the valid rows and report the invalid ones as failed, instead of refusing. */
  skipInvalidRows?: boolean;
}

export interface ApplyResult extends ImportResultCounts {
  id: string;
}

/**
 * Outcomes of staged rows. Only 'updated' and 'failed' are written: a valid row still without an
 * outcome once the import is applied was created. Writing 'created' too would rewrite every staged
 * row (jsonb and all) of a 100,000-user file for no information — ~3 s of a 100k apply on PGlite.
 */
/** Valid rows not yet excluded or marked 'updated': before the decision pending, after it created. */
const PENDING = sql`r.valid and r.outcome is null`;
/** Rows applied to users: created or updated. */
const APPLIED = sql`r.valid and (r.outcome is null or r.outcome = 'updated')`;
/** How many offending rows a refusal message names. */
const ROWS_NAMED = 10;
/** The users columns of the staged profile fields, in STAGED_PROFILE order. */
const PROFILE_COLUMNS = STAGED_PROFILE.map(([, column]) => column).join(', ');

/**
 * An applied row whose user does not hold the SKU yet: every created user, and updated users without
 * an assignment. NOT EXISTS rather than ON CONFLICT when inserting: exact under the write lock, and a
 * plain insert skips the speculative-insertion work ON CONFLICT does for each of 100,000 rows.
 */
function needsLicence(skuId: string) {
  return sql`(r.outcome is null or not exists (
    select 1 from directory.user_licences l where l.user_id = r.user_id and l.sku_id = ${skuId}::uuid))`;
}

function rowsList(rows: number[], total: number): string {
  return rows.join(', ') + (total > rows.length ? ` and ${total - rows.length} more` : '');
}

/**
 * Rows that cannot be applied for a reason known only now (e.g. no usage location for a licence):
 * refused outright, or, with skipInvalidRows, failed with a problem that names the reason.
 */
async function excludeRows(
  tx: Transaction,
  importId: string,
  condition: ReturnType<typeof sql>,
  skip: boolean,
  problem: { code: 'UsageLocationRequired' | 'Conflict'; column: string; message: string; refusal: string },
): Promise<number> {
  const offending = await queryRows<{ row_number: number; total: number }>(
    tx,
    sql`select r.row_number, count(*) over ()::int as total
        from directory.import_rows r left join directory.users u on u.user_principal_name = r.user_principal_name
        where r.import_id = ${importId} and ${PENDING} and (${condition})
        order by r.row_number limit ${ROWS_NAMED}`,
  );
  if (offending.length === 0) return 0;
  const total = offending[0]!.total;
  if (!skip) {
    throw new AppError(
      problem.code,
      `${problem.refusal} (${total} row${total === 1 ? '' : 's'}: ${rowsList(
        offending.map((o) => o.row_number),
        total,
      )}). Nothing was changed.`,
    );
  }
  await tx.execute(sql`
    with hit as (
      select r.row_number, r.user_principal_name
      from directory.import_rows r left join directory.users u on u.user_principal_name = r.user_principal_name
      where r.import_id = ${importId} and ${PENDING} and (${condition})
    ),
    seq as (select coalesce(max(seq), 0) as base from directory.import_problems where import_id = ${importId}),
    failed as (
      update directory.import_rows r set outcome = 'failed'
      from hit where r.import_id = ${importId} and r.row_number = hit.row_number
      returning 1
    )
    insert into directory.import_problems (import_id, seq, row_number, "column", value, message)
    select ${importId}::uuid, seq.base + row_number() over (order by hit.row_number), hit.row_number,
           ${problem.column}, hit.user_principal_name, ${problem.message}
    from hit, seq`);
  return total;
}

/** Applies a verified import; see ApplyOptions. Re-applying is refused. */
export async function applyImport(
  ctx: DirectoryContext,
  actor: Actor,
  importId: string,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const signInAllowed = options.signInAllowed ?? true;
  const skip = options.skipInvalidRows === true;
  const usage = options.usageLocation?.trim().toUpperCase() || null;
  if (usage && !isIsoCountryCode(usage)) {
    throw new AppError(
      'ValidationFailed',
      `Usage location "${options.usageLocation}" is not an ISO 3166 two-letter country code (e.g. US, GB, DK).`,
      { problems: [{ field: 'usageLocation', message: 'is not an ISO 3166 two-letter code' }] },
    );
  }

  const summary = await getImport(ctx.db, importId); // 404 for unknown ids, before taking any lock
  const result = await ctx.db.transaction(async (tx) => {
    // Lock the import: two administrators applying the same file at once get one apply and one 409.
    const [locked] = await queryRows<{
      state: string;
      problem_count: number;
      options: Record<string, unknown>;
    }>(
      tx,
      sql`select state, problem_count, options from directory.imports where id = ${importId} for update`,
    );
    if (!locked) throw new AppError('NotFound', `There is no import ${importId}.`);
    if (locked.state === 'applied' || locked.state === 'expired') {
      throw new AppError(
        'Conflict',
        `Import ${importId} was already applied. To change the users again, upload the file again (re-importing updates users by User Name and never duplicates them).`,
      );
    }
    if (locked.state !== 'verified') {
      throw new AppError('Conflict', `Import ${importId} is ${locked.state} and cannot be applied.`);
    }
    if (locked.options?.dryRun === true) {
      throw new AppError(
        'Conflict',
        `Import ${importId} was a dry run (verify only). Upload the file again without dryRun to apply it.`,
      );
    }
    if (locked.problem_count > 0 && !skip) {
      throw new AppError(
        'ValidationFailed',
        `The file has ${locked.problem_count} problem${locked.problem_count === 1 ? '' : 's'} in ${
          summary.rowCount - summary.validRowCount
        } row(s); nothing was changed. Fix them and upload the file again (the full list is at ` +
          `/directory/imports/${importId}/problems.csv), or apply with skipInvalidRows to import only the ${summary.validRowCount} valid row(s).`,
      );
    }

    const sku: SkuRow | undefined = options.licence ? await findSku(tx, options.licence) : undefined;

    // Plans for set operations over a whole file, for this transaction only. Without statistics on
    // the freshly staged rows the planner joins 100,000 of them to a small users table by a nested
    // loop, rescanning users once per row (~0.5 s a statement on PGlite; a hash join takes ~0.15 s).
    // More work_mem keeps the outbox trigger's transition table of 100,000 users rows in memory.
    await tx.execute(
      sql`select set_config('enable_nestloop', 'off', true), set_config('work_mem', '64MB', true)`,
    );

    // The directory write lock before any decision: no other transaction can create or change a user
    // between deciding created/updated here and writing below (triggers would take it at the first
    // write anyway; reserveSeats takes it too, and it is re-entrant).
    await lockDirectoryWrites(tx);

    await tx.execute(sql`
      update directory.import_rows r set outcome = 'failed'
      where r.import_id = ${importId} and not r.valid`);

    // Administrators are changed one by one in Active users, never by a file.
    await excludeRows(tx, importId, sql`u.directory_role <> 'user'`, skip, {
      code: 'Conflict',
      column: 'User Name',
      message: 'is an administrator account; imports do not change administrators. Edit it in Active users',
      refusal:
        'The file contains administrator accounts, which an import does not change; remove them from the file',
    });
    // Protected accounts (the ERP ↔ Sales integration identity) likewise: a file could otherwise
    // change its licences or profile behind the Global administrators' back.
    await excludeRows(tx, importId, sql`u.protected_for is not null`, skip, {
      code: 'Conflict',
      column: 'User Name',
      message:
        'is a protected account (such as the ERP ↔ Sales integration identity); imports do not change it. A Global administrator edits it in Active users',
      refusal:
        'The file contains protected accounts (such as the ERP ↔ Sales integration identity), which an import does not change; remove them from the file',
    });
    const finalUsage = sql`coalesce(${usage}::text, r.usage_location, u.usage_location, r.country_code)`;
    if (sku) {
      await excludeRows(tx, importId, sql`${finalUsage} is null`, skip, {
        code: 'UsageLocationRequired',
        column: 'Country or Region',
        message: `needs a usage location before ${sku.partNumber} can be assigned: give Country or Region (e.g. United States or US) or choose a usage location for the import`,
        refusal: `A licence needs a usage location, and these rows have none: give Country or Region (e.g. United States or US) in the file, or choose a usage location for the whole import`,
      });
    }

    // Decide created vs updated once, under the write lock: rows whose user exists become 'updated'
    // and take its id; the rest stay pending and are the users created below (see PENDING), with the
    // ids drawn for them at staging. From here on r.user_id is the user of every applied row.
    await tx.execute(sql`
      update directory.import_rows r set outcome = 'updated', user_id = u.id
      from directory.users u
      where r.import_id = ${importId} and ${PENDING} and u.user_principal_name = r.user_principal_name`);

    let seatsNeeded = 0;
    if (sku) {
      const [need] = await queryRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from directory.import_rows r
            where r.import_id = ${importId} and ${APPLIED} and ${needsLicence(sku.id)}`,
      );
      seatsNeeded = need?.n ?? 0;
      // All-or-nothing: CountViolation here rolls back the whole apply before any user is written.
      await reserveSeats(tx, sku.id, seatsNeeded);
    }

    // New users. Their temporary passwords were drawn from the import's seed and hashed while staging
    // (import-staging.ts), so each row already holds its password hash. Only rows staged before that
    // (an import verified by an earlier version) lack one; theirs are derived and hashed here, sent
    // as two comma-separated texts zipped by unnest (no per-element array encoding, no JSON).
    const sealedSeed =
      typeof locked.options?.sealedPasswordSeed === 'string' ? locked.options.sealedPasswordSeed : null;
    const seed = sealedSeed ? Buffer.from(ctx.secrets.open(sealedSeed), 'base64') : newPasswordSeed();
    const [unhashed] = await queryRows<{ rows: string | null }>(
      tx,
      sql`select string_agg(r.row_number::text, ',' order by r.row_number) as rows
          from directory.import_rows r
          where r.import_id = ${importId} and ${PENDING} and r.password_hash is null`,
    );
    const generated = unhashed?.rows ? unhashed.rows.split(',').map((r) => parseInt(r, 10)) : [];
    const hashes = temporaryPasswords(seed, importId, generated).map((p) =>
      hashGeneratedSecret(p, ctx.generatedSecretKey),
    );
    await tx.execute(sql`
      insert into directory.users (
        id, user_principal_name, ${sql.raw(PROFILE_COLUMNS)},
        usage_location, sign_in_allowed, password_hash, must_change_password, modified_by, modified_at)
      select r.user_id, r.user_principal_name, ${sql.raw(STAGED_PROFILE.map(([, c]) => `r.${c}`).join(', '))},
             coalesce(${usage}::text, r.usage_location, r.country_code),
             ${signInAllowed}::boolean and not coalesce(r.sign_in_blocked, false),
             coalesce(r.password_hash, p.h), true, ${actor.id}::uuid, now()
      from directory.import_rows r
      left join unnest(string_to_array(${generated.join(',')}::text, ',')::int[],
                       string_to_array(${hashes.join(',')}::text, ',')) as p(n, h) on p.n = r.row_number
      where r.import_id = ${importId} and ${PENDING}`);

    // Existing users: the file's columns replace the profile (a blank cell clears it); columns the
    // format lacks (Entra has no Fax) are left alone, and so are password and sign-in status.
    const present = new Set(
      Array.isArray(locked.options?.columns)
        ? (locked.options.columns as string[])
        : STAGED_PROFILE.map(([key]) => key),
    );
    const keep = (key: string, column: string) => sql.raw(present.has(key) ? `r.${column}` : `u.${column}`);
    await tx.execute(sql`
      update directory.users u set
        first_name = ${keep('firstName', 'first_name')},
        last_name = ${keep('lastName', 'last_name')},
        display_name = r.display_name,
        job_title = ${keep('jobTitle', 'job_title')},
        department = ${keep('department', 'department')},
        office_number = ${keep('officeNumber', 'office_number')},
        office_phone = ${keep('officePhone', 'office_phone')},
        mobile_phone = ${keep('mobilePhone', 'mobile_phone')},
        fax = ${keep('fax', 'fax')},
        alternate_email = ${keep('alternateEmail', 'alternate_email')},
        address = ${keep('address', 'address')},
        city = ${keep('city', 'city')},
        state = ${keep('state', 'state')},
        postal_code = ${keep('postalCode', 'postal_code')},
        country = ${keep('country', 'country')},
        usage_location = ${finalUsage},
        modified_by = ${actor.id}::uuid,
        modified_at = now(),
        row_version = nextval('directory.row_version')
      from directory.import_rows r
      where r.import_id = ${importId} and r.outcome = 'updated' and u.user_principal_name = r.user_principal_name`);

    let licensed = 0;
    if (sku) {
      const [inserted] = await queryRows<{ n: number }>(
        tx,
        sql`with ins as (
              insert into directory.user_licences (user_id, sku_id, assigned_by)
              select r.user_id, ${sku.id}::uuid, ${actor.id}::uuid from directory.import_rows r
              where r.import_id = ${importId} and ${APPLIED} and ${needsLicence(sku.id)}
              returning 1)
            select count(*)::int as n from ins`,
      );
      licensed = inserted?.n ?? 0;
      if (licensed !== seatsNeeded) {
        // Seats taken must equal assignments made; anything else would corrupt consumedUnits.
        throw new AppError(
          'Internal',
          'Licence assignment did not match the seats reserved; nothing was changed.',
        );
      }
    }

    const [counts] = await queryRows<{ created: number; updated: number; failed: number }>(
      tx,
      sql`select count(*) filter (where ${PENDING})::int as created,
                 count(*) filter (where r.outcome = 'updated')::int as updated,
                 count(*) filter (where r.outcome = 'failed')::int as failed
          from directory.import_rows r where r.import_id = ${importId}`,
    );
    const outcome: ImportResultCounts = {
      created: counts?.created ?? 0,
      updated: counts?.updated ?? 0,
      failed: counts?.failed ?? 0,
      licensed,
      licence: sku?.partNumber ?? null,
    };
    const [problemTotal] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from directory.import_problems where import_id = ${importId}`,
    );
    await tx
      .update(imports)
      .set({
        state: 'applied',
        finishedAt: new Date(),
        problemCount: problemTotal?.n ?? 0,
        options: {
          ...Object.fromEntries(
            Object.entries(locked.options ?? {}).filter(([k]) => k !== 'sealedPasswordSeed'),
          ),
          applied: {
            signInAllowed,
            licence: sku?.partNumber ?? null,
            usageLocation: usage,
            skipInvalidRows: skip,
          },
        },
        result: {
          ...outcome,
          sealedPasswordSeed: sealedSeed ?? ctx.secrets.seal(seed.toString('base64')),
          passwordScheme: PASSWORD_SCHEME,
        },
      })
      .where(eq(imports.id, importId));
    await recordAudit(tx, actor, {
      action: 'users.imported',
      targetType: 'import',
      targetId: importId,
      details: { ...outcome, fileName: summary.fileName, format: summary.format, rows: summary.rowCount },
    });
    return outcome;
  });
  return { id: importId, ...result };
}
