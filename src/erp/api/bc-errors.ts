import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../platform/http/app-error.js';
import type { AppError } from '../../platform/http/app-error.js';
import { normaliseError } from '../../platform/http/normalise-error.js';
import { ErpError, type BcErrorCode } from '../errors.js';

/** The one table from Tandem's error codes to Business Central's (used unless an ErpError names one). */
export const BC_ERROR_CODES: Record<ErrorCode, BcErrorCode> = {
  BadRequest: 'BadRequest',
  ValidationFailed: 'BadRequest',
  InvalidCsv: 'BadRequest',
  UsageLocationRequired: 'Application_FieldValidationException',
  Unauthorized: 'Authentication_InvalidCredentials',
  InvalidCredentials: 'Authentication_InvalidCredentials',
  Forbidden: 'Authorization_InsufficientPermissions',
  SignInBlocked: 'Authorization_UserDisabled',
  PasswordChangeRequired: 'Authentication_InvalidCredentials',
  NotFound: 'BadRequest_ResourceNotFound',
  MethodNotAllowed: 'BadRequest_MethodNotAllowed',
  AlreadyExists: 'Internal_EntityWithSameKeyExists',
  Conflict: 'Application_DialogException',
  CountViolation: 'Application_DialogException',
  PreconditionFailed: 'Request_EntityChanged',
  PayloadTooLarge: 'BadRequest',
  UnsupportedMediaType: 'BadRequest',
  TooManyRequests: 'Application_TooManyRequests',
  Internal: 'Internal_ServerError',
  ServiceUnavailable: 'Internal_ServiceUnavailable',
};

export function bcCodeOf(error: AppError): BcErrorCode {
  return error instanceof ErpError ? error.bcCode : (BC_ERROR_CODES[error.code] ?? 'Unknown');
}

/** Business Central's error body: `{"error":{"code","message"}}`, the message ending in the correlation id. */
export function bcErrorBody(
  error: AppError,
  correlationId: string,
): { error: { code: string; message: string } } {
  return { error: { code: bcCodeOf(error), message: `${error.message}  CorrelationId:  ${correlationId}.` } };
}

/** The ERP scope's error handler: anything thrown becomes BC's shape with the right status. */
export function sendBcError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = normaliseError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'ERP request failed');
  for (const [name, value] of Object.entries(appError.headers ?? {})) reply.header(name, value);
  return reply
    .status(appError.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(bcErrorBody(appError, request.id));
}
