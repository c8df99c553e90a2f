import { RemoteApiError } from '../clients/index.js';

/**
 * A record that cannot be synchronised now: logged against the record (the run goes on). `waiting`
 * means it depends on a record not coupled yet (a contact whose account is not synchronised): it is
 * tried again on every run and never counted toward skipping.
 */
export class RecordSyncError extends Error {
  constructor(
    message: string,
    readonly kind: 'failed' | 'waiting' = 'failed',
    readonly remote?: { status: number; code: string | undefined },
  ) {
    super(message);
    this.name = 'RecordSyncError';
  }
}

/**
 * A remote refusal that is about the whole run, not one record: throttling that outlasted the
 * client's retries (429/503), an unreachable server, a rejected token. The run stops where it is
 * (its watermarks cover only what was recorded) and the mapping waits (Retry-After when given).
 */
export function isRunLevel(error: unknown): boolean {
  if (!(error instanceof RemoteApiError)) return false;
  return (
    error.status === 0 ||
    error.status === 401 ||
    error.status === 429 ||
    error.status === 503 ||
    error.status >= 500
  );
}

/** A record-level failure from a remote refusal: the remote message, with who refused. */
export function fromRemote(error: RemoteApiError, doing: string): RecordSyncError {
  const said = error.remoteMessage ?? error.message;
  return new RecordSyncError(`${error.service} refused to ${doing}: ${said}`, 'failed', {
    status: error.status,
    code: error.code,
  });
}
