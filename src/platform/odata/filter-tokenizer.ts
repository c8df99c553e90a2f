import { queryError } from './query-error.js';

/**
 * Splits an OData v4 `$filter` expression into tokens. Literals whose shape overlaps another token
 * (a GUID may start with letters or digits, a date with digits) are recognised here, by their whole
 * shape, so the parser never has to guess. Positions are 1-based character offsets for messages.
 */

export type Token =
  | { kind: 'word'; text: string; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'int'; text: string; position: number }
  | { kind: 'decimal'; text: string; position: number }
  | { kind: 'guid'; text: string; position: number }
  | { kind: 'datetime'; text: string; position: number }
  | { kind: 'date'; text: string; position: number }
  | { kind: '(' | ')' | ',' | '/'; position: number }
  | { kind: 'end'; position: number };

export interface TokenizeOptions {
  /** Name of the query option, for messages (`$filter`, or `$filter in $expand=contacts`). */
  option?: string;
}

const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/y;
const DATETIME = /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?/y;
const DATE = /(\d{4})-(\d{2})-(\d{2})/y;
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const WORD_CHAR = /[A-Za-z0-9_.]/;

const INT64_MAX = 9223372036854775807n;

function matchAt(pattern: RegExp, input: string, index: number): RegExpExecArray | null {
  pattern.lastIndex = index;
  return pattern.exec(input);
}

function describeChar(ch: string): string {
  return ch === ' ' ? 'a space' : `'${ch}'`;
}

export function tokenize(input: string, options: TokenizeOptions = {}): Token[] {
  const option = options.option ?? '$filter';
  const fail = (message: string): never => {
    throw queryError(option, message, input);
  };
  const at = (index: number) => `at position ${index + 1} in ${option}`;

  function checkCalendar(match: RegExpExecArray, index: number): void {
    const [text, y, mo, d, h, mi, s, fraction, offset] = match;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    let problem: string | undefined;
    if (month < 1 || month > 12) problem = 'the month must be 01 to 12';
    else if (day < 1 || day > daysInMonth) problem = `the day must be 01 to ${daysInMonth} in that month`;
    else if (h !== undefined && Number(h) > 23) problem = 'the hour must be 00 to 23';
    else if (mi !== undefined && Number(mi) > 59) problem = 'the minutes must be 00 to 59';
    else if (s !== undefined && Number(s) > 59) problem = 'the seconds must be 00 to 59';
    else if (fraction !== undefined && fraction.length > 12)
      problem = 'fractional seconds may have at most 12 digits';
    else if (offset && offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59))
      problem = 'the time-zone offset must be between -23:59 and +23:59';
    if (problem) fail(`Invalid date/time '${text}' ${at(index)}: ${problem}.`);
  }

  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    const position = i + 1;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '/') {
      const lambda = /\/\s*(any|all)\s*\(/y;
      lambda.lastIndex = i;
      const found = lambda.exec(input);
      if (found)
        fail(
          `Lambda operator '${found[1]}' ${at(i + 1)} is not supported; query the related entity set with its own $filter instead.`,
        );
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === '/') {
      tokens.push({ kind: ch, position });
      i++;
      continue;
    }
    if (ch === "'") {
      // OData strings are single-quoted; a quote inside is written twice ('O''Neil').
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= input.length)
          fail(
            `Unterminated string starting ${at(i)}: add the closing quote ('); write a quote inside a string as ''.`,
          );
        if (input[j] === "'") {
          if (input[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += input[j];
        j++;
      }
      tokens.push({ kind: 'string', value, position });
      i = j + 1;
      continue;
    }
    const guid = matchAt(GUID, input, i);
    if (guid && !WORD_CHAR.test(input[i + guid[0].length] ?? '') && input[i + guid[0].length] !== '-') {
      tokens.push({ kind: 'guid', text: guid[0].toLowerCase(), position });
      i += guid[0].length;
      continue;
    }
    if (/\d/.test(ch)) {
      const datetime = matchAt(DATETIME, input, i);
      if (datetime && !WORD_CHAR.test(input[i + datetime[0].length] ?? '')) {
        checkCalendar(datetime, i);
        tokens.push({ kind: 'datetime', text: datetime[0], position });
        i += datetime[0].length;
        continue;
      }
      const date = matchAt(DATE, input, i);
      if (date && !WORD_CHAR.test(input[i + date[0].length] ?? '') && input[i + date[0].length] !== 'T') {
        checkCalendar(date, i);
        tokens.push({ kind: 'date', text: date[0], position });
        i += date[0].length;
        continue;
      }
    }
    if (/\d/.test(ch) || (ch === '-' && /\d/.test(input[i + 1] ?? ''))) {
      const number = matchAt(NUMBER, input, i)!;
      const end = i + number[0].length;
      if (WORD_CHAR.test(input[end] ?? '') || input[end] === '-' || input[end] === ':')
        fail(
          `Malformed literal starting ${at(i)}: '${input.slice(i, end + 1)}…' is neither a number, a date ` +
            `(2024-01-31), a date/time (2024-01-31T10:00:00Z) nor a GUID (8-4-4-4-12 hex digits).`,
        );
      if (number[1] === undefined && number[2] === undefined) {
        if (BigInt(number[0]) > INT64_MAX || BigInt(number[0]) < -INT64_MAX - 1n)
          fail(
            `The integer ${number[0]} ${at(i)} is out of range (at most 19 digits, ±9223372036854775807).`,
          );
        tokens.push({ kind: 'int', text: number[0], position });
      } else {
        tokens.push({ kind: 'decimal', text: number[0], position });
      }
      i = end;
      continue;
    }
    const word = matchAt(WORD, input, i);
    if (
      word &&
      input[i + word[0].length] === "'" &&
      /^(guid|datetime|datetimeoffset|date|time)$/i.test(word[0])
    )
      fail(
        `Prefixed literal ${word[0]}'…' ${at(i)} is OData v3 syntax; in OData v4 write GUIDs, dates and date/times ` +
          `without prefix or quotes: 01234567-89ab-cdef-0123-456789abcdef, 2024-01-31, 2024-01-31T10:00:00Z.`,
      );
    if (word && word[0].includes('.') && /^\s*\(/.test(input.slice(i + word[0].length)))
      fail(
        `Function '${word[0]}' ${at(i)} is not supported: Dataverse query functions are not available here; ` +
          `write the condition with comparisons instead, e.g. createdon ge 2024-01-01T00:00:00Z.`,
      );
    if (word) {
      tokens.push({ kind: 'word', text: word[0], position });
      i += word[0].length;
      continue;
    }
    if (ch === '"')
      fail(`Unexpected '"' ${at(i)}: OData strings are written in single quotes, e.g. name eq 'Contoso'.`);
    if (ch === '-')
      fail(`Unexpected '-' ${at(i)}: arithmetic is not supported; a negative number is written -5.`);
    if (ch === '$' || ch === '@')
      fail(
        `Unexpected ${describeChar(ch)} ${at(i)}: $it, $root and @parameter aliases are not supported in ${option}.`,
      );
    fail(`Unexpected character ${describeChar(ch)} ${at(i)}.`);
  }
  tokens.push({ kind: 'end', position: input.length + 1 });
  return tokens;
}
