import { RemoteApiError, TokenRequestError } from '../clients/index.js';

/** A remote failure in a sentence a person can read (never a credential: the clients omit them). */
export function describeRemoteError(error: unknown): string {
  if (error instanceof TokenRequestError) return error.errorDescription ?? error.message;
  if (error instanceof RemoteApiError) {
    if (error.status === 0) return `${error.service} could not be reached (${error.message}).`;
    return `${error.service} answered ${error.status}${error.remoteMessage ? `: ${error.remoteMessage}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function isForbidden(error: unknown): boolean {
  return error instanceof RemoteApiError && (error.status === 403 || error.status === 401);
}
