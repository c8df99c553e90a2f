import { describe, expect, it } from 'vitest';
import { neutraliseFormula, safeCsvLine } from './safe-cell.js';

describe('neutraliseFormula', () => {
  it('prefixes a quote to cells a spreadsheet would read as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      expect(neutraliseFormula(`${start}HYPERLINK("https://evil.example")`)).toBe(
        `'${start}HYPERLINK("https://evil.example")`,
      );
    }
  });

  it('leaves every other cell alone, including formulas further in', () => {
    for (const cell of ['', 'Chris Green', 'a=b', ' =1', "'quoted", '1-2', 'chris@contoso.com']) {
      expect(neutraliseFormula(cell)).toBe(cell);
    }
  });
});

describe('safeCsvLine', () => {
  it('neutralises, then quotes what needs quoting, with CRLF', () => {
    expect(safeCsvLine(['=1+1', 'a,b', 'say "hi"', 3, '-\r\nx'])).toBe(
      `'=1+1,"a,b","say ""hi""",3,"'-\r\nx"\r\n`,
    );
  });
});
