import { queryInvalid } from './dataverse-error.js';

/**
 * The syntax of a Web API resource path below /api/data/v9.2/: segments separated by `/`, each a name
 * with an optional key predicate in parentheses — `accounts(00000000-…)`, `accounts(accountnumber='A1')`,
 * `contacts(firstname='Joe',emailaddress1='joe@contoso.com')` — or empty parentheses for a function
 * call (`WhoAmI()`). What the names mean is decided by the router; this file only reads the text.
 */

export type KeyLiteral =
  | { type: 'guid'; value: string }
  | { type: 'string'; value: string }
  | { type: 'number'; value: string }
  | { type: 'null' };

export type KeyPredicate =
  | { kind: 'single'; value: KeyLiteral }
  | { kind: 'named'; pairs: Array<{ name: string; value: KeyLiteral }> };

export interface PathSegment {
  /** The name as written (case-sensitive, as Dataverse matches it). */
  name: string;
  key?: KeyPredicate;
  /** Written with empty parentheses: a function call such as `WhoAmI()`. */
  call?: boolean;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NAME = /^[$A-Za-z_][A-Za-z0-9_.]*$/;

export const isGuid = (text: string): boolean => GUID.test(text);

function keyLiteral(text: string, segment: string): KeyLiteral {
  const t = text.trim();
  if (t.startsWith("'")) {
    if (t.length < 2 || !t.endsWith("'"))
      throw queryInvalid(`The key value ${t} in '${segment}' is missing its closing quote.`);
    const inner = t.slice(1, -1);
    // Inside quotes a quote is written twice; a lone quote would end the string early.
    if (/(^|[^'])'(?!')/.test(inner.replace(/''/g, '')))
      throw queryInvalid(`The key value ${t} in '${segment}' has an unescaped quote; write '' for a quote.`);
    return { type: 'string', value: inner.replace(/''/g, "'") };
  }
  if (GUID.test(t)) return { type: 'guid', value: t.toLowerCase() };
  if (/^-?\d+(\.\d+)?$/.test(t)) return { type: 'number', value: t };
  if (t === 'null') return { type: 'null' };
  throw queryInvalid(
    `The key value '${t}' in '${segment}' is not a GUID, a number or a quoted string. Write ids bare (accounts(00000000-0000-0000-0000-000000000001)) and alternate keys quoted (accounts(accountnumber='A1')).`,
  );
}

/** Splits at commas outside quotes. */
function splitPairs(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (ch === ',' && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function keyPredicate(text: string, segment: string): KeyPredicate {
  const parts = splitPairs(text);
  const named = parts.map((part) => {
    let quoted = false;
    for (let i = 0; i < part.length; i++) {
      if (part[i] === "'") quoted = !quoted;
      else if (part[i] === '=' && !quoted) return { name: part.slice(0, i).trim(), value: part.slice(i + 1) };
    }
    return undefined;
  });
  if (named.every((p) => p === undefined)) {
    if (parts.length > 1)
      throw queryInvalid(
        `The key in '${segment}' has several values without names; name each one, e.g. contacts(firstname='Joe',emailaddress1='joe@contoso.com').`,
      );
    return { kind: 'single', value: keyLiteral(text, segment) };
  }
  if (named.some((p) => p === undefined))
    throw queryInvalid(`Every part of the key in '${segment}' must be name=value.`);
  const pairs = named.map((p) => {
    if (!NAME.test(p!.name)) throw queryInvalid(`'${p!.name}' in '${segment}' is not a property name.`);
    return { name: p!.name, value: keyLiteral(p!.value, segment) };
  });
  const names = new Set(pairs.map((p) => p.name));
  if (names.size !== pairs.length) throw queryInvalid(`The key in '${segment}' names a property twice.`);
  return { kind: 'named', pairs };
}

function parseSegment(raw: string): PathSegment {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    throw queryInvalid(`The URL segment '${raw}' is not correctly percent-encoded.`);
  }
  const open = text.indexOf('(');
  if (open < 0) {
    if (!NAME.test(text)) throw queryInvalid(`'${text}' is not a valid segment of a Web API URL.`);
    return { name: text };
  }
  if (!text.endsWith(')'))
    throw queryInvalid(`The segment '${text}' opens a parenthesis it does not close at its end.`);
  const name = text.slice(0, open);
  if (!NAME.test(name)) throw queryInvalid(`'${name}' is not a valid segment name in '${text}'.`);
  const inner = text.slice(open + 1, -1);
  if (inner.trim() === '') return { name, call: true };
  return { name, key: keyPredicate(inner, text) };
}

/**
 * Parses the path below the service root (no leading slash, no query string) into segments.
 * An empty path is the service document.
 */
export function parseResourcePath(path: string): PathSegment[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return [];
  const raw = trimmed.split('/');
  if (raw.some((s) => s === ''))
    throw queryInvalid(`The URL path '${path}' has an empty segment ('//'); remove the extra slash.`);
  return raw.map(parseSegment);
}
