/**
 * Reads a user-import CSV as a stream: UTF-8 with or without BOM, CRLF or LF, quoted fields. Detects
 * the format (Microsoft 365 "Import multiple users" template, or Microsoft Entra "Bulk create users"
 * with its `version:v1.0` first line), checks the header, and yields one record at a time with the
 * file line it starts on, so a file of any size is read in constant memory.
 */
import { AppError, type FieldProblem } from '../platform/http/app-error.js';
import { M365_HEADER, PROFILE_FIELDS, type ProfileFieldKey } from './user-fields.js';

/**
 * Which template a file was read as. The Microsoft 365 template has had two eras — 16 columns (today's)
 * and 15 (Microsoft's 2020 page, no "Alternate email address") — and its labels may be in any language
 * as long as the order stays the same (Microsoft's words); such a file is read by position.
 */
export type ImportFormat = 'm365' | 'm365-2020' | 'm365-translated' | 'm365-2020-translated' | 'entra';

/** The template, in plain words, for verify's answer. */
export function describeFormat(format: ImportFormat): string {
  switch (format) {
    case 'm365':
      return 'Microsoft 365 template (16 columns)';
    case 'm365-2020':
      return 'Microsoft 365 template of 2020 (15 columns, no Alternate email address)';
    case 'm365-translated':
      return 'Microsoft 365 template with headings in another language, read by position (16 columns)';
    case 'm365-2020-translated':
      return 'Microsoft 365 template of 2020 with headings in another language, read by position (15 columns, no Alternate email address)';
    case 'entra':
      return 'Microsoft Entra bulk-create template';
  }
}

/** The uploaded bytes: a request stream in the server, an array of chunks in tests. */
export type ImportSource =
  AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>;

/** Keys a column can map to: the profile fields plus the Entra-only columns. */
export type ImportColumnKey = ProfileFieldKey | 'usageLocation' | 'password' | 'blockSignIn';

export interface ImportColumn {
  /** Index of the cell in each record. */
  index: number;
  key: ImportColumnKey;
  /** The heading as it should be shown to people in problems (the file's own heading). */
  heading: string;
}

export interface ImportLayout {
  format: ImportFormat;
  /** Number of cells every data row must have. */
  width: number;
  columns: ImportColumn[];
}

export interface CsvRecord {
  /** File line the record starts on (line 1 is the first line of the file). */
  row: number;
  cells: string[];
}

/** Microsoft Entra's bulk-create columns, by the Graph property in brackets. */
export const ENTRA_PROPERTIES: Readonly<Record<string, ImportColumnKey>> = {
  displayName: 'displayName',
  userPrincipalName: 'userPrincipalName',
  passwordProfile: 'password',
  accountEnabled: 'blockSignIn',
  givenName: 'firstName',
  surname: 'lastName',
  jobTitle: 'jobTitle',
  department: 'department',
  usageLocation: 'usageLocation',
  streetAddress: 'address',
  state: 'state',
  country: 'country',
  physicalDeliveryOfficeName: 'officeNumber',
  city: 'city',
  postalCode: 'postalCode',
  telephoneNumber: 'officePhone',
  mobile: 'mobilePhone',
};

const ENTRA_REQUIRED = ['displayName', 'userPrincipalName', 'passwordProfile', 'accountEnabled'] as const;

/**
 * The examples row (row 3) of the Entra template, which people are told to keep when they add a single
 * user. Skipped only when it matches exactly, so a real user can never be dropped by accident.
 */
export const ENTRA_EXAMPLE_ROW = [
  'Chris Green',
  'chris@contoso.com',
  'myPassword1234',
  'No',
  'Chris',
  'Green',
  'IT Manager',
  'Information Technology',
  'US',
  '1 Microsoft Way',
  'Washington',
  'United States',
  'Building 1',
  'Redmond',
  '98052',
  '123-555-0100',
  '123-555-0101',
];

/** Default upload bound: generous (about 1.5 million template rows), but a bound. */
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

/**
 * Decodes UTF-8 chunk by chunk. The streaming decoder keeps a multi-byte character split across
 * chunks intact; invalid bytes become U+FFFD, which the record check below reports with its row.
 */
