/**
 * Upload → staged rows, the CPU half of verifying an import: reads the CSV, validates every row and
 * turns each batch of rows into a COPY document for directory.import_rows, with everything apply will
 * need already in it (the id each new user gets, the hash of its temporary password or of the file's
 * initial password). No database here: it runs on a worker thread (import-staging-worker.ts) while
 * the server's thread writes the previous batch, and the set-based checks (duplicates, create or
 * update) stay with the database (csv-import.ts).
 */
import crypto from 'node:crypto';
import { AppError, type FieldProblem } from '../platform/http/app-error.js';
import { copyCellText } from '../platform/db/copy-text.js';
import { hashGeneratedSecret, hashPassword } from '../platform/security/passwords.js';
import { openImportFile, type ImportLayout, type ImportSource } from './csv-reader.js';
import { temporaryPasswordSource } from './import-passwords.js';
import { validateRecord, type RowProblem, type ValidatedRow } from './import-validate.js';
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

/** The import_rows columns of a staged row, in the order of the cells of each COPY line. */
export const STAGED_COLUMNS = [
  'import_id',
  'row_number',
  'user_principal_name',
  ...STAGED_PROFILE.map(([, column]) => column),
  'usage_location',
  'country_code',
  'sign_in_blocked',
  'password_hash',
  'password_generated',
  'valid',
  'user_id',
] as const;

/** Rows per batch: big enough to amortise a COPY statement, small enough for PGlite's memory. */
export const BATCH_ROWS = 5000;
/** A file this broken is not worth reading further (junk, wrong file). */
export const MAX_PROBLEMS = 1000;
/** Problems returned inline; the full log is problems.csv. */
export const INLINE_PROBLEMS = 100;
/** Concurrent scrypt hashes for Entra initial passwords (libuv's pool has 4 threads). */
const HASH_CONCURRENCY = 4;

export interface StagingParams {
  importId: string;
  /** Verified domains, lower-case: a User Name must end in one of them. */
  verifiedDomains: readonly string[];
  maxBytes?: number;
  /**
   * The import's password seed and the key temporary passwords are hashed with: each valid row
   * without an initial password from the file is staged with the hash of its temporary password
   * (import-passwords.ts), so applying hashes nothing. Null for a dry run, which creates no one.
   */
  passwords: { seed: Uint8Array; hashKey: Uint8Array } | null;
}

/** What staging reports, in order: the layout once, then batches. */
export type StagingEvent =
  | { kind: 'layout'; layout: ImportLayout }
  | {
      kind: 'batch';
      /** COPY document of the batch's rows (UTF-8), cells in STAGED_COLUMNS order. */
      copy: Uint8Array<ArrayBuffer>;
      rows: number;
      problems: RowProblem[];
    };

/** A problem as the API's FieldProblem (InvalidCsv details). */
export function fieldProblem(p: RowProblem): FieldProblem {
  return {
    row: p.row,
    field: p.column,
    message: p.message,
    ...(p.value === null ? {} : { value: p.value }),
  };
}

/**
 * Ids for the users an import may create: UUIDv7 (RFC 9562: 48-bit millisecond time, a 12-bit counter
 * for ids within one millisecond, 62 random bits), ascending in row order. Inserting 100,000 users
 * (and their licences) in ascending key order keeps each index insertion next to the previous one;
 * random v4 ids scatter them over the whole index, which measured up to twice as slow on PGlite.
 */
