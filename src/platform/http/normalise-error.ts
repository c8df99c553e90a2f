import { AppError, isAppError } from './app-error.js';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>;
  validationContext?: string;
}

/** The PostgreSQL SQLSTATE of an error or of one of its causes (drizzle wraps the driver's error). */
function databaseCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

/**
 * Turns anything thrown inside a request into an AppError, so every API answers with one shape.
 * Unknown errors become a generic 500 whose message reveals nothing internal.
 */
export function normaliseError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const e = (error ?? {}) as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? 'request';
    const problems = e.validation.map((v) => {
      const issuePath = (v.params?.issue as { path?: unknown[] } | undefined)?.path;
      const fromIssue = Array.isArray(issuePath) ? issuePath.join('.') : undefined;
      const field = fromIssue || (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || where;
      return { field, message: v.message ?? 'is invalid' };
    });
    const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    return new AppError('ValidationFailed', `The ${where} is not valid: ${summary}`, { problems });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BadRequest', `The request body is not valid JSON: ${e.message ?? ''}`.trim());
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PayloadTooLarge', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UnsupportedMediaType', `Unsupported Content-Type: ${e.message ?? ''}`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BadRequest', 'The Content-Length header does not match the body.');
  }
  if (databaseCode(error) === '22021' || databaseCode(error) === '22P05') {
    return new AppError(
      'BadRequest',
      'A text value contains a character the database cannot hold (such as NUL, U+0000). Remove it and send the request again.',
    );
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 429) return new AppError('TooManyRequests', e.message ?? 'Too many requests.');
    if (e.statusCode === 413) return new AppError('PayloadTooLarge', 'The request body is too large.');
    if (e.statusCode === 415)
      return new AppError('UnsupportedMediaType', e.message ?? 'Unsupported media type.');
    return new AppError('BadRequest', e.message ?? 'Bad request.', { status: e.statusCode });
  }
  return new AppError(
    'Internal',
    'An unexpected error occurred. The request id in this response identifies it in the server log.',
    {
      cause: error,
    },
  );
}