async function* decodeUtf8(source: ImportSource, maxBytes: number) {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  let bytes = 0;
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    bytes += buffer.byteLength;
    if (bytes > maxBytes) {
      throw new AppError(
        'PayloadTooLarge',
        `The file is larger than ${maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MB` : `${maxBytes} bytes`}. Split it into several files and import each.`,
      );
    }
    const text = decoder.decode(buffer, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** A malformed-CSV error of parseCsv: the line it was found on, mapped to InvalidCsv below. */
class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Parses CSV text chunk by chunk: comma-separated, records ending in CRLF or LF (a lone CR is
 * data), cells quoted with `"` (`""` inside is one quote; commas and line breaks inside are data),
 * empty lines skipped. A quote inside an unquoted cell (6" pipe) is data, as Excel writes it; text
 * after a closing quote, or a quote never closed, is an error naming the line.
 *
 * Written by hand rather than with csv-parse: for a 100,000-row file csv-parse took ~4 s of the
 * verify step (its per-character state machine with every option checked), this ~0.3 s.
 */
export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let cells: string[] = [];
  let field = '';
  /** 0: start of a cell; 1: unquoted cell; 2: inside quotes; 3: quote seen inside quotes; 4: CR seen. */
  let state = 0;
  /** State to return to when a CR is not followed by LF (1 unquoted, 3 after a closing quote). */
  let crFrom = 0;
  let line = 1;
  let recordLine = 1;
  let ready: CsvRecord[] = [];

  const endRecord = () => {
    cells.push(field);
    field = '';
    // An empty line (no cell, no quotes) is skipped; the next record starts on the following line.
    if (!(cells.length === 1 && cells[0] === '' && state !== 3)) ready.push({ row: recordLine, cells });
    cells = [];
    line++;
    recordLine = line;
    state = 0;
  };

  for await (const text of chunks) {
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (state === 4) {
        if (text.charCodeAt(i) === LF) {
          i++;
          state = crFrom; // so a quoted empty cell ("") before CRLF is not taken for an empty line
          endRecord();
          continue;
        }
        if (crFrom === 3) {
          throw new CsvSyntaxError(
            'a closing quote is followed by a carriage return, not a comma or line end',
            line,
          );
        }
        field += '\r';
        state = 1;
        continue;
      }
      if (state === 0) {
        if (text.charCodeAt(i) === QUOTE) {
          state = 2;
          i++;
          continue;
        }
        state = 1;
      }
      if (state === 1) {
        // Scan the run of plain characters and take it with one slice.
        const start = i;
        let c = 0;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === COMMA || c === LF || c === CR) break;
          i++;
        }
        if (i > start) field += text.slice(start, i);
        if (i >= n) break;
        i++;
        if (c === COMMA) {
          cells.push(field);
          field = '';
          state = 0;
        } else if (c === LF) {
          endRecord();
        } else {
          crFrom = 1;
          state = 4;
        }
        continue;
      }
      if (state === 2) {
        const close = text.indexOf('"', i);
        const end = close === -1 ? n : close;
        const run = text.slice(i, end);
        for (let k = run.indexOf('\n'); k !== -1; k = run.indexOf('\n', k + 1)) line++;
        field += run;
        i = end;
        if (close !== -1) {
          i++;
          state = 3;
        }
        continue;
      }
      // state 3: a quote inside a quoted cell: doubled (data), or the closing quote.
      const c = text.charCodeAt(i);
      i++;
      if (c === QUOTE) {
        field += '"';
        state = 2;
      } else if (c === COMMA) {
        cells.push(field);
        field = '';
        state = 0;
      } else if (c === LF) {
        endRecord();
      } else if (c === CR) {
        crFrom = 3;
        state = 4;
      } else {
        throw new CsvSyntaxError(
          `a closing quote is followed by ${JSON.stringify(String.fromCharCode(c))}, not a comma or line end (a quote inside a quoted cell is written twice: "")`,
          line,
        );
      }
    }
    if (ready.length > 0) {
      const out = ready;
      ready = [];
      yield* out;
    }
  }
  if (state === 2) {
    throw new CsvSyntaxError(`a quoted cell opened on line ${recordLine} or later is never closed`, line);
  }
  if (state === 4) {
    if (crFrom === 3) {
      throw new CsvSyntaxError(
        'a closing quote is followed by a carriage return, not a comma or line end',
        line,
      );
    }
    field += '\r';
  }
  if (state !== 0 || cells.length > 0 || field !== '') {
    state = state === 3 ? 3 : 1;
    endRecord();
  }
  yield* ready;
}

