import crypto from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { DATAVERSE_CODES, DataverseError } from './dataverse-error.js';

/**
 * The wire format of `$batch` (OData 4.0 §11.7, as Dataverse uses it): a multipart/mixed body whose
 * parts are either one HTTP request (`Content-Type: application/http`, `Content-Transfer-Encoding:
 * binary`) or a change set — a nested multipart/mixed of requests that succeed or fail together.
 * Line ends may be CRLF (the standard) or LF (many hand-written examples); both are read.
 */

export interface BatchRequest {
  method: string;
  /** As written: absolute, relative to the service root, or starting with a `$n` Content-ID reference. */
  url: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
  /** The part's Content-ID, which later requests of its change set may reference as `$id`. */
  contentId: string | undefined;
}

export type BatchItem =
  { kind: 'request'; request: BatchRequest } | { kind: 'changeset'; requests: BatchRequest[] };

export interface BatchResponse {
  status: number;
  headers: Record<string, string>;
  body: string | undefined;
  contentId: string | undefined;
}

export type BatchResponseItem =
  { kind: 'response'; response: BatchResponse } | { kind: 'changeset'; responses: BatchResponse[] };

function batchError(message: string): DataverseError {
  return new DataverseError('BadRequest', DATAVERSE_CODES.batchInvalid, message);
}

/** The boundary parameter of a multipart/mixed Content-Type, or undefined when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/mixed\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Header lines up to the first empty line; returns the headers and the index after the empty line. */
function readHeaders(
  lines: string[],
  start: number,
  where: string,
): { headers: Record<string, string>; next: number } {
  const headers: Record<string, string> = {};
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') return { headers, next: i + 1 };
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw batchError(`The line '${line.slice(0, 100)}' in ${where} is not a 'Name: value' header.`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, next: i };
}

/** The parts between `--boundary` lines, each as its lines; text before the first and after the last is ignored. */
function splitParts(text: string, boundary: string, where: string): string[][] {
  const lines = text.split(/\r?\n/);
  const delimiter = `--${boundary}`;
  const parts: string[][] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter) {
      if (current) parts.push(current);
      current = [];
    } else if (trimmed === `${delimiter}--`) {
      if (current) parts.push(current);
      current = undefined;
      closed = true;
      break;
    } else if (current) current.push(line);
  }
  if (!closed)
    throw batchError(
      `The ${where} does not end with '--${boundary}--'. Close the multipart body with its boundary followed by two hyphens.`,
    );
  return parts;
}

function parseHttpRequest(lines: string[], contentId: string | undefined, where: string): BatchRequest {
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const requestLine = lines[i];
  const m =
    requestLine === undefined
      ? null
      : // Lenient about spaces inside the URL: hand-written requests often leave $filter unencoded.
        /^([A-Z]+)\s+(.+?)(?:\s+HTTP\/\d\.\d)?\s*$/.exec(requestLine.trim());
  if (!m)
    throw batchError(
      `${where} does not start with a request line such as 'GET accounts(…) HTTP/1.1'${requestLine === undefined ? '' : `; found '${requestLine.slice(0, 100)}'`}.`,
    );
  const { headers, next } = readHeaders(lines, i + 1, where);
  const body = lines.slice(next).join('\r\n').replace(/\s+$/, '');
  return { method: m[1]!, url: m[2]!.replace(/ /g, '%20'), headers, body, contentId };
}

function parseRequestPart(lines: string[], where: string): BatchRequest {
  const { headers, next } = readHeaders(lines, 0, where);
  const type = headers['content-type'] ?? '';
  if (!/^application\/http\b/i.test(type))
    throw batchError(`${where} has Content-Type '${type}'; each request part must be 'application/http'.`);
  const encoding = headers['content-transfer-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'binary')
    throw batchError(`${where} has Content-Transfer-Encoding '${encoding}'; only 'binary' is supported.`);
  return parseHttpRequest(lines.slice(next), headers['content-id'], where);
}

/** Parses a $batch body. Nested batches and change sets inside change sets are refused, as OData requires. */
export function parseBatch(body: string, boundary: string): BatchItem[] {
  const items: BatchItem[] = [];
  const parts = splitParts(body, boundary, 'batch body');
  parts.forEach((lines, index) => {
    const where = `Part ${index + 1} of the batch`;
    const { headers, next } = readHeaders(lines, 0, where);
    const changesetBoundary = multipartBoundary(headers['content-type']);
    if (changesetBoundary === undefined) {
      items.push({ kind: 'request', request: parseRequestPart(lines, where) });
      return;
    }
    const inner = lines.slice(next).join('\n');
    const requests = splitParts(inner, changesetBoundary, `change set in part ${index + 1}`).map(
      (partLines, j) => {
        const innerWhere = `Request ${j + 1} of the change set in part ${index + 1}`;
        const peek = readHeaders(partLines, 0, innerWhere);
        if (multipartBoundary(peek.headers['content-type']) !== undefined)
          throw batchError(`${innerWhere} is itself a change set; change sets cannot be nested.`);
        return parseRequestPart(partLines, innerWhere);
      },
    );
    const ids = requests.map((r) => r.contentId).filter((id): id is string => id !== undefined);
    if (new Set(ids).size !== ids.length)
      throw batchError(
        `The change set in part ${index + 1} uses a Content-ID twice; give each request its own.`,
      );
    items.push({ kind: 'changeset', requests });
  });
  return items;
}

/** How many operations a batch holds (each request in a change set counts). */
export function countOperations(items: readonly BatchItem[]): number {
  return items.reduce((n, item) => n + (item.kind === 'request' ? 1 : item.requests.length), 0);
}

function serializeResponse(response: BatchResponse): string {
  const head = [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    ...(response.contentId !== undefined ? [`Content-ID: ${response.contentId}`] : []),
    '',
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`.trimEnd(),
    ...Object.entries(response.headers).map(([name, value]) => `${name}: ${value}`),
    '',
  ];
  return head.join('\r\n') + '\r\n' + (response.body ?? '') + '\r\n';
}

/** A fresh boundary for a response (Dataverse uses batchresponse_<guid> and changesetresponse_<guid>). */
export function newBoundary(prefix: 'batchresponse' | 'changesetresponse'): string {
  return `${prefix}_${crypto.randomUUID()}`;
}

/** Serialises the responses of a batch, in order, under `boundary`. */
export function serializeBatch(items: readonly BatchResponseItem[], boundary: string): string {
  let out = '';
  for (const item of items) {
    out += `--${boundary}\r\n`;
    if (item.kind === 'response') {
      out += serializeResponse(item.response);
      continue;
    }
    const inner = newBoundary('changesetresponse');
    out += `Content-Type: multipart/mixed; boundary=${inner}\r\n\r\n`;
    for (const response of item.responses) out += `--${inner}\r\n` + serializeResponse(response);
    out += `--${inner}--\r\n`;
  }
  return out + `--${boundary}--\r\n`;
}
