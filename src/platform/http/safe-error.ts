/**
 * Errors as they go into the log: the message, stack, code and cause chain, never the SQL
 * parameters. A failed drizzle query's message is "Failed query: <sql>\nparams: <values>", and those
 * values are users' data (names, addresses, password hashes); the SQL text alone says what failed.
 */

const PARAMS = /\nparams: [\s\S]*$/;

/** The message without the SQL parameters a failed query's message carries. */
export function scrubMessage(message: string): string {
  return message.replace(PARAMS, '\nparams: [not logged]');
}

const KEPT = ['code', 'severity', 'routine', 'schema', 'table', 'column', 'constraint', 'statusCode'];

export interface SerializedError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

/** A plain, parameter-free object for pino's `err` serializer. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    return { type: typeof error, message: scrubMessage(String(error)), stack: '' };
  }
  return serializeChain(error, 0) as SerializedError;
}

function serializeChain(error: unknown, depth: number): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? scrubMessage(error) : error;
  const message = scrubMessage(error.message);
  const out: Record<string, unknown> = { type: error.name, message, stack: '' };
  if (error.stack) {
    const head = `${error.name}: ${error.message}`;
    out.stack = error.stack.startsWith(head)
      ? `${error.name}: ${message}${error.stack.slice(head.length)}`
      : scrubMessage(error.stack);
  }
  const fields = error as unknown as Record<string, unknown>;
  for (const key of KEPT) {
    if (typeof fields[key] === 'string' || typeof fields[key] === 'number') out[key] = fields[key];
  }
  if (typeof fields.query === 'string') out.query = fields.query;
  if (error.cause !== undefined && depth < 5) out.cause = serializeChain(error.cause, depth + 1);
  return out;
}