/** All records of a CSV stream, each with the line it starts on. Malformed CSV is an InvalidCsv error. */
export async function* readCsvRecords(
  source: ImportSource,
  options: { maxBytes?: number } = {},
): AsyncGenerator<CsvRecord> {
  try {
    for await (const record of parseCsv(decodeUtf8(source, options.maxBytes ?? DEFAULT_MAX_BYTES))) {
      if (record.cells.some((cell) => cell.includes('\uFFFD'))) {
        throw new AppError(
          'InvalidCsv',
          `Row ${record.row} contains bytes that are not UTF-8. Save the file as "CSV UTF-8" (in Excel: File > Save As > CSV UTF-8) and upload it again.`,
          { problems: [{ row: record.row, field: 'file', message: 'contains bytes that are not UTF-8' }] },
        );
      }
      yield record;
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new AppError(
        'InvalidCsv',
        `The file is not valid CSV near line ${error.line}: ${error.message}. Check that quoted cells are closed with a double quote.`,
        { cause: error },
      );
    }
    throw error;
  }
}

const PROFILE_KEY_BY_HEADING: Record<string, ProfileFieldKey> = Object.fromEntries(
  PROFILE_FIELDS.map((f) => [f.csvHeader, f.key]),
);

function normaliseHeading(cell: string): string {
  return cell.trim().replace(/\s+/g, ' ').toLowerCase();
}

function show(value: string | undefined): string {
  if (value === undefined) return '(nothing)';
  const clipped = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return `"${clipped}"`;
}

/** The 2020 template: today's without "Alternate email address". */
const M365_2020_HEADER = M365_HEADER.filter((h) => h !== 'Alternate email address');

function layoutOf(format: ImportFormat, headings: readonly string[]): ImportLayout {
  return {
    format,
    width: headings.length,
    columns: headings.map((heading, index) => ({ index, heading, key: PROFILE_KEY_BY_HEADING[heading]! })),
  };
}

/**
 * Checks the M365 header and tells which era it is: the 16 headings (or the 2020 template's 15)
 * exactly, in order; or 16 or 15 headings of which at most half are English headings, each in its
 * own place — a template translated into another language, read by position. Anything else (a
 * misspelt or reordered English header, another width) is refused with expected vs got per column.
 */
export function m365Layout(header: CsvRecord): ImportLayout {
  const cells = header.cells.map(normaliseHeading);
  for (const [headings, format] of [
    [M365_HEADER, 'm365'],
    [M365_2020_HEADER, 'm365-2020'],
  ] as const) {
    if (cells.length !== headings.length) continue;
    const english = headings.map((h) => h.toLowerCase());
    if (cells.every((cell, i) => cell === english[i])) return layoutOf(format, headings);
    // Translated: English headings only where the template has them (a word the languages share).
    const inPlace = cells.filter((cell, i) => cell === english[i]).length;
    const misplaced = cells.some((cell, i) => cell !== english[i] && english.includes(cell));
    if (!misplaced && inPlace * 2 <= cells.length && cells.every((cell) => cell.length > 0))
      return layoutOf(format === 'm365' ? 'm365-translated' : 'm365-2020-translated', headings);
  }
  // The closer era for the refusal's differences: 15 cells are compared with the 2020 template.
  const expectedHeader = header.cells.length === M365_2020_HEADER.length ? M365_2020_HEADER : M365_HEADER;
  const problems: FieldProblem[] = [];
  const width = Math.max(header.cells.length, expectedHeader.length);
  for (let i = 0; i < width; i++) {
    const expected = expectedHeader[i];
    const got = header.cells[i];
    if (expected !== undefined && got !== undefined && normaliseHeading(got) === expected.toLowerCase())
      continue;
    problems.push({
      row: header.row,
      field: `column ${i + 1}`,
      ...(got !== undefined ? { value: got.slice(0, 200) } : {}),
      message:
        expected === undefined
          ? `unexpected extra column ${show(got)}; the template has ${expectedHeader.length} columns`
          : `expected "${expected}", got ${show(got)}`,
    });
  }
  throw new AppError(
    'InvalidCsv',
    `The header row does not match the Microsoft 365 template. It must be exactly these 16 headings in this order: ` +
      `${M365_HEADER.join(',')} (or the 2020 template's 15, without Alternate email address; the headings may be in another language if the order stays the same). ` +
      `Differences: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}. ` +
      `Download the template (GET /directory/imports/template.csv or \`tandem users template\`) and copy your data into it.`,
    { problems },
  );
}

