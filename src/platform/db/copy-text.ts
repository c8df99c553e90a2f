/**
 * PostgreSQL's COPY text format (one row per line, cells separated by tabs, `\N` for NULL, backslash
 * escapes for backslash, tab, newline and carriage return), written and read in plain JavaScript.
 * Kept apart from the database code so a worker thread can build COPY documents without loading a
 * driver (see directory/import-staging.ts).
 */

/** A cell: null is SQL NULL; booleans and numbers are written as PostgreSQL reads them. */
export type CopyCell = string | number | boolean | null;

const ESCAPED = /[\\\t\n\r]/;
const ESCAPED_ALL = /[\\\t\n\r]/g;

function escapeChar(c: string): string {
  return c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r';
}

export function copyCellText(value: CopyCell): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = String(value);
  return ESCAPED.test(text) ? text.replace(ESCAPED_ALL, escapeChar) : text;
}

/** One row as a COPY line, newline included; cells beyond the row's length are NULL. */
export function copyLine(row: readonly CopyCell[], width: number): string {
  let line = '';
  for (let i = 0; i < width; i++) line += (i > 0 ? '\t' : '') + copyCellText(row[i] ?? null);
  return line + '\n';
}

/** Rows as one COPY document. */
export function copyDocument(rows: readonly (readonly CopyCell[])[], width: number): string {
  let text = '';
  for (const row of rows) text += copyLine(row, width);
  return text;
}

const UNESCAPED: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };

function unescapeCell(cell: string): string {
  return cell.replace(/\\(.)/g, (_, c: string) => UNESCAPED[c] ?? c);
}

/** A COPY document back into rows of cells (null for `\N`). */
export function parseCopyDocument(text: string): (string | null)[][] {
  const out: (string | null)[][] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const cells: (string | null)[] = text.slice(start, end).split('\t');
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      if (cell === '\\N') cells[i] = null;
      else if (cell.includes('\\')) cells[i] = unescapeCell(cell);
    }
    out.push(cells);
    start = end + 1;
  }
  return out;
}
