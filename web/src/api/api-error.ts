import { consoleWords } from './console-words';

/** One problem with one input field (directory problem+json `problems`) or CSV cell. */
export interface FieldProblem {
  field: string;
  message: string;
  row?: number;
  value?: string;
}

/**
 * An API's refusal, whatever its wire shape: the directory's and Sales admin's problem+json, the
 * Dataverse and Business Central `{error:{code,message}}`, OAuth's `{error,error_description}`.
 * `message` is the server's sentence for a person, in the console's words: an aside naming an API
 * route, field or CLI command (for the API's own callers) is taken out (console-words.ts).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly problems: FieldProblem[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message for one field, when the server named it. */
  problemFor(field: string): string | undefined {
    const lower = field.toLowerCase();
    return this.problems.find((p) => p.field.toLowerCase() === lower)?.message;
  }
}

interface ErrorBody {
  detail?: string;
  title?: string;
  code?: string;
  problems?: FieldProblem[];
  requestId?: string;
  error?: string | { code?: string; message?: string };
  error_description?: string;
}

/** Business Central ends its messages with "CorrelationId: <id>."; the id goes to requestId instead. */
const CORRELATION = /\s*CorrelationId:\s*([\w-]+)\.?\s*$/;

export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    const text = await response.text();
    body = text ? (JSON.parse(text) as ErrorBody) : {};
  } catch {
    body = {};
  }
  const requestId = response.headers.get('x-request-id') ?? body.requestId ?? undefined;
  if (body.error && typeof body.error === 'object') {
    let message = body.error.message ?? `The server answered ${response.status}.`;
    const correlation = CORRELATION.exec(message);
    if (correlation) message = message.replace(CORRELATION, '');
    return new ApiError(
      consoleWords(message),
      response.status,
      body.error.code,
      [],
      correlation?.[1] ?? requestId,
    );
  }
  if (typeof body.error === 'string') {
    return new ApiError(body.error_description ?? body.error, response.status, body.error, [], requestId);
  }
  const message =
    body.detail ?? body.title ?? `The server answered ${response.status} ${response.statusText}. Try again.`;
  return new ApiError(consoleWords(message), response.status, body.code, body.problems ?? [], requestId);
}

export function unreachable(): ApiError {
  return new ApiError(
    'Tandem did not answer. Check that the server is running and your network connection, then try again.',
    0,
    'Unreachable',
  );
}

/** A sentence for any error a page may catch. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong. Try again.';
}