/** Maps an Entra bulk-create header by the `[graphProperty]` in each heading; unknown columns are ignored. */
export function entraLayout(header: CsvRecord): ImportLayout {
  const columns: ImportColumn[] = [];
  const seen = new Set<string>();
  header.cells.forEach((cell, index) => {
    const property = /\[([A-Za-z]+)\]/.exec(cell)?.[1];
    if (!property) return;
    const key = ENTRA_PROPERTIES[property];
    if (!key || seen.has(property)) return;
    seen.add(property);
    columns.push({ index, key, heading: cell.replace(/\s+Required\s*$/i, '').trim() });
  });
  const missing = ENTRA_REQUIRED.filter((p) => !seen.has(p));
  if (missing.length > 0) {
    throw new AppError(
      'InvalidCsv',
      `The header row (line ${header.row}) of this Microsoft Entra bulk-create file lacks the required column(s) ` +
        `${missing.map((p) => `[${p}]`).join(', ')}. Keep the template's header row unchanged: ` +
        `"Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required,…".`,
      {
        problems: missing.map((p) => ({
          row: header.row,
          field: `[${p}]`,
          message: 'required column is missing',
        })),
      },
    );
  }
  return { format: 'entra', width: header.cells.length, columns };
}

export interface OpenedImportFile {
  layout: ImportLayout;
  /** The data records after the header (the Entra example row already skipped). */
  records: AsyncGenerator<CsvRecord>;
}

/**
 * Reads the first lines, detects the format and checks the header. The remaining records are left
 * to stream. An empty file or a file with only a header is an InvalidCsv error.
 */
export async function openImportFile(
  source: ImportSource,
  options: { maxBytes?: number } = {},
): Promise<OpenedImportFile> {
  const all = readCsvRecords(source, options);
  const first = await all.next();
  if (first.done) {
    throw new AppError(
      'InvalidCsv',
      'The file is empty. Upload the Microsoft 365 template with a header row and at least one user.',
    );
  }
  let layout: ImportLayout;
  if (/^\s*version\s*:\s*v1\.0\s*$/i.test(first.value.cells[0] ?? '')) {
    const header = await all.next();
    if (header.done) {
      throw new AppError(
        'InvalidCsv',
        'The Microsoft Entra file has only its version line. Line 2 must be the template header and users follow from line 3.',
      );
    }
    layout = entraLayout(header.value);
  } else {
    layout = m365Layout(first.value);
  }

  async function* rest(): AsyncGenerator<CsvRecord> {
    let seenAny = false;
    let checkExample = layout.format === 'entra';
    for await (const record of { [Symbol.asyncIterator]: () => all }) {
      if (checkExample) {
        checkExample = false;
        if (isEntraExample(layout, record)) continue;
      }
      seenAny = true;
      yield record;
    }
    if (!seenAny) {
      throw new AppError(
        'InvalidCsv',
        'The file has a header but no users. Add one user per row below the header and upload it again.',
      );
    }
  }
  return { layout, records: rest() };
}

function isEntraExample(layout: ImportLayout, record: CsvRecord): boolean {
  const byProperty = new Map(Object.entries(ENTRA_PROPERTIES).map(([p, k]) => [k, p]));
  const order = Object.keys(ENTRA_PROPERTIES);
  return layout.columns.every((column) => {
    const position = order.indexOf(byProperty.get(column.key) ?? '');
    return position >= 0 && (record.cells[column.index] ?? '').trim() === ENTRA_EXAMPLE_ROW[position];
  });
}