export function userIdGenerator(): () => string {
  let ms = 0;
  let counter = 0;
  const POOL = 4096;
  let random = Buffer.alloc(0);
  let used = POOL;
  const id = Buffer.alloc(16);
  return () => {
    if (used === POOL) {
      random = crypto.randomBytes(8 * POOL);
      used = 0;
    }
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
    random.copy(id, 8, 8 * used, 8 * used + 8);
    used++;
    id[8] = 0x80 | (id[8]! & 0x3f);
    const hex = id.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** A staged row as a COPY line (cells in STAGED_COLUMNS order). */
function rowLine(
  importId: string,
  r: ValidatedRow,
  passwordHash: string | null,
  generated: boolean,
  userId: string,
): string {
  const f = r.fields;
  let line = `${importId}\t${r.row}\t${copyCellText(r.userPrincipalName)}`;
  for (const [key] of STAGED_PROFILE) line += '\t' + copyCellText(f[key] ?? null);
  return (
    line +
    `\t${copyCellText(f.usageLocation ?? null)}\t${copyCellText(f.countryCode ?? null)}` +
    `\t${copyCellText(f.signInBlocked ?? null)}\t${copyCellText(passwordHash)}\t${generated ? 't' : 'f'}` +
    `\t${r.problems.length === 0 ? 't' : 'f'}\t${userId}\n`
  );
}

/** scrypt hashes of Entra initial passwords, a few at a time (the hashes run on libuv's pool). */
async function hashInitialPasswords(passwords: string[]): Promise<string[]> {
  const hashes = new Array<string>(passwords.length);
  let next = 0;
  const worker = async () => {
    while (next < passwords.length) {
      const i = next++;
      hashes[i] = await hashPassword(passwords[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, passwords.length) }, worker));
  return hashes;
}

/**
 * Reads and validates an upload, yielding its layout and then its rows in batches. Fatal problems
 * (header, encoding, not CSV, size, more than MAX_PROBLEMS problems) are AppErrors (InvalidCsv,
 * PayloadTooLarge) thrown part-way; what was yielded before them is to be discarded.
 *
 * Each row is written to its batch's COPY document as soon as it is validated, so the row's objects
 * die young: keeping a batch of 5,000 validated rows alive until the batch was written made them
 * survive into the old generation, and garbage collection took ~40% of the time.
 */
export async function* stagingEvents(
  source: ImportSource,
  params: StagingParams,
): AsyncGenerator<StagingEvent> {
  const opened = await openImportFile(source, { maxBytes: params.maxBytes });
  yield { kind: 'layout', layout: opened.layout };
  const { importId } = params;
  const newId = userIdGenerator();
  const hashKey = params.passwords ? crypto.createSecretKey(Buffer.from(params.passwords.hashKey)) : null;
  const temporaryPassword = params.passwords
    ? temporaryPasswordSource(Buffer.from(params.passwords.seed), importId)
    : null;
  const document = new CopyDocument();
  /** The first problems, for the refusal of a file with too many. */
  const first: RowProblem[] = [];
  let problemCount = 0;
  let rows = 0;
  let problems: RowProblem[] = [];
  /** Rows with an Entra initial password: their lines wait for its scrypt hash. */
  let withInitial: { row: ValidatedRow; id: string }[] = [];

  const flush = async (): Promise<StagingEvent> => {
    if (withInitial.length > 0) {
      // Rows may stand in any order in a COPY document: these go last, once hashed.
      const hashes = await hashInitialPasswords(withInitial.map((w) => w.row.fields.password!));
      withInitial.forEach((w, k) => document.add(rowLine(importId, w.row, hashes[k]!, false, w.id)));
    }
    const event: StagingEvent = { kind: 'batch', copy: document.take(), rows, problems };
    rows = 0;
    problems = [];
    withInitial = [];
    return event;
  };

  for await (const record of opened.records) {
    const row = validateRecord(opened.layout, record, params.verifiedDomains);
    if (row.problems.length > 0) {
      problemCount += row.problems.length;
      problems.push(...row.problems);
      if (first.length < INLINE_PROBLEMS)
        first.push(...row.problems.slice(0, INLINE_PROBLEMS - first.length));
      if (problemCount > MAX_PROBLEMS) {
        throw new AppError(
          'InvalidCsv',
          `Stopped after ${MAX_PROBLEMS.toLocaleString('en-US')} problems (at row ${record.row}): this does not look like a ` +
            `user-import file, or most of its rows are wrong. Start from the template (\`tandem users template\`), ` +
            `fix the problems listed and upload it again.`,
          { problems: first.map(fieldProblem) },
        );
      }
    }
    const id = newId();
    rows++;
    if (row.problems.length === 0 && row.fields.password) {
      withInitial.push({ row, id });
    } else if (row.problems.length === 0 && row.fields.password === undefined && temporaryPassword) {
      document.add(
        rowLine(importId, row, hashGeneratedSecret(temporaryPassword(row.row), hashKey!), true, id),
      );
    } else {
      document.add(rowLine(importId, row, null, false, id));
    }
    if (rows >= BATCH_ROWS) yield await flush();
  }
  if (rows > 0) yield await flush();
}

/**
 * A COPY document written as UTF-8 line by line into one growing buffer, so each line's string dies
 * as soon as it is written instead of living (and being copied by the collector) until the batch is.
 */
class CopyDocument {
  private buffer = new Uint8Array(1 << 21);
  private length = 0;
  private readonly encoder = new TextEncoder();

  add(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.length + line.length * 3 > this.buffer.length) {
      const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + line.length * 3));
      bigger.set(this.buffer.subarray(0, this.length));
      this.buffer = bigger;
    }
    this.length += this.encoder.encodeInto(line, this.buffer.subarray(this.length)).written;
  }

  /** The document so far (its own buffer, to be handed over), and a fresh one begun. */
  take(): Uint8Array<ArrayBuffer> {
    const done = this.buffer.subarray(0, this.length);
    this.buffer = new Uint8Array(Math.max(1 << 21, this.buffer.length));
    this.length = 0;
    return done;
  }
}
