import { AppError } from '../http/app-error.js';

/**
 * The error every OData query problem becomes: a 400 whose message says what is wrong, where and how to
 * fix it, with the offending query option as the problem's field so clients can point at it.
 */
export function queryError(option: string, message: string, value?: string): AppError {
  return new AppError('BadRequest', message, {
    problems: [{ field: option, message, ...(value === undefined ? {} : { value }) }],
  });
}
