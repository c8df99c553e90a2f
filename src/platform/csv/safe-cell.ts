/**
 * Cells of the CSV files Tandem writes, made safe to open in a spreadsheet (OWASP "CSV Injection"):
 * a cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula by
 * Excel, LibreOffice or Google Sheets (and could, for example, send the sheet's contents elsewhere).
 * Such a cell gets a leading single quote, which spreadsheets show as text and do not display. Only
 * the file is changed: the stored value stays as it was entered.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** One CSV record (CRLF), every cell neutralised and quoted only when it needs it. */
export function safeCsvLine(cells: ReadonlyArray<string | number>): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const cell = neutraliseFormula(String(cells[i]));
    if (i > 0) line += ',';
    line += /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
  }
  return line + '\r\n';
}
