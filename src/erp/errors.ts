import { AppError, type ErrorCode, type FieldProblem } from '../platform/http/app-error.js';

/**
 * Business Central's error codes (learn.microsoft.com, "Error Codes" of API v2.0) that the ERP answers
 * with. Most come from the AppError code through the table in api/bc-errors.ts; an ErpError names
 * its BC code explicitly when the generic code says too little (a broken table relation, an
 * over-long string, a missing concurrency token).
 */
export type BcErrorCode =
  | 'BadRequest'
  | 'BadRequest_NotFound'
  | 'BadRequest_ResourceNotFound'
  | 'BadRequest_InvalidRequestUrl'
  | 'BadRequest_InvalidToken'
  | 'BadRequest_InvalidOperation'
  | 'BadRequest_MethodNotAllowed'
  | 'BadRequest_RequiredParamNotProvided'
  | 'BadRequest_PropertyNotFound'
  | 'Request_EntityChanged'
  | 'Internal_RecordNotFound'
  | 'Internal_CompanyNotFound'
  | 'Internal_InvalidTableRelation'
  | 'Internal_EntityWithSameKeyExists'
  | 'Internal_ServerError'
  | 'Internal_ServiceUnavailable'
  | 'Application_DialogException'
  | 'Application_StringExceededLength'
  | 'Application_EvaluateException'
  | 'Application_InvalidGUID'
  | 'Application_FieldValidationException'
  | 'Application_TooManyRequests'
  | 'Authentication_InvalidCredentials'
  | 'Authorization_InsufficientPermissions'
  | 'Authorization_UserDisabled'
  | 'Unknown';

/** An AppError that also names the Business Central error code to answer with. */
export class ErpError extends AppError {
  readonly bcCode: BcErrorCode;
  constructor(
    code: ErrorCode,
    bcCode: BcErrorCode,
    message: string,
    options: { problems?: FieldProblem[]; headers?: Record<string, string> } = {},
  ) {
    super(code, message, options);
    this.bcCode = bcCode;
  }
}

export function erpError(
  code: ErrorCode,
  bcCode: BcErrorCode,
  message: string,
  options: { problems?: FieldProblem[]; headers?: Record<string, string> } = {},
): ErpError {
  return new ErpError(code, bcCode, message, options);
}
