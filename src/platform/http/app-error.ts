/**
 * The one error type of Tandem. Every domain function throws AppError with a code from this table;
 * each API maps it to its own wire shape (problem+json for the directory, Dataverse JSON for Sales,
 * BC JSON for the ERP). Messages are safe to show to a person and say how to fix the problem;
 * they never contain a credential.
 */
export const ERROR_STATUS = {
  BadRequest: 400,
  ValidationFailed: 400,
  InvalidCsv: 400,
  UsageLocationRequired: 400,
  Unauthorized: 401,
  InvalidCredentials: 401,
  Forbidden: 403,
  SignInBlocked: 403,
  PasswordChangeRequired: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  AlreadyExists: 409,
  Conflict: 409,
  CountViolation: 409,
  PreconditionFailed: 412,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  Internal: 500,
  ServiceUnavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem with one input field (or CSV cell). */
export interface FieldProblem {
  /** Dotted path of the field, or the CSV column name. */
  field: string;
  message: string;
  /** 1-based CSV data row (header is row 1), when the problem is in a file. */
  row?: number;
  value?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly problems: FieldProblem[] | undefined;
  /** Extra headers to send (e.g. Retry-After). */
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      problems?: FieldProblem[];
      headers?: Record<string, string>;
      status?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.problems = options.problems;
    this.headers = options.headers;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
