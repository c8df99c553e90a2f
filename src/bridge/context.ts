import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { TokenVerifier } from '../platform/http/token-verifier.js';
import type { SecretBox } from '../platform/security/secret-box.js';
import type { AdminSessions } from './setup/admin-session.js';
import type { SyncRuns } from './sync/run-queue.js';

/** What every bridge function works with. */
export interface BridgeContext {
  db: Database;
  config: Config;
  /** Seals the integration identity's secret at rest. */
  secrets: SecretBox;
  /** Verifies callers' bearer tokens against the directory's JWKS. */
  verifyToken: TokenVerifier;
  /** The setup administrator's token, in memory only, while a setup runs. */
  adminSessions: AdminSessions;
  /** HTTP for the clients (tests may stub it); defaults to global fetch. */
  fetch?: typeof fetch;
  /** Runs of mappings, as jobs on the queue (`sync/run-queue.ts`). */
  runs: SyncRuns;
}

/** Who did something: a person or application (directory object id and a printable name). */
export interface BridgeActor {
  id: string;
  name: string;
  /**
   * The caller's bearer token, for the directory calls made on its behalf (protecting the
   * integration identity). In memory for the request only: audit entries keep id and name.
   */
  token?: string;
}

/** Tandem itself (background account checks). */
export const SYSTEM: BridgeActor = { id: '00000000-0000-0000-0000-000000000000', name: 'Tandem' };
