import { AppError, type ErrorCode } from '../../platform/http/app-error.js';
import { normaliseError } from '../../platform/http/normalise-error.js';

/**
 * Dataverse's error shape, `{"error":{"code":"0x…","message":"…"}}`, for every error of the Web API.
 * Client libraries read `error.code` (a hex HRESULT) to decide what to do — retry on 0x80072322,
 * refetch on 0x80060882 — so each AppError maps to the code Dataverse uses for the same situation.
 */

/** The hex codes Dataverse documents, named so call sites say what they mean. */
export const DATAVERSE_CODES = {
  /** A record addressed by id or key does not exist ("account With Id = … Does Not Exist"). */
  objectDoesNotExist: '0x80040217',
  /** An entity set, function or segment name that is not served ("Resource not found for the segment 'Account'."). */
  resourceNotFound: '0x8006088a',
  /** Ill-formed query options or URLs (unknown property, bad $filter): Dataverse answers these with 0x0. */
  queryInvalid: '0x0',
  /** A body Dataverse cannot read (wrong JSON, wrong types, unknown attribute). */
  invalidArgument: '0x80048d19',
  /** A missing security privilege. */
  privilegeDenied: '0x80040220',
  /** The record changed since the ETag given in If-Match. */
  concurrencyVersionMismatch: '0x80060882',
  /** An insert whose key (id or alternate key) already exists, or If-None-Match: * on an existing record. */
  duplicateRecord: '0x80040237',
  /** The caller could not be authenticated. */
  unauthorized: '0x80072560',
  /** Service protection: too many requests in the window. */
  requestLimit: '0x80072322',
  /** Service protection: too many concurrent requests. */
  concurrencyLimit: '0x80072326',
  /** A request the server could not complete. */
  generic: '0x80040216',
  /** A method the resource does not support. */
  methodNotAllowed: '0x80060888',
  /** The batch or change set itself is malformed or too large. */
  batchInvalid: '0x80048d0b',
} as const;

const DEFAULT_CODE: Record<ErrorCode, string> = {
  BadRequest: DATAVERSE_CODES.invalidArgument,
  ValidationFailed: DATAVERSE_CODES.invalidArgument,
  InvalidCsv: DATAVERSE_CODES.invalidArgument,
  UsageLocationRequired: DATAVERSE_CODES.invalidArgument,
  Unauthorized: DATAVERSE_CODES.unauthorized,
  InvalidCredentials: DATAVERSE_CODES.unauthorized,
  Forbidden: DATAVERSE_CODES.privilegeDenied,
  SignInBlocked: DATAVERSE_CODES.privilegeDenied,
  PasswordChangeRequired: DATAVERSE_CODES.privilegeDenied,
  NotFound: DATAVERSE_CODES.objectDoesNotExist,
  MethodNotAllowed: DATAVERSE_CODES.methodNotAllowed,
  AlreadyExists: DATAVERSE_CODES.duplicateRecord,
  Conflict: DATAVERSE_CODES.duplicateRecord,
  CountViolation: DATAVERSE_CODES.invalidArgument,
  PreconditionFailed: DATAVERSE_CODES.concurrencyVersionMismatch,
  PayloadTooLarge: DATAVERSE_CODES.batchInvalid,
  UnsupportedMediaType: DATAVERSE_CODES.invalidArgument,
  TooManyRequests: DATAVERSE_CODES.requestLimit,
  Internal: DATAVERSE_CODES.generic,
  ServiceUnavailable: DATAVERSE_CODES.generic,
};

/** An AppError carrying the exact Dataverse code to send (other AppErrors get their code's default). */
export class DataverseError extends AppError {
  readonly dataverseCode: string;

  constructor(
    code: ErrorCode,
    dataverseCode: string,
    message: string,
    options: { headers?: Record<string, string>; status?: number } = {},
  ) {
    super(code, message, options);
    this.dataverseCode = dataverseCode;
  }
}

export interface DataverseErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: string; message: string } };
  /** The normalised error, for logging 5xx causes. */
  appError: AppError;
}

/** Any thrown value → the status, headers and body Dataverse would send. */
export function toDataverseError(error: unknown): DataverseErrorResponse {
  const appError = normaliseError(error);
  let code = appError instanceof DataverseError ? appError.dataverseCode : DEFAULT_CODE[appError.code];
  // The OData query machinery reports every problem as BadRequest with the option as the field.
  if (
    !(appError instanceof DataverseError) &&
    appError.code === 'BadRequest' &&
    appError.problems?.some((p) => p.field.startsWith('$'))
  )
    code = DATAVERSE_CODES.queryInvalid;
  return {
    status: appError.status,
    headers: { ...(appError.headers ?? {}) },
    body: { error: { code, message: appError.message } },
    appError,
  };
}

/** 404 for a URL segment that names nothing this service serves, worded as Dataverse words it. */
export function resourceNotFound(segment: string): DataverseError {
  return new DataverseError(
    'NotFound',
    DATAVERSE_CODES.resourceNotFound,
    `Resource not found for the segment '${segment}'.`,
  );
}

/** 404 for a record that does not exist, worded as Dataverse words it (logical name, not entity set). */
export function recordNotFound(logicalName: string, id: string): DataverseError {
  return new DataverseError(
    'NotFound',
    DATAVERSE_CODES.objectDoesNotExist,
    `${logicalName} With Id = ${id} Does Not Exist`,
  );
}

/** 400 for a body or URL Dataverse cannot use. */
export function invalidArgument(message: string): DataverseError {
  return new DataverseError('BadRequest', DATAVERSE_CODES.invalidArgument, message);
}

/** 400 for query options or URL syntax, which Dataverse answers with code 0x0. */
export function queryInvalid(message: string): DataverseError {
  return new DataverseError('BadRequest', DATAVERSE_CODES.queryInvalid, message);
}
