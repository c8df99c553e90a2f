import type { DirectoryFeed } from '../directory/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { TokenVerifier } from '../platform/http/token-verifier.js';
import type { ForegroundGate } from '../platform/jobs/foreground-gate.js';

/** What every Sales domain function needs; built once by the Sales index. */
export interface SalesContext {
  db: Database;
  config: Config;
  /** The directory's user feed: the only way Sales learns about directory users. */
  feed: DirectoryFeed;
  /** Verifies bearer tokens against the directory's JWKS (audience: the Sales URL or 'tandem'). */
  verifyToken: TokenVerifier;
  /** Background provisioning gives way to requests in flight (absent: never waits). */
  gate?: ForegroundGate;
}
