import { erpError } from '../errors.js';

/**
 * OData resource paths such as `companies(7d1e…)/customers(0f3a…)` or `permissionSets('SALES')`:
 * segments of a name and an optional key in parentheses (a bare GUID or a quoted string). Written
 * here rather than left to the router, which cannot express keys inside a segment.
 */

export interface PathSegment {
  name: string;
  /** The key between the parentheses: a GUID (lower-cased) or the text of a quoted string. */
  key?: string;
}

const NAME = /^[A-Za-z$][A-Za-z0-9_.]*$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function badUrl(message: string) {
  return erpError('BadRequest', 'BadRequest_InvalidRequestUrl', message);
}

function parseKey(text: string, segment: string): string {
  if (GUID.test(text)) return text.toLowerCase();
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) {
    const inner = text.slice(1, -1);
    if (/'(?!')/.test(inner.replace(/''/g, '')))
      throw badUrl(`The key in '${segment}' is not a valid string: write a quote inside it as ''.`);
    return inner.replace(/''/g, "'");
  }
  throw badUrl(
    `'${text}' in '${segment}' is not a valid key: use the record's id, a GUID written without quotes (e.g. customers(f2a5738a-44e3-ea11-bb43-000d3a2feca1)).`,
  );
}

/** Splits a path (without query string) relative to the API root into segments. */
export function parseODataPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return segments;
  for (const raw of trimmed.split('/')) {
    let text: string;
    try {
      text = decodeURIComponent(raw);
    } catch {
      throw badUrl(`The path segment '${raw}' is not correctly percent-encoded.`);
    }
    const open = text.indexOf('(');
    if (open < 0) {
      if (!NAME.test(text)) throw badUrl(`'${text}' is not a valid segment of the request URL.`);
      segments.push({ name: text });
      continue;
    }
    if (!text.endsWith(')'))
      throw badUrl(`The key in '${text}' is not closed: write the segment as name(key).`);
    const name = text.slice(0, open);
    if (!NAME.test(name)) throw badUrl(`'${name}' is not a valid segment of the request URL.`);
    const keyText = text.slice(open + 1, -1).trim();
    if (keyText === '')
      throw badUrl(`The key in '${text}' is empty: put the record's id between the parentheses.`);
    segments.push({ name, key: parseKey(keyText, text) });
  }
  return segments;
}
